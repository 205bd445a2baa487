// The kill switch benchmark (issue 6): bundles bench/kill-bench.ts (TypeScript importing src/,
// the real-server helpers of test/helpers/servers/ and the never-answering server of
// test/revocation/) with esbuild into bench/.work/ and runs it, as bench/sync.mjs does.
// npm run bench runs this after the sync section; BENCH_KILL=0 skips it there.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outfile = fileURLToPath(new URL('.work/kill-bench.mjs', import.meta.url));
mkdirSync(fileURLToPath(new URL('.work/', import.meta.url)), { recursive: true });
await build({
  entryPoints: [fileURLToPath(new URL('kill-bench.ts', import.meta.url))],
  bundle: true,
  outfile,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Packages resolve from node_modules at run time (cedar-wasm loads its wasm beside itself).
  external: [
    '@cedar-policy/cedar-wasm',
    '@cedar-policy/cedar-wasm/*',
    'pg',
    'ldapts',
    'scimmy',
    'scimmy-routers',
    'express',
    '@aws-sdk/*',
  ],
  banner: {
    js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
process.exitCode = run.status ?? 2;
