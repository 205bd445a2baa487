/**
 * The kill ledger: which agents were killed, by whom, when, why, and whether the repository has
 * since agreed. A sync reads it before planning: an agent killed and not yet agreed to is kept
 * revoked in every target whatever the repository says (ADR 0007).
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AuditSettings } from '../audit/path.js';
import { auditLogPath } from '../audit/path.js';
import { acquireFileLock } from '../audit/lock.js';
import { AUDIT_LIMITS } from '../audit/types.js';
import { checkAgentName } from './killed-state.js';

export const KILL_LEDGER_FORMAT_VERSION = 1;

/** The ledger's file name: it lives beside the audit log (default `.leash/kills.json`). */
export const KILL_LEDGER_FILE = 'kills.json';

/** Larger than any real ledger; a file beyond it is refused rather than parsed. */
const MAX_LEDGER_BYTES = 16 * 1024 * 1024;

/** How one target took the kill. */
export interface KillReceiptSummary {
  target: string;
  type: string;
  status: 'revoked' | 'failed' | 'unreachable';
  message?: string;
}

/** One kill. `in-force` until a sync sees the repository agree (the agent revoked or suspended there). */
export interface KillRecord {
  id: string;
  agent: string;
  /** When the kill was pulled (ISO 8601). */
  at: string;
  by: string;
  reason: string;
  receipts: KillReceiptSummary[];
  state: 'in-force' | 'acknowledged';
  /** When a sync found the repository agreeing, and at which commit. */
  acknowledged?: { at: string; commit?: string };
  /** The branch holding the commit that brings the repository to agree, when one was made. */
  branch?: string;
}

export interface KillLedger {
  formatVersion: typeof KILL_LEDGER_FORMAT_VERSION;
  kills: KillRecord[];
}

/** Raised when the ledger cannot be read: a sync must not guess who is killed. */
export class KillLedgerError extends Error {
  override name = 'KillLedgerError';
}

/** Where the ledger of the repository at `configDir` lives: beside its audit log. Throws AuditPathError. */
export function killLedgerPath(configDir: string, spec: AuditSettings | undefined): string {
  return join(dirname(auditLogPath(configDir, spec)), KILL_LEDGER_FILE);
}

/** The ledger at `path`; an empty one when the file does not exist. */
export async function readKillLedger(path: string): Promise<KillLedger> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { formatVersion: KILL_LEDGER_FORMAT_VERSION, kills: [] };
    }
    throw new KillLedgerError(`${path}: cannot read the kill ledger: ${(error as Error).message}`);
  }
  const text = size > MAX_LEDGER_BYTES ? '' : await readFile(path, 'utf8');
  return parseLedger(path, size, () => text);
}

function parseLedger(path: string, size: number, read: () => string): KillLedger {
  if (size > MAX_LEDGER_BYTES) {
    throw new KillLedgerError(
      `${path}: the kill ledger is ${size} bytes, over the ${MAX_LEDGER_BYTES}-byte limit`,
    );
  }
  const text = read();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KillLedgerError(`${path}: the kill ledger is not valid JSON: ${(error as Error).message}`);
  }
  return checkLedger(value, path);
}

/** readKillLedger for synchronous callers (preparing a sync reads the repository synchronously). */
export function readKillLedgerSync(path: string): KillLedger {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { formatVersion: KILL_LEDGER_FORMAT_VERSION, kills: [] };
    }
    throw new KillLedgerError(`${path}: cannot read the kill ledger: ${(error as Error).message}`);
  }
  return parseLedger(path, size, () => readFileSync(path, 'utf8'));
}

/** Writes the ledger by an atomic rename: a reader sees the old ledger or the new, never half. */
export async function writeKillLedger(path: string, ledger: KillLedger): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.kills.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, JSON.stringify(ledger, null, 2) + '\n');
  await rename(tmp, path);
}

/**
 * Reads, changes and writes the ledger under its lock, so a kill and a sync acknowledging
 * another kill never lose each other's write. `change` returns the new ledger, or undefined to
 * leave the file as it is.
 */
