/**
 * The audit log's record shape (docs/audit.md). One entry per sync, apply and kill, one JSON
 * line each, every entry chained to the one before it by hash.
 */

/** The format of an entry; a verifier refuses versions it does not know. */
export const AUDIT_FORMAT_VERSION = 1;

/** The `prev` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Where the log lives when leash.yaml says nothing (relative to the folder holding leash.yaml). */
export const DEFAULT_AUDIT_PATH = '.leash/audit.jsonl';

/**
 * Caps that keep a hostile or broken log from costing memory or time. A line is one entry; a
 * sync of 10,000 changes writes about 1 MiB, so the cap leaves room for runs far larger than that.
 */
export const AUDIT_LIMITS = {
  /** The longest line (entry) read or written, in bytes. */
  maxLineBytes: 16 * 1024 * 1024,
  /** How long an append waits for another run's lock before giving up (longer than lockStaleMs). */
  lockTimeoutMs: 20_000,
  /**
   * A lock older than this was left behind by a run that died (an append takes milliseconds),
   * and is removed; so is a lock whose process, on this machine, is gone.
   */
  lockStaleMs: 10_000,
} as const;

/** What a run did to one target. */
export interface AuditTargetRecord {
  /** The target's name in leash.yaml. */
  target: string;
  /** The target's type (local, postgres, …). */
  type: string;
  /**
   * applied: every change went through; unchanged: nothing to do; failed: some change failed;
   * skipped: held back (a guardrail, a stale plan) and nothing was applied; revoked: a kill took
   * the agent's access away; unreachable: the target could not be read or reached.
   */
  result: 'applied' | 'unchanged' | 'failed' | 'skipped' | 'revoked' | 'unreachable';
  /** Every change attempted, in order, with whether it went through. */
  changes: AuditChangeRecord[];
  /** Why the target was skipped, unreachable or failed. */
  error?: string;
}

/** One change made (or attempted) in a target. */
export interface AuditChangeRecord {
  op: 'create' | 'update' | 'delete';
  /** The object type (role, grant, membership, …). */
  type: string;
  /** The object's id in the target. */
  id: string;
  /** The agent the object belongs to, when it belongs to one. */
  agent?: string;
  /** Whether the change was applied. */
  ok: boolean;
  /** Why it was not. */
  error?: string;
}

/** What a caller records; the log adds the format version, sequence number and hashes. */
export interface AuditEntryInput {
  kind: 'sync' | 'apply' | 'kill' | 'kill-lifted';
  /** When the run wrote the entry, ISO 8601 with a time zone (wall clock, not --now). */
  at: string;
  /** Who ran it: --actor, GITHUB_ACTOR or the OS user. */
  actor: string;
  /** The commit of the policy repository the run acted on, when it is a git repository. */
  commit?: string;
  /** The pull request whose merge the run enacts, with who approved it. */
  pullRequest?: { number: number; url?: string; approvers: string[] };
  /** The agent a kill is about. */
  agent?: string;
  /** Why (a kill's reason). */
  reason?: string;
  targets: AuditTargetRecord[];
  /** The run's exit code. */
  exitCode?: number;
}

/** An entry as stored: one line of the log. */
export interface AuditEntry extends AuditEntryInput {
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  /** 1 for the first entry, then +1 for each. */
  seq: number;
  /** The hash of the entry before this one; GENESIS_HASH for the first. */
  prev: string;
  /** Hex SHA-256 of the canonical JSON (sorted keys, no spaces) of the entry without `hash`. */
  hash: string;
}

/** What is wrong with a line of the log. */
export type AuditProblemKind =
  | 'line-too-long'
  | 'invalid-json'
  | 'invalid-entry'
  | 'unknown-format-version'
  | 'hash-mismatch'
  | 'prev-mismatch'
  | 'seq-gap'
  | 'seq-order'
  | 'duplicate-seq'
  | 'unterminated-line'
  | 'head-not-found';

/** One problem found by verifyAuditLog. */
export interface AuditProblem {
  /** 1-based line of the log; absent for a problem of the whole log (an expected head not found). */
  line?: number;
  kind: AuditProblemKind;
  message: string;
}

/** The verdict on a log. */
export interface AuditVerifyResult {
  path: string;
  /** No problem found: every entry intact, chained to the one before, and expectHead found. */
  ok: boolean;
  /** Lines that hold a well-formed entry (whether or not their chain checks out). */
  entries: number;
  /** The hash of the last well-formed entry; absent for an empty log. */
  head?: string;
  /** In line order. */
  problems: AuditProblem[];
}
