import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/sync/types.ts
var RetryableError = class extends Error {
  constructor(message, retryAfterMs, options) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
  retryAfterMs;
  name = "RetryableError";
};

export {
  RetryableError
};
