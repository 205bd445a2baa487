// The `leash` command: bundled into dist/cli/ by `npm run build`; bin/leash.js loads it.
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
