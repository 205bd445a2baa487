/**
 * The kill switch as `leash kill` and the Action's `command: kill` run it: record the kill in
 * the ledger before any target is touched, pull the agent's access in every target, bring the
 * repository to agree (a commit on a new branch), record the receipts and append the audit
 * entry. It reads leash.yaml alone, so a broken file elsewhere cannot block it. The CLI and the
 * Action differ only in how they report the result.
 */
import { randomBytes } from 'node:crypto';
import { auditChangeFromResult } from '../audit/from-sync.js';
import { appendAuditEntry } from '../audit/log.js';
import { auditLogPath } from '../audit/path.js';
import type { AuditTargetRecord } from '../audit/types.js';
import { resolveCommit } from '../source/git.js';
import { describeError } from '../sync/apply.js';
import { ConfigReadError, readConfigOnly } from '../sync/config.js';
import { configTargets } from '../sync/enforcement.js';
import type { TargetSettings } from '../sync/types.js';
import type { Agreement } from './agree.js';
import { bringRepositoryToAgree, findAgentFile, killCommitMessage } from './agree.js';
import type { KillReceipt } from './kill.js';
import { killAgent } from './kill.js';
import { checkAgentName } from './killed-state.js';
import type { KillRecord } from './ledger.js';
import { killLedgerPath, updateKillLedger } from './ledger.js';

/** The longest reason a kill takes. */
export const MAX_KILL_REASON = 2000;

/** Raised when the kill cannot start; no target was touched. The message says what to fix. */
export class KillRunError extends Error {
  override name = 'KillRunError';
}

export interface RunKillOptions {
  /** The folder holding leash.yaml. */
  dir: string;
  agent: string;
  reason: string;
  /** Who pulls the kill. */
  by: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Each target's deadline for the whole kill; default its timeoutSeconds, else 30 s. */
  timeoutMs?: number;
  /** Only these targets (by name); every configured target when absent. */
  only?: readonly string[];
  /** Bring the repository to agree (default true). */
  commit?: boolean;
  /** Edit the agent's file in the work tree instead of committing on a branch. */
  editInPlace?: boolean;
  /** Called as each target finishes, fastest first. */
  onReceipt?: (receipt: KillReceipt) => void;
  /** The wall clock; tests pass their own. */
  clock?: () => Date;
}

/** A kill carried out: the receipts and what became of the repository, the ledger and the log. */
export interface KillRun {
  kill: KillRecord;
  receipts: KillReceipt[];
  /** What was done to the repository; absent when not asked, or for an unknown agent. */
  agreement?: Agreement;
  agreementError?: string;
  /** No target held anything for the agent and the repository has no file for it: a misspelt name? */
  unknown: boolean;
  ledgerPath: string;
  /** Why the receipts could not be written to the ledger (the kill itself is recorded there). */
  ledgerError?: string;
  auditPath: string;
  auditHead?: string;
  auditError?: string;
  /**
   * 0 revoked everywhere; 1 the agent was found nowhere; 2 a target failed or could not be
   * reached, or the ledger or the audit log could not be written.
   */
  exitCode: number;
}

