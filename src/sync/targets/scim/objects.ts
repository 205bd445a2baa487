/**
 * The objects leash manages in a SCIM service provider, named by leash names (agent, entitlement)
 * and never by server ids, which the server assigns and a desired state cannot know.
 */
import type { Change, ManagedObject } from '../../types.js';

/** externalId prefix of the Users leash created: `leash:agent:<agent name>`. */
export const AGENT_MARKER = 'leash:agent:';
/** externalId prefix of the Groups leash created: `leash:entitlement:<entitlement>`. */
export const ENTITLEMENT_MARKER = 'leash:entitlement:';

export const OBJECT_TYPES = [
  { name: 'user', class: 'identity' },
  { name: 'group', class: 'container' },
  { name: 'membership', class: 'grant' },
] as const;

/** An agent's SCIM User: `active` is false while the agent is suspended or revoked. */
export function userObject(agent: string, attributes: { userName: string; active: boolean }): ManagedObject {
  return { type: 'user', id: agent, agent, attributes: { ...attributes } };
}

/** An entitlement's SCIM Group, shared by the agents that hold it. */
export function groupObject(entitlement: string, displayName: string): ManagedObject {
  return { type: 'group', id: entitlement, attributes: { displayName } };
}

/** An agent's membership of an entitlement's group. */
export function membershipObject(entitlement: string, agent: string): ManagedObject {
  return {
    type: 'membership',
    // Entitlements cannot hold '/' (the System schema), so the first '/' splits the id.
    id: `${entitlement}/${agent}`,
    agent,
    parent: `group/${entitlement}`,
    attributes: { group: entitlement, user: agent },
  };
}

/** The entitlement and agent a membership change is about. */
export function membershipId(change: Pick<Change, 'id' | 'agent'>): { entitlement: string; agent: string } {
  const slash = change.id.indexOf('/');
  const entitlement = slash > 0 ? change.id.slice(0, slash) : '';
  const agent = change.agent ?? (slash > 0 ? change.id.slice(slash + 1) : '');
  if (entitlement === '' || agent === '')
    throw new Error(`membership ${change.id} does not name an entitlement and an agent`);
  return { entitlement, agent };
}
