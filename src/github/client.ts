import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** The octokit leash uses: REST endpoints, pagination, retries and rate-limit handling. */
const LeashOctokit: typeof Octokit = Octokit.plugin(retry, throttling);
export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  /** A token: GITHUB_TOKEN in the Action. Read by the caller from the environment, never from a file. */
  token: string;
  /** The REST API root, e.g. https://api.github.com or GITHUB_API_URL on GitHub Enterprise. */
  baseUrl: string;
  /** How often a failed request is tried again (5xx with backoff; rate limits after their wait). */
  retries?: number;
  /** Milliseconds per second of backoff or Retry-After; tests shrink it. */
  secondMs?: number;
  /** The longest wait leash accepts for a rate limit, in seconds; past it, the request fails. */
  maxWaitSeconds?: number;
  /** Where waits and retries are told (the Action's log). */
  log?: (message: string) => void;
}

/**
 * Builds the one octokit leash talks to GitHub with: the only place octokit is constructed.
 * Server errors are retried with growing backoff; primary and secondary rate limits wait as
 * long as GitHub says (Retry-After, or until X-RateLimit-Reset) up to maxWaitSeconds, then fail
 * with GitHub's message.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 3;
  const maxWait = options.maxWaitSeconds ?? 120;
  const log = options.log ?? (() => undefined);
  const secondMs = options.secondMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryCount >= retries || retryAfter > maxWait) {
        log(`GitHub ${kind} on ${request.method} ${request.url}: giving up (retry after ${retryAfter} s)`);
        return false;
      }
      log(`GitHub ${kind} on ${request.method} ${request.url}: retrying in ${retryAfter} s`);
      return true;
    };
  return new LeashOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'leash',
    // 429 is a rate limit: the throttling plugin waits as long as Retry-After says; the retry
    // plugin would use its own backoff instead. 4xx answers are not outages: not retried.
    retry: { retries, retryAfterBaseValue: secondMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      retryAfterBaseValue: secondMs,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
}
