/**
 * What the postgres target should hold (pure): a role per agent, and the table and column
 * privileges of what each agent itself performs.
 */
import type { DesiredInput, EnforcedPermission, ManagedObject } from '../../types.js';
import type { TablePrivilege, TableRef } from './names.js';
import {
  COLUMN_PRIVILEGES,
  TABLE_PRIVILEGES,
  checkIdentifier,
  formatTableRef,
  parsePrivilege,
  parseTableRef,
  privilegeId,
  roleId,
} from './names.js';

export const ROLE_TYPE = 'role';
export const PRIVILEGE_TYPE = 'privilege';

/** A privilege's attributes: the columns it covers, or null for the whole table. */
export type PrivilegeAttributes = { columns: string[] | null };

/** Default privileges of a write action when enforce is silent, by the action's name. */
const WRITE_DEFAULTS: Readonly<Record<string, string[]>> = {
  create: ['INSERT'],
  insert: ['INSERT'],
  update: ['UPDATE'],
  delete: ['DELETE'],
};

/** The target's table for a resource when enforce.object is silent: public.<resource, '-' made '_'>. */
export function defaultObject(resource: string): string {
  return formatTableRef({ schema: 'public', table: resource.replace(/-/g, '_') });
}

/** The target's privileges for an action when enforce.permissions is silent. */
export function defaultPermissions(action: { name: string; effect: 'read' | 'write' }): string[] {
  if (action.effect === 'read') return ['SELECT'];
  return [...(WRITE_DEFAULTS[action.name] ?? [])];
}

/** A permission's table and privileges, checked; throws naming the system, resource and action. */
export function mapPermission(
  target: string,
  p: EnforcedPermission,
): { table: TableRef; privileges: TablePrivilege[]; columns?: string[] } {
  const where = `postgres target ${target}: system ${p.system}, resource ${p.resource}, action ${p.action}`;
  let table: TableRef;
  try {
    table = parseTableRef(p.object);
  } catch (error) {
    throw new Error(`${where}: enforce.object ${(error as Error).message}`, { cause: error });
  }
  const privileges = p.permissions.map((text) => {
    const privilege = parsePrivilege(text);
    if (privilege === undefined) {
      throw new Error(
        `${where}: "${text}" in enforce.permissions is not a table privilege; expected some of ${TABLE_PRIVILEGES.join(', ')}`,
      );
    }
    return privilege;
  });
  if (p.columns !== undefined) {
    if (p.columns.length === 0) throw new Error(`${where}: the granted fields map to no column`);
    for (const column of p.columns) {
      try {
        checkIdentifier(column, 'among the columns');
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return { table, privileges, ...(p.columns !== undefined ? { columns: p.columns } : {}) };
}

/**
 * The objects the target should hold. Every mapping an agent could reach is checked, held or
 * not, so a bad System is reported before the day an agent is reactivated.
 */
export function desiredObjects(input: DesiredInput): ManagedObject[] {
  const out: ManagedObject[] = [];
  // A repository maps a few dozen tables for thousands of grants: each mapping is parsed,
  // checked and named once. Its result does not depend on the system, resource or action (they
  // only name the mapping in an error, and a mapping that fails throws before it is remembered).
  const mapped = new Map<string, ReturnType<typeof mapPermission> & { idSuffixes: string[] }>();
  const map = (p: EnforcedPermission) => {
    const key = JSON.stringify([p.object, p.permissions, p.columns ?? null]);
    let result = mapped.get(key);
    if (result === undefined) {
      const mapping = mapPermission(input.target, p);
      // privilegeId is `<role id>|<schema.table>|<PRIVILEGE>`: all but the role id, once.
      const idSuffixes = mapping.privileges.map((privilege) => privilegeId('', mapping.table, privilege));
      mapped.set(key, (result = { ...mapping, idSuffixes }));
    }
    return result;
  };
  for (const agent of input.agents) {
    for (const p of agent.reach) map(p);
    const id = roleId(agent.name);
    out.push({ type: ROLE_TYPE, id, agent: agent.name, attributes: { login: agent.status === 'active' } });
    // Per table and privilege: the union of the columns; null (the whole table) wins.
    const grants = new Map<string, { columns: Set<string> | null }>();
    for (const p of agent.permissions) {
      if (!p.performs || p.permissions.length === 0) continue;
      const { privileges, columns, idSuffixes } = map(p);
      for (const [i, privilege] of privileges.entries()) {
        const key = id + idSuffixes[i]!;
        const perColumn = columns !== undefined && COLUMN_PRIVILEGES.has(privilege);
        const grant = grants.get(key);
        if (!perColumn) grants.set(key, { columns: null });
        else if (!grant) grants.set(key, { columns: new Set(columns) });
        else if (grant.columns) for (const c of columns) grant.columns.add(c);
      }
    }
    for (const [key, grant] of grants) {
      const attributes: PrivilegeAttributes = { columns: grant.columns ? [...grant.columns].sort() : null };
      out.push({ type: PRIVILEGE_TYPE, id: key, agent: agent.name, attributes });
    }
  }
  return out;
}
