// The sync benchmarks (issue 5): bundles bench/sync-bench.ts (TypeScript importing src/ and the
// real-server helpers of test/helpers/servers/) with esbuild into bench/.work/ and runs it.
// npm run bench runs this after its other sections; BENCH_SYNC=0 skips it there.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outfile = fileURLToPath(new URL('.work/sync-bench.mjs', import.meta.url));
mkdirSync(fileURLToPath(new URL('.work/', import.meta.url)), { recursive: true });
await build({
  entryPoints: [fileURLToPath(new URL('sync-bench.ts', import.meta.url))],
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
