// The Action's entry. The first log line is written before anything heavy loads, so a run
// shows life at once; the rest of leash is a separate chunk of the bundle.
declare const LEASH_VERSION: string;

process.stdout.write(`leash ${LEASH_VERSION} ${process.env.INPUT_COMMAND || 'check'}\n`);
const { run } = await import('./run.js');
await run();