/** Kills an agent everywhere and records it. Throws KillRunError before any target is touched. */
export async function runKill(options: RunKillOptions): Promise<KillRun> {
  const { dir, agent } = options;
  try {
    checkAgentName(agent);
  } catch (error) {
    throw new KillRunError((error as Error).message);
  }
  const reason = options.reason.trim();
  if (reason === '') throw new KillRunError('a reason is required: say why the agent is being killed');
  if (reason.length > MAX_KILL_REASON)
    throw new KillRunError(`the reason is over ${MAX_KILL_REASON} characters`);
  let config;
  try {
    config = readConfigOnly(dir);
  } catch (error) {
    if (error instanceof ConfigReadError) {
      throw new KillRunError(`${error.message}; the kill switch needs leash.yaml to know the targets`);
    }
    throw error;
  }
  const targets = pickTargets(configTargets(config), options.only);
  let auditPath: string;
  let ledgerPath: string;
  try {
    auditPath = auditLogPath(dir, config?.data.spec);
    ledgerPath = killLedgerPath(dir, config?.data.spec);
  } catch (error) {
    throw new KillRunError(`leash.yaml: ${describeError(error)}; nothing was changed`);
  }
  const at = (options.clock ?? (() => new Date()))().toISOString();
  const stamp = at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const kill: KillRecord = {
    id: `kill-${agent}-${stamp}-${randomBytes(3).toString('hex')}`,
    agent,
    at,
    by: options.by,
    reason,
    receipts: [],
    state: 'in-force',
  };
  // In the ledger before any target is touched: a sync running meanwhile already keeps it revoked.
  await recordKill(ledgerPath, kill, 'before');

  const receipts = await killAgent(agent, targets, {
    env: options.env,
    baseDir: dir,
    at,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onReceipt ? { onReceipt: options.onReceipt } : {}),
  });
  kill.receipts = receipts.map((r) => ({
    target: r.target,
    type: r.type,
    status: r.status,
    ...(r.message ? { message: r.message } : {}),
  }));

  const file = await findAgentFile(dir, agent).catch(() => undefined);
  const heldSomething = receipts.some((r) => r.before.identities + r.before.grants > 0);
  const unknown = file === undefined && !heldSomething && receipts.every((r) => r.status === 'revoked');

  let agreement: Agreement | undefined;
  let agreementError: string | undefined;
  if (options.commit !== false && !unknown) {
    try {
      agreement = await bringRepositoryToAgree(dir, agent, {
        editInPlace: options.editInPlace === true,
        branch: `leash/kill/${agent}-${stamp}`,
        message: killCommitMessage(kill, receipts),
      });
      if (agreement.kind === 'branch') kill.branch = agreement.branch;
    } catch (error) {
      agreementError = describeError(error);
    }
  }
  const ledgerError = await recordKill(ledgerPath, kill, 'after');

  const failed = receipts.some((r) => r.status !== 'revoked');
  const exitCode = failed ? 2 : unknown ? 1 : 0;
  let auditError: string | undefined;
  let auditHead: string | undefined;
  try {
    const commit = await resolveCommit(dir, 'HEAD').catch(() => undefined);
    const entry = await appendAuditEntry(auditPath, {
      kind: 'kill',
      at,
      actor: options.by,
      agent,
      reason,
      ...(commit ? { commit } : {}),
      targets: receipts.map(auditRecord),
      exitCode,
    });
    auditHead = entry.hash;
  } catch (error) {
    auditError = describeError(error);
  }
  return {
    kill,
    receipts,
    ...(agreement ? { agreement } : {}),
    ...(agreementError ? { agreementError } : {}),
    unknown,
    ledgerPath,
    ...(ledgerError ? { ledgerError } : {}),
    auditPath,
    ...(auditHead ? { auditHead } : {}),
    ...(auditError ? { auditError } : {}),
    exitCode: (auditError || ledgerError) && exitCode === 0 ? 2 : exitCode,
  };
}

/**
 * Writes the kill into the ledger. Before the targets are touched a failure stops the kill (a
 * kill no sync knows about would be undone by the next sync); afterwards it is reported.
 */
async function recordKill(
  path: string,
  kill: KillRecord,
  stage: 'before' | 'after',
): Promise<string | undefined> {
  try {
    await updateKillLedger(path, (ledger) => ({
      ledger: { ...ledger, kills: [...ledger.kills.filter((k) => k.id !== kill.id), { ...kill }] },
      result: undefined,
    }));
    return undefined;
  } catch (error) {
    if (stage === 'before') {
      throw new KillRunError(
        `cannot record the kill in ${path}: ${describeError(error)}; without it the next sync would re-grant the agent, so no target was touched. Fix or move the ledger and run the kill again`,
      );
    }
    return `the receipts could not be written to the kill ledger ${path}: ${describeError(error)} (the kill itself is recorded there and stays in force)`;
  }
}

/** One line of a receipt, as the CLI and the Action log it as each target finishes. */
export function describeReceipt(r: KillReceipt): string {
  const what =
    r.status === 'revoked'
      ? r.before.identities + r.before.grants === 0
        ? 'held nothing here'
        : `identity disabled, ${r.before.grants} grant${r.before.grants === 1 ? '' : 's'} removed, read back clean`
      : (r.message ?? '');
  return `${r.target} (${r.type}): ${r.status.toUpperCase()} in ${r.ms} ms: ${what}`;
}

function auditRecord(r: KillReceipt): AuditTargetRecord {
  return {
    target: r.target,
    type: r.type,
    result: r.status,
    changes: r.changes.map(auditChangeFromResult),
    ...(r.message && r.status !== 'revoked' ? { error: r.message } : {}),
  };
}

function pickTargets(
  all: Readonly<Record<string, TargetSettings>>,
  only: readonly string[] | undefined,
): Record<string, TargetSettings> {
  if (!only || only.length === 0) return { ...all };
  const out: Record<string, TargetSettings> = {};
  for (const name of only) {
    if (!Object.hasOwn(all, name)) throw new KillRunError(`leash.yaml declares no target ${name}`);
    out[name] = all[name]!;
  }
  return out;
}
