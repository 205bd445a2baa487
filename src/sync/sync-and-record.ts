/**
 * A whole sync as `leash sync` and the Action's `command: sync` run it: plan and apply every
 * target, acknowledge the kills the repository now agrees with, and append the run's entry to
 * the audit log. The CLI and the Action differ only in how they report the result.
 */
import { auditEntryFromSync } from '../audit/from-sync.js';
import { appendAuditEntry } from '../audit/log.js';
import { auditLogPath } from '../audit/path.js';
import type { AuditEntryInput } from '../audit/types.js';
import { resolveCommit } from '../source/git.js';
import type { ApplySyncOptions, PlanOptions, PreparedPolicy, SyncOutcome, SyncPlan } from './run.js';
import { acknowledgeKills, applySync, closeSessions, planSync, vetoLaterKills } from './run.js';

/**
 * The exit code a sync's outcome earns (the CLI's contract, which the Action follows): 2 when a
 * target could not be read, refused a stale plan or a change failed; 1 when something was held
 * back by policy (a guardrail, agents whose files are broken); 0 when every target holds what
 * the repository says.
 */
export function syncExitCode(outcome: SyncOutcome): 0 | 1 | 2 {
  if (
    outcome.targets.some(
      (t) => t.status === 'unreachable' || t.status === 'refused' || t.status === 'partial',
    )
  ) {
    return 2;
  }
  return outcome.targets.some((t) => t.status === 'blocked') || outcome.held.length > 0 ? 1 : 0;
}

/** Who ran a sync and on whose approval (the audit entry's actor and pull request). */
export type SyncRunner = Pick<AuditEntryInput, 'actor' | 'pullRequest'>;

/** Where a run's audit entry goes, and the commit of the policy repository it acts on. */
export interface AuditTarget {
  path: string;
  /** Absent outside a git repository. */
  commit?: string;
}

/**
 * Resolves the audit log's path (throws AuditPathError when leash.yaml's spec.audit.path leads
 * outside the repository) and the commit at HEAD. Called before anything is applied, so a bad
 * log path stops the run while nothing has changed.
 */
export async function resolveAuditTarget(
  prepared: Pick<PreparedPolicy, 'dir' | 'index'>,
): Promise<AuditTarget> {
  const path = auditLogPath(prepared.dir, prepared.index.config?.data.spec);
  // Not a git repository, or no git at all: the entry simply has no commit.
  const commit = await resolveCommit(prepared.dir, 'HEAD').catch(() => undefined);
  return { path, ...(commit ? { commit } : {}) };
}

/** What appending a run's entry came to: the new head of the log, or why it failed. */
export interface AuditWrite {
  path: string;
  head?: string;
  error?: string;
}

/**
 * Appends the run's entry. A failure is returned, not thrown: the run was carried out as
 * reported, and its caller says so and fails.
 */
export async function recordSyncRun(
  target: AuditTarget,
  run: SyncRunner & { kind: 'sync' | 'apply'; at: string; exitCode: number },
  outcome: SyncOutcome,
): Promise<AuditWrite> {
  const entry = auditEntryFromSync(
    {
      kind: run.kind,
      at: run.at,
      actor: run.actor,
      ...(run.pullRequest ? { pullRequest: run.pullRequest } : {}),
      ...(target.commit ? { commit: target.commit } : {}),
      exitCode: run.exitCode,
    },
    outcome,
  );
  try {
    const written = await appendAuditEntry(target.path, entry);
    return { path: target.path, head: written.hash };
  } catch (error) {
    return { path: target.path, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Acknowledges the kills the repository now agrees with and lists them in the outcome. A failure
 * is returned: the kills stay in force, which is safe, and the caller says so.
 */
export async function acknowledgeAfterSync(
  prepared: PreparedPolicy,
  outcome: SyncOutcome,
  at: string,
  commit: string | undefined,
): Promise<string | undefined> {
  try {
    const done = await acknowledgeKills(prepared, at, commit);
    if (done.length > 0) outcome.acknowledged = done.map((k) => ({ agent: k.agent, id: k.id }));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface SyncAndRecordOptions extends PlanOptions {
  /** `sync`, or `apply` without a saved plan: the audit entry's kind. */
  kind: 'sync' | 'apply';
  runner: SyncRunner;
  /** Makes the per-change callback (progress) once the plan is known. */
  progress?: (plan: SyncPlan) => ApplySyncOptions['onChange'];
  /** The wall clock for the audit entry and the acknowledgements; tests pass their own. */
  clock?: () => Date;
}

/** A sync carried out and recorded. */
export interface RecordedSync {
  plan: SyncPlan;
  outcome: SyncOutcome;
  /** syncExitCode of the outcome (what the entry records); 2 when the entry could not be written. */
  exitCode: number;
  audit: AuditWrite;
  /** The commit the run acted on, when the repository is a git repository. */
  commit?: string;
  /** Why the kill ledger could not be updated (its kills stay in force). */
  ledgerError?: string;
}

/**
 * Plans and applies every target, acknowledges agreed kills, and records the run. Throws only
 * before anything was applied (AuditPathError, SyncConfigError) or for bugs.
 */
export async function syncAndRecord(
  prepared: PreparedPolicy,
  options: SyncAndRecordOptions,
): Promise<RecordedSync> {
  const { kind, runner, progress, clock = () => new Date(), ...planOptions } = options;
  const target = await resolveAuditTarget(prepared);
  // The plan is applied in this run, against the state it was made from: no fingerprint to check.
  const { plan, sessions } = await planSync(prepared, { ...planOptions, fingerprint: false });
  const onChange = progress?.(plan);
  let outcome: SyncOutcome;
  try {
    outcome = await applySync(plan, sessions, {
      verifyFingerprint: false,
      // A kill pulled while this sync runs is not undone by it.
      veto: vetoLaterKills(prepared),
      ...(onChange ? { onChange } : {}),
      ...(planOptions.signal ? { signal: planOptions.signal } : {}),
      ...(planOptions.retry ? { retry: planOptions.retry } : {}),
    });
  } finally {
    await closeSessions(sessions);
  }
  const ledgerError = await acknowledgeAfterSync(prepared, outcome, clock().toISOString(), target.commit);
  const exitCode = syncExitCode(outcome);
  const audit = await recordSyncRun(
    target,
    { kind, ...runner, at: clock().toISOString(), exitCode },
    outcome,
  );
  return {
    plan,
    outcome,
    exitCode: audit.error ? 2 : exitCode,
    audit,
    ...(target.commit ? { commit: target.commit } : {}),
    ...(ledgerError ? { ledgerError } : {}),
  };
}
