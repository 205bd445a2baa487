// Bundles the CLI into dist/cli/ (an entry and the chunks its commands load lazily): one file
// to load instead of a hundred modules keeps start-up near node's own. Part of `npm run build`.
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outdir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { leash: fileURLToPath(new URL('../src/cli/entry.ts', import.meta.url)) },
  bundle: true,
  splitting: true,
  outdir,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  banner: {
    js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
