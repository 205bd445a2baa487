// Bundles the GitHub Action into ESM files under dist/action/ (a small entry that logs at once,
// and the chunks it loads), committed so the Action runs without installing anything.
// `npm run build:action`; a test fails when the committed bundle differs from a fresh build.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const outdir = fileURLToPath(new URL('../dist/action/', import.meta.url));

/** The bundle as file name -> text, built in memory. */
export async function buildActionBundle() {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/action/main.ts', import.meta.url))],
    bundle: true,
    splitting: true,
    outdir,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    legalComments: 'none',
    define: { LEASH_VERSION: JSON.stringify(version) },
    // Bundled CommonJS dependencies call require(): give them one.
    banner: {
      js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return Object.fromEntries(result.outputFiles.map((f) => [basename(f.path), f.text]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync, mkdirSync, rmSync } = await import('node:fs');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const [name, text] of Object.entries(await buildActionBundle())) writeFileSync(outdir + name, text);
  console.log(`wrote ${outdir}`);
}
