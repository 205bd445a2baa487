// Spawns a process and prints how long it took to write its first line of output: the
// Action's entry (argv[2]) or, without one, `node -e "console.log(1)"`.
import { spawn } from 'node:child_process';

const script = process.argv[2];
const t = performance.now();
const child = spawn(process.execPath, script ? [script] : ['-e', 'console.log(1)'], {
  env: { PATH: process.env.PATH, INPUT_COMMAND: 'check', INPUT_TOKEN: 'x', GITHUB_EVENT_NAME: 'push' },
});
child.stdout.once('data', () => {
  console.log(JSON.stringify({ ms: performance.now() - t }));
  child.kill();
});
