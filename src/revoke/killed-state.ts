/**
 * What a killed agent holds in a target, and the changes that get it there (pure). The kill
 * switch and every later sync use the same answer, so a sync that meets a killed agent keeps
 * it exactly as the kill left it.
 */
import { diffObjects } from '../sync/plan.js';
import type { Change, ManagedObject, TargetAdapter } from '../sync/types.js';

/** Agent names as the schema allows them: the kill switch takes nothing else (no path tricks). */
export const AGENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Throws a clear error unless `name` is an agent name leash could have given a target. */
export function checkAgentName(name: string): void {
  if (name.length > 63 || !AGENT_NAME.test(name)) {
    throw new Error(
      `${JSON.stringify(name)} is not an agent name (lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters)`,
    );
  }
}

/**
 * The objects `agent` keeps in a target once killed: its identity, disabled; no grant. An agent
 * with no object in the target keeps nothing (the kill creates no identity where there was none).
 * `actual` may hold other agents' objects; only the agent's own are considered.
 */
export function killedState(
  adapter: Pick<TargetAdapter, 'objectTypes' | 'desired' | 'killed'>,
  target: string,
  agent: string,
  actual: readonly ManagedObject[],
  asOf: string,
): ManagedObject[] {
  const own = actual.filter((o) => o.agent === agent);
  if (own.length === 0) return [];
  if (adapter.killed) return adapter.killed(agent, own);
  const identity = identityTypes(adapter);
  return adapter
    .desired({
      target,
      asOf,
      agents: [
        {
          name: agent,
          status: 'revoked',
          environment: '',
          tier: '',
          owner: '',
          platform: '',
          reach: [],
          permissions: [],
        },
      ],
    })
    .filter((o) => o.agent === agent && identity.has(o.type));
}

/**
 * The changes that kill `agent` in a target: first whatever disables the identity (a login
 * turned off, a deny-all attached), so the agent is stopped before the first grant is removed;
 * then the grants, removed.
 */
export function killChanges(
  adapter: Pick<TargetAdapter, 'objectTypes'>,
  killed: readonly ManagedObject[],
  actual: readonly ManagedObject[],
  agent: string,
): Change[] {
  const own = actual.filter((o) => o.agent === agent);
  const changes = diffObjects(killed, own, adapter.objectTypes);
  const identity = identityTypes(adapter);
  const disabling = (c: Change) => identity.has(c.type) && c.op !== 'delete';
  return [...changes.filter(disabling), ...changes.filter((c) => !disabling(c))];
}

function identityTypes(adapter: Pick<TargetAdapter, 'objectTypes'>): Set<string> {
  return new Set(adapter.objectTypes.filter((t) => t.class === 'identity').map((t) => t.name));
}
