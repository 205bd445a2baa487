/**
 * Which PostgreSQL failures are transient: a lost or refused connection, a server starting up
 * or shutting down, too many connections, a serialization failure or a concurrent catalog
 * update. Those become RetryableError; anything else is a plain Error with the server's words.
 */
import { RetryableError } from '../../types.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);

/** pg raises these without a code when the socket goes away or connecting takes too long. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout expired/i,
  /connection error and is not queryable/i,
  /client was closed/i,
  // Two sessions granting on one table at the same moment.
  /tuple concurrently updated/i,
];

/** Whether the connection is unusable after this error (a new one must be opened). */
export function isConnectionLost(error: unknown): boolean {
  const { code, message } = errorParts(error);
  return (
    (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) ||
    TRANSIENT_MESSAGES.slice(0, 4).some((re) => re.test(message))
  );
}

export function isTransient(error: unknown): boolean {
  const { code, message } = errorParts(error);
  return (
    isConnectionLost(error) ||
    (code !== undefined && TRANSIENT_SQLSTATES.has(code)) ||
    TRANSIENT_MESSAGES.some((re) => re.test(message))
  );
}

/**
 * A failure leash explains itself (a grant that granted nothing, a role it will not take over);
 * `cause` is the server's error when there is one.
 */
export class PostgresTargetError extends Error {
  override name = 'PostgresTargetError';
}

/**
 * The error to throw for a failure while doing `what`: retryable when transient. The message
 * says what failed (and the server's detail); the server's own message stays in `cause`.
 */
export function describeFailure(what: string, error: unknown): Error {
  if (error instanceof RetryableError) return error;
  if (error instanceof PostgresTargetError) {
    const cause = error.cause;
    const options = cause === undefined ? undefined : { cause };
    return isTransient(cause)
      ? new RetryableError(`${what}: ${error.message}`, undefined, options)
      : new Error(`${what}: ${error.message}`, options);
  }
  const { detail, hint } = errorParts(error);
  const extra = [detail, hint && `hint: ${hint}`].filter(Boolean).join('; ');
  const text = extra ? `${what} (${extra})` : what;
  const cause = innerError(error);
  return isTransient(error) ? new RetryableError(text, undefined, { cause }) : new Error(text, { cause });
}

/** Node reports a refused dual-stack connect as an AggregateError without a message: its first error says it. */
function innerError(error: unknown): unknown {
  if (error instanceof AggregateError && !error.message && error.errors[0] instanceof Error)
    return error.errors[0];
  return error;
}

/** The SQLSTATE (or the socket's error code) of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return errorParts(error).code;
}

function errorParts(error: unknown): { code?: string; message: string; detail?: string; hint?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = innerError(error) as Error & { code?: unknown; detail?: unknown; hint?: unknown };
  const message = e.message || e.name;
  return {
    message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.detail === 'string' && e.detail ? { detail: e.detail } : {}),
    ...(typeof e.hint === 'string' && e.hint ? { hint: e.hint } : {}),
  };
}
