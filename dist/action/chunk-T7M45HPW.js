import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  RetryableError
} from "./chunk-OACDNGXH.js";

// src/sync/retry.ts
var DEFAULT_RETRY = { attempts: 4, baseDelayMs: 250, maxDelayMs: 3e4 };
async function withRetry(fn, policy = DEFAULT_RETRY, signal) {
  const sleep = policy.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (error) {
      if (!(error instanceof RetryableError) || attempt >= policy.attempts || signal?.aborted) throw error;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.min(error.retryAfterMs ?? backoff, policy.maxDelayMs), signal);
    }
  }
}
function parseRetryAfter(value, now) {
  if (!value) return void 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
  const at = Date.parse(value);
  return Number.isNaN(at) ? void 0 : Math.max(0, at - now);
}
function sleepFor(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export {
  DEFAULT_RETRY,
  withRetry,
  parseRetryAfter
};
