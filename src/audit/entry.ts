/**
 * The pure half of the audit log: canonical JSON, an entry's hash, and the shape check every
 * line goes through before anything trusts it (a log is input: it may have been edited by hand
 * or by an attacker).
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditProblemKind } from './types.js';
import { AUDIT_FORMAT_VERSION } from './types.js';

/**
 * JSON with object keys sorted (by UTF-16 code unit) and no whitespace; keys whose value is
 * undefined are left out. The same value always gives the same text, so a hash of it is stable.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/** The hash an entry must carry: SHA-256 of the canonical JSON of everything but `hash`. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** A line read back: the entry, or why it is not one. */
export type ParsedLine =
  | { entry: AuditEntry }
  | {
      problem: {
        kind: Extract<AuditProblemKind, 'invalid-json' | 'invalid-entry' | 'unknown-format-version'>;
        message: string;
      };
    };

/**
 * Parses one line (without its newline) into an entry, checking its shape strictly. Does not
 * check the hash or the chain: the caller does, with what came before.
 */
export function parseEntryLine(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      // JSON.parse makes "__proto__" an own property; code that later copies the object could
      // still turn it into a prototype, so no entry may carry one.
      if (key === '__proto__') throw new ForbiddenKey();
      return v;
    });
  } catch (error) {
    if (error instanceof ForbiddenKey) {
      return { problem: { kind: 'invalid-entry', message: 'not an audit entry: it has a "__proto__" key' } };
    }
    return {
      problem: {
        kind: 'invalid-json',
        message: text.trim() === '' ? 'an empty line, not an audit entry' : 'not JSON: not an audit entry',
      },
    };
  }
  if (!isRecord(value)) {
    return { problem: { kind: 'invalid-entry', message: 'not an audit entry: not a JSON object' } };
  }
  if (value.formatVersion !== AUDIT_FORMAT_VERSION) {
    return {
      problem: {
        kind: 'unknown-format-version',
        message: `formatVersion ${describeVersion(value.formatVersion)} is not one this leash knows (${AUDIT_FORMAT_VERSION})`,
      },
    };
  }
  const wrong = checkStored(value);
  if (wrong) return { problem: { kind: 'invalid-entry', message: `not a valid audit entry: ${wrong}` } };
  return { entry: value as unknown as AuditEntry };
}

/** What is wrong with an entry input, or undefined when it is well-formed. */
export function checkEntryInput(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  return checkFields(value, INPUT_FIELDS);
}

const HEX64 = /^[0-9a-f]{64}$/;
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// An ISO 8601 instant with its zone: a log read in another time zone means the same moment.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const KINDS = new Set(['sync', 'apply', 'kill', 'kill-lifted']);
const RESULTS = new Set(['applied', 'unchanged', 'failed', 'skipped', 'revoked', 'unreachable']);
const OPS = new Set(['create', 'update', 'delete']);

type Check = (v: unknown) => string | undefined;

const string: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const nonEmpty: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'must be a non-empty string');
const oneOf =
  (set: Set<string>): Check =>
  (v) =>
    typeof v === 'string' && set.has(v) ? undefined : `must be one of ${[...set].join(', ')}`;
const matching =
  (re: RegExp, what: string): Check =>
  (v) =>
    typeof v === 'string' && re.test(v) ? undefined : `must be ${what}`;
const integer =
  (min: number, max: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
const arrayOf =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (let i = 0; i < v.length; i++) {
      const wrong = item(v[i]);
      if (wrong) return `[${i}] ${wrong}`;
    }
    return undefined;
  };
const objectOf =
  (fields: Fields): Check =>
  (v) =>
    isRecord(v) ? checkFields(v, fields) : 'must be an object';

/** Field name -> [required, check]. */
type Fields = Record<string, [boolean, Check]>;

const instant: Check = (v) =>
  typeof v === 'string' && INSTANT.test(v) && !Number.isNaN(Date.parse(v))
    ? undefined
    : 'must be an ISO 8601 time with a zone';

const CHANGE_FIELDS: Fields = {
  op: [true, oneOf(OPS)],
  type: [true, nonEmpty],
  id: [true, string],
  agent: [false, string],
  ok: [true, (v) => (typeof v === 'boolean' ? undefined : 'must be true or false')],
  error: [false, string],
};

const TARGET_FIELDS: Fields = {
  target: [true, nonEmpty],
  type: [true, nonEmpty],
  result: [true, oneOf(RESULTS)],
  changes: [true, arrayOf(objectOf(CHANGE_FIELDS))],
  error: [false, string],
};

const INPUT_FIELDS: Fields = {
  kind: [true, oneOf(KINDS)],
  at: [true, instant],
  actor: [true, nonEmpty],
  commit: [false, matching(COMMIT, 'a full commit id (hex)')],
  pullRequest: [
    false,
    objectOf({
      number: [true, integer(1, Number.MAX_SAFE_INTEGER)],
      url: [false, string],
      approvers: [true, arrayOf(nonEmpty)],
    }),
  ],
  agent: [false, nonEmpty],
  reason: [false, string],
  targets: [true, arrayOf(objectOf(TARGET_FIELDS))],
  exitCode: [false, integer(0, 255)],
};

const STORED_FIELDS: Fields = {
  ...INPUT_FIELDS,
  formatVersion: [true, (v) => (v === AUDIT_FORMAT_VERSION ? undefined : `must be ${AUDIT_FORMAT_VERSION}`)],
  seq: [true, integer(1, Number.MAX_SAFE_INTEGER)],
  prev: [true, matching(HEX64, '64 lowercase hex digits')],
  hash: [true, matching(HEX64, '64 lowercase hex digits')],
};

function checkStored(value: Record<string, unknown>): string | undefined {
  return checkFields(value, STORED_FIELDS);
}

function checkFields(value: Record<string, unknown>, fields: Fields): string | undefined {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key)) return `unknown field ${JSON.stringify(key)}`;
  }
  for (const [key, [required, check]] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) {
      if (required) return `${key} is missing`;
      continue;
    }
    const wrong = check(v);
    if (wrong) return `${key}${wrong.startsWith('[') ? '' : ' '}${wrong}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ForbiddenKey extends Error {}

function describeVersion(v: unknown): string {
  if (v === undefined) return 'missing';
  // Only a short scalar is echoed: the line is untrusted and may be large.
  return (typeof v === 'number' || typeof v === 'string') && String(v).length <= 20
    ? JSON.stringify(v)
    : `of type ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}`;
}