export async function updateKillLedger<T>(
  path: string,
  change: (ledger: KillLedger) => { ledger?: KillLedger; result: T },
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const release = await acquireFileLock(`${path}.lock`, {
    timeoutMs: AUDIT_LIMITS.lockTimeoutMs,
    staleMs: AUDIT_LIMITS.lockStaleMs,
    what: 'the kill ledger',
    error: (text, cause) => new KillLedgerError(text, cause === undefined ? undefined : { cause }),
  });
  try {
    const { ledger, result } = change(await readKillLedger(path));
    if (ledger) await writeKillLedger(path, ledger);
    return result;
  } finally {
    await release();
  }
}

/** The kill in force for each agent (the latest, when an agent was killed twice). */
export function killsInForce(ledger: KillLedger): Map<string, KillRecord> {
  const out = new Map<string, KillRecord>();
  for (const kill of ledger.kills) if (kill.state === 'in-force') out.set(kill.agent, kill);
  return out;
}

/**
 * Marks as acknowledged every kill in force whose agent the repository now holds as revoked
 * or suspended, or no longer has at all. From then on the repository decides: bringing the
 * agent back is a reviewed change to its status. Pure; returns the new ledger and what changed.
 */
export function acknowledgeKills(
  ledger: KillLedger,
  agreed: (agent: string) => boolean,
  at: string,
  commit?: string,
): { ledger: KillLedger; acknowledged: KillRecord[] } {
  const acknowledged: KillRecord[] = [];
  const kills = ledger.kills.map((kill) => {
    if (kill.state !== 'in-force' || !agreed(kill.agent)) return kill;
    const next: KillRecord = {
      ...kill,
      state: 'acknowledged',
      acknowledged: { at, ...(commit ? { commit } : {}) },
    };
    acknowledged.push(next);
    return next;
  });
  return { ledger: { ...ledger, kills }, acknowledged };
}

function checkLedger(value: unknown, path: string): KillLedger {
  const bad = (what: string) => new KillLedgerError(`${path}: not a kill ledger: ${what}`);
  if (!isPlainObject(value)) throw bad('expected an object');
  if (value.formatVersion !== KILL_LEDGER_FORMAT_VERSION) {
    throw bad(`formatVersion must be ${KILL_LEDGER_FORMAT_VERSION}`);
  }
  if (!Array.isArray(value.kills)) throw bad('kills must be a list');
  const kills = value.kills.map((k: unknown, i: number) => {
    const where = `kills[${i}]`;
    if (!isPlainObject(k)) throw bad(`${where} must be an object`);
    for (const field of ['id', 'agent', 'at', 'by', 'reason'] as const) {
      if (typeof k[field] !== 'string') throw bad(`${where}.${field} must be a string`);
    }
    try {
      checkAgentName(k.agent as string);
    } catch (error) {
      throw bad(`${where}.agent: ${(error as Error).message}`);
    }
    if (k.state !== 'in-force' && k.state !== 'acknowledged') {
      throw bad(`${where}.state must be in-force or acknowledged`);
    }
    if (!Array.isArray(k.receipts)) throw bad(`${where}.receipts must be a list`);
    return k as unknown as KillRecord;
  });
  return { formatVersion: KILL_LEDGER_FORMAT_VERSION, kills };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !Object.hasOwn(value, '__proto__');
}

/**
 * After a sync: acknowledges the kills the repository now agrees with (its file says revoked or
 * suspended, or it has no file at all and none that is broken) and writes the ledger when any
 * changed. Returns the kills acknowledged.
 */
export async function acknowledgeAgreedKills(
  path: string,
  repository: {
    statusOf(agent: string): 'active' | 'suspended' | 'revoked' | 'broken' | 'absent';
  },
  at: string,
  commit?: string,
): Promise<KillRecord[]> {
  return updateKillLedger(path, (ledger) => {
    const next = acknowledgeKills(
      ledger,
      (agent) => {
        const status = repository.statusOf(agent);
        return status === 'revoked' || status === 'suspended' || status === 'absent';
      },
      at,
      commit,
    );
    return next.acknowledged.length > 0
      ? { ledger: next.ledger, result: next.acknowledged }
      : { result: next.acknowledged };
  });
}
