/**
 * Turning a run's results into an audit entry (pure). The kill switch builds its entries from
 * the same target and change records.
 */
import type { ChangeResult } from '../sync/apply.js';
import type { SyncOutcome, TargetOutcome } from '../sync/run.js';
import type { AuditChangeRecord, AuditEntryInput, AuditTargetRecord } from './types.js';

/** Who ran a sync, on what, and why: everything an entry holds besides the results. */
export interface AuditRunContext {
  kind: AuditEntryInput['kind'];
  /** The wall-clock time of the run, ISO 8601. */
  at: string;
  actor: string;
  commit?: string;
  pullRequest?: AuditEntryInput['pullRequest'];
  exitCode?: number;
}

/** The entry for a sync or apply: one record per target, every change attempted. */
export function auditEntryFromSync(context: AuditRunContext, outcome: SyncOutcome): AuditEntryInput {
  return {
    kind: context.kind,
    at: context.at,
    actor: context.actor,
    ...(context.commit !== undefined ? { commit: context.commit } : {}),
    ...(context.pullRequest !== undefined ? { pullRequest: context.pullRequest } : {}),
    targets: outcome.targets.map((t) => auditTargetFromOutcome(t)),
    ...(context.exitCode !== undefined ? { exitCode: context.exitCode } : {}),
  };
}

/**
 * A target's record. A partial apply is `failed` (each change says whether it went through);
 * a target held back by a guardrail or refusing a stale plan is `skipped`, with why.
 */
export function auditTargetFromOutcome(outcome: TargetOutcome): AuditTargetRecord {
  const result: AuditTargetRecord['result'] =
    outcome.status === 'partial'
      ? 'failed'
      : outcome.status === 'blocked' || outcome.status === 'refused'
        ? 'skipped'
        : outcome.status;
  return {
    target: outcome.name,
    type: outcome.type,
    result,
    changes: outcome.results.map((r) => auditChangeFromResult(r)),
    ...(outcome.message !== undefined && result !== 'applied' && result !== 'unchanged'
      ? { error: outcome.message }
      : {}),
  };
}

/** One change: what it was and whether it went through. */
export function auditChangeFromResult(result: ChangeResult): AuditChangeRecord {
  const { change } = result;
  return {
    op: change.op,
    type: change.type,
    id: change.id,
    ...(change.agent !== undefined ? { agent: change.agent } : {}),
    ok: result.status === 'applied',
    ...(result.error !== undefined ? { error: result.error } : {}),
  };
}
