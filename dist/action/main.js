import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/action/main.ts
process.stdout.write(`leash ${"0.1.0"} ${process.env.INPUT_COMMAND || "check"}
`);
var { run } = await import("./run-ZH4EBKSK.js");
await run();
