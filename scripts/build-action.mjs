// Bundles the GitHub Action into one ESM file, dist/action.js, committed so the Action runs
// without installing anything. `npm run build:action`; a test fails when the committed bundle
// differs from a fresh build.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The bundle's text, built in memory. */
export async function buildActionBundle() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/action/main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    legalComments: 'none',
    // Bundled CommonJS dependencies call require(): give them one.
    banner: {
      js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const out = fileURLToPath(new URL('../dist/action.js', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../dist/', import.meta.url)), { recursive: true });
  writeFileSync(out, await buildActionBundle());
  console.log(`wrote ${out}`);
}
