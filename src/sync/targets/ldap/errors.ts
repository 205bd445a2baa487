/**
 * LDAP failures in words, and which of them are worth retrying: a lost or refused connection,
 * a timeout, a busy or unavailable server. Everything else (a bad password, a missing entry,
 * an access rule) fails the same way on a second try.
 */
import { ResultCodeError } from 'ldapts';
import { RetryableError } from '../../types.js';

/** LDAP result codes (RFC 4511, 4528) that ldapts has no named error for. */
const RESULT_NAMES: Readonly<Record<number, string>> = { 122: 'assertion failed' };

const TRANSIENT_CODES = new Set([51, 52]); // busy, unavailable
const TRANSIENT_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);
/** ldapts reports a dropped or timed-out socket with plain errors; these are their messages. */
const TRANSIENT_MESSAGES =
  /Connection closed before message response|Socket connection not established|Operation timed out|Connection timeout|socket hang up/i;

/** The LDAP result code of an error from ldapts, if it carries one. */
export function resultCode(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

/** One phrase for an ldapts error: the result's name and code and the server's message. */
export function describeLdapError(error: unknown): string {
  if (error instanceof ResultCodeError) {
    const name =
      RESULT_NAMES[error.code] ??
      error.name
        .replace(/Error$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase();
    const diagnostic = error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
    return `${name} (LDAP result ${error.code})${diagnostic ? `: ${diagnostic}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether a failure is transient: the connection, not the request, was the problem. */
export function isTransient(error: unknown): boolean {
  if (error instanceof RetryableError) return true;
  if (error instanceof ResultCodeError) return TRANSIENT_CODES.has(error.code);
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && TRANSIENT_ERRNOS.has(code)) || TRANSIENT_MESSAGES.test(error.message);
}

/** Wraps a failure of `what` (e.g. "adding uid=x,ou=agents,..."): retryable when transient. */
export function ldapError(error: unknown, what: string): Error {
  if (error instanceof RetryableError) return error;
  const message = `${what}: ${describeLdapError(error)}`;
  return isTransient(error)
    ? new RetryableError(message, undefined, { cause: error })
    : new Error(message, { cause: error });
}
