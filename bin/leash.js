#!/usr/bin/env node
// The CLI bundle built by `npm run build` (dist/cli/); see scripts/build-cli.mjs.
await import('../dist/cli/leash.js');
