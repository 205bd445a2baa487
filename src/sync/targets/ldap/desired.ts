/**
 * What an LDAP directory should hold for leash (pure): an entry per agent, a group per
 * entitlement an agent is granted, and the agent's membership in it.
 */
import type { DesiredInput, EnforcedPermission, ManagedObject, ObjectType } from '../../types.js';

/** Creation order: entries, then groups, then memberships (deletes run in reverse). */
export const LDAP_OBJECT_TYPES: readonly ObjectType[] = [
  { name: 'entry', class: 'identity' },
  { name: 'group', class: 'container' },
  { name: 'membership', class: 'grant' },
];

/** Agent names as the policy schema allows them; they become `uid` values. */
const AGENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Entitlement names as the System schema allows them; they become group `cn` values. */
const ENTITLEMENT = /^[A-Za-z0-9._:*-]{1,128}$/;

/** The id of an agent's membership in an entitlement's group. */
export function membershipId(entitlement: string, agent: string): string {
  return `${entitlement}/${agent}`;
}

/** The key (`type/id`) of an entitlement's group, as memberships name their parent. */
export function groupKey(entitlement: string): string {
  return `group/${entitlement}`;
}

/** Whether a string is an agent name leash could have created an entry for. */
export function isAgentName(name: string): boolean {
  return AGENT_NAME.test(name);
}

/** Whether a string is an entitlement name leash could have created a group for. */
export function isEntitlementName(name: string): boolean {
  return ENTITLEMENT.test(name);
}

/** The entitlement's default name when the System's `enforce` is silent. */
export function defaultEntitlement(system: string, resource: string, action: string): string {
  return `${system}.${resource}.${action}`;
}

/** Pure: the entries, groups and memberships the directory should hold. */
export function desiredLdapObjects(input: DesiredInput): ManagedObject[] {
  const objects: ManagedObject[] = [];
  // Group names compare case-insensitively in LDAP (cn), so two spellings would be one group.
  const groups = new Map<string, { name: string; from: EnforcedPermission }>();
  for (const agent of input.agents) {
    if (!isAgentName(agent.name)) {
      throw new Error(`ldap: agent name ${JSON.stringify(agent.name)} cannot be used as a uid`);
    }
    objects.push({
      type: 'entry',
      id: agent.name,
      agent: agent.name,
      attributes: { enabled: agent.status === 'active' },
    });
    const held = new Set<string>();
    for (const p of agent.permissions) {
      if (!p.performs || p.permissions.length === 0) continue;
      for (const entitlement of p.permissions) {
        checkEntitlement(entitlement, p, groups);
        if (held.has(entitlement)) continue;
        held.add(entitlement);
        objects.push({
          type: 'membership',
          id: membershipId(entitlement, agent.name),
          agent: agent.name,
          parent: groupKey(entitlement),
          attributes: {},
        });
      }
    }
  }
  for (const { name } of groups.values()) objects.push({ type: 'group', id: name, attributes: {} });
  return objects;
}

function checkEntitlement(
  entitlement: string,
  p: EnforcedPermission,
  groups: Map<string, { name: string; from: EnforcedPermission }>,
): void {
  const where = `${p.system}/${p.resource}/${p.action}`;
  if (!ENTITLEMENT.test(entitlement)) {
    throw new Error(
      `ldap: ${where} maps to entitlement ${JSON.stringify(entitlement)}, which is not a valid group name (1 to 128 of A-Z a-z 0-9 . _ : * -)`,
    );
  }
  const key = entitlement.toLowerCase();
  const seen = groups.get(key);
  if (seen === undefined) {
    groups.set(key, { name: entitlement, from: p });
  } else if (seen.name !== entitlement) {
    const other = `${seen.from.system}/${seen.from.resource}/${seen.from.action}`;
    throw new Error(
      `ldap: ${where} maps to entitlement ${entitlement} and ${other} to ${seen.name}; LDAP group names ignore case, so they would be the same group (spell them alike)`,
    );
  }
}
