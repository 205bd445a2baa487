/**
 * Applying a target's changes, one at a time, each reported. A failed change does not stop the
 * others: only the changes that depend on it (an agent's grants when its identity could not be
 * created, a group's memberships when the group could not be) are skipped.
 */
import type { TargetPlan } from './plan.js';
import { objectKey } from './plan.js';
import type { RetryPolicy } from './retry.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import type { Change, ObjectType, TargetConnection } from './types.js';

export type ChangeStatus = 'applied' | 'failed' | 'skipped';

export interface ChangeResult {
  change: Change;
  status: ChangeStatus;
  attempts: number;
  error?: string;
}

export interface ApplyOptions {
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** The longest one change may take (the target's timeoutSeconds). */
  timeoutMs?: number;
  /** Called after each change, in order; the CLI shows progress and may stop here. */
  onChange?: (result: ChangeResult, done: number, total: number) => void;
  /**
   * Asked before each change: a reason to skip it, or undefined. A sync asks whether the
   * change's agent was killed since the plan was made (a kill must not be undone by a sync
   * that planned before it).
   */
  veto?: (change: Change) => Promise<string | undefined>;
}

/** Applies a plan's changes in order. Never throws for a change's failure: it is reported. */
export async function applyChanges(
  connection: TargetConnection,
  plan: Pick<TargetPlan, 'changes'>,
  objectTypes: readonly ObjectType[],
  options: ApplyOptions = {},
): Promise<ChangeResult[]> {
  const classOf = new Map(objectTypes.map((t) => [t.name, t.class]));
  const failedAgents = new Set<string>();
  const failedContainers = new Set<string>();
  const results: ChangeResult[] = [];
  const total = plan.changes.length;
  for (const change of plan.changes) {
    if (options.signal?.aborted) break;
    const blocker =
      dependsOnFailure(change, failedAgents, failedContainers) ?? (await options.veto?.(change));
    let result: ChangeResult;
    if (blocker) {
      result = { change, status: 'skipped', attempts: 0, error: blocker };
    } else {
      try {
        const { attempts } = await withRetry(
          () => withTimeout((signal) => connection.apply(change, signal), options.timeoutMs, options.signal),
          options.retry ?? DEFAULT_RETRY,
          options.signal,
        );
        result = { change, status: 'applied', attempts };
      } catch (error) {
        result = { change, status: 'failed', attempts: 1, error: describeError(error) };
        if (change.op !== 'delete') {
          const cls = classOf.get(change.type);
          if (cls === 'identity' && change.agent !== undefined) failedAgents.add(change.agent);
          if (cls === 'container') failedContainers.add(objectKey(change));
        }
      }
    }
    results.push(result);
    options.onChange?.(result, results.length, total);
  }
  return results;
}

function dependsOnFailure(change: Change, agents: Set<string>, containers: Set<string>): string | undefined {
  if (change.op === 'delete') return undefined;
  if (change.agent !== undefined && agents.has(change.agent)) {
    return `skipped: the identity of ${change.agent} could not be created or changed`;
  }
  if (change.parent !== undefined && containers.has(change.parent)) {
    return `skipped: ${change.parent} could not be created`;
  }
  return undefined;
}

/** Runs `fn` with a signal that aborts after `ms`; rejects with a timeout error then. */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number | undefined,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout =
    ms === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new Error(`timed out after ${ms} ms`);
            controller.abort(error);
            reject(error);
          }, ms);
        });
  try {
    const work = fn(controller.signal);
    return await (timeout ? Promise.race([work, timeout]) : work);
  } finally {
    if (timer) clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

/** One line for an error, with its cause's message when it has one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
