/**
 * Reading what leash manages from PostgreSQL's catalogs: its roles (pg_roles with the marker
 * in pg_shdescription) and their table and column privileges (relacl and attacl through
 * aclexplode). Two queries whatever the number of agents.
 */
import type pg from 'pg';
import type { ManagedObject } from '../../types.js';
import type { PrivilegeAttributes } from './desired.js';
import { PRIVILEGE_TYPE, ROLE_TYPE } from './desired.js';
import type { TablePrivilege, TableRef } from './names.js';
import {
  TABLE_PRIVILEGES,
  isLeashRoleName,
  parseRoleMarker,
  privilegeId,
  roleId,
  roleName,
} from './names.js';

/** A role carrying leash's marker for this database. */
export interface LeashRole {
  name: string;
  agent: string;
  login: boolean;
  /** The object id: the agent, or `<agent>@<role>` for a role named under another prefix. */
  id: string;
}

const ROLES_SQL = `
  SELECT r.rolname, r.rolcanlogin, d.description
  FROM pg_catalog.pg_roles r
  JOIN pg_catalog.pg_shdescription d
    ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
  WHERE d.description LIKE 'leash-managed %'`;

/**
 * The privileges held by the given roles on the tables of this database ($2/$3 narrow it to one
 * table), counting only grants leash's user can revoke: those whose grantor is a role whose
 * privileges it has (itself; the owner it is a member of; any role, for a superuser). A grant a
 * DBA made on their own account is theirs, not leash's.
 */
const PRIVILEGES_SQL = `
  WITH grantees AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])
  ), tables AS (
    SELECT c.oid, n.nspname, c.relname, c.relacl
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE $2::text IS NULL OR (n.nspname = $2::text AND c.relname = $3::text)
  )
  SELECT pg_catalog.pg_get_userbyid(a.grantee) AS role, t.nspname AS schema, t.relname AS table,
         a.privilege_type AS privilege, NULL::text AS column, pg_catalog.pg_get_userbyid(a.grantor) AS grantor
  FROM tables t CROSS JOIN LATERAL pg_catalog.aclexplode(t.relacl) a
  WHERE t.relacl IS NOT NULL
    AND a.grantee IN (SELECT oid FROM grantees)
    AND pg_catalog.pg_has_role(current_user, a.grantor, 'USAGE')
  UNION ALL
  SELECT pg_catalog.pg_get_userbyid(a.grantee), t.nspname, t.relname, a.privilege_type, att.attname::text,
         pg_catalog.pg_get_userbyid(a.grantor)
  FROM tables t
  JOIN pg_catalog.pg_attribute att ON att.attrelid = t.oid
  CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) a
  WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped
    AND a.grantee IN (SELECT oid FROM grantees)
    AND pg_catalog.pg_has_role(current_user, a.grantor, 'USAGE')`;

interface PrivilegeRow {
  role: string;
  schema: string;
  table: string;
  privilege: string;
  column: string | null;
  grantor: string;
}

/** One role's privilege on one table, merged over grantors: null columns is the whole table. */
export interface HeldPrivilege {
  role: string;
  table: TableRef;
  privilege: TablePrivilege;
  columns: string[] | null;
  grantors: string[];
}

export async function readLeashRoles(
  client: pg.Client,
  database: string,
  prefix: string,
): Promise<LeashRole[]> {
  const { rows } = await client.query<{ rolname: string; rolcanlogin: boolean; description: string }>(
    ROLES_SQL,
  );
  const roles: LeashRole[] = [];
  for (const row of rows) {
    const marker = parseRoleMarker(row.description);
    // Only the marker makes a role leash's; a name leash would never give means it was forged.
    if (!marker || marker.database !== database || !isLeashRoleName(row.rolname)) continue;
    const id =
      row.rolname === roleName(prefix, marker.agent)
        ? roleId(marker.agent)
        : roleId(marker.agent, row.rolname);
    roles.push({ name: row.rolname, agent: marker.agent, login: row.rolcanlogin, id });
  }
  return roles;
}

/** The privileges of `roles` (optionally on one table), merged per role, table and privilege. */
export async function readPrivileges(
  client: pg.Client,
  roles: readonly string[],
  table?: TableRef,
): Promise<HeldPrivilege[]> {
  if (roles.length === 0) return [];
  const { rows } = await client.query<PrivilegeRow>(PRIVILEGES_SQL, [
    roles,
    table?.schema ?? null,
    table?.table ?? null,
  ]);
  const merged = new Map<string, HeldPrivilege & { columnSet: Set<string> | null }>();
  for (const row of rows) {
    // Privileges leash never grants (MAINTAIN, on PostgreSQL 17) are not its to manage.
    if (!(TABLE_PRIVILEGES as readonly string[]).includes(row.privilege)) continue;
    const key = JSON.stringify([row.role, row.schema, row.table, row.privilege]);
    let held = merged.get(key);
    if (!held) {
      held = {
        role: row.role,
        table: { schema: row.schema, table: row.table },
        privilege: row.privilege as TablePrivilege,
        columns: null,
        grantors: [],
        columnSet: new Set(),
      };
      merged.set(key, held);
    }
    if (!held.grantors.includes(row.grantor)) held.grantors.push(row.grantor);
    // A table-wide grant covers every column: it wins over column grants.
    if (row.column === null) held.columnSet = null;
    else held.columnSet?.add(row.column);
  }
  return [...merged.values()].map(({ columnSet, ...held }) => ({
    ...held,
    columns: columnSet ? [...columnSet].sort() : null,
  }));
}

/** Everything leash manages in the database, as objects shaped like desired()'s. */
export async function readManagedObjects(
  client: pg.Client,
  database: string,
  prefix: string,
): Promise<ManagedObject[]> {
  const roles = await readLeashRoles(client, database, prefix);
  const byName = new Map(roles.map((r) => [r.name, r]));
  const objects: ManagedObject[] = roles.map((r) => ({
    type: ROLE_TYPE,
    id: r.id,
    agent: r.agent,
    attributes: { login: r.login },
  }));
  for (const held of await readPrivileges(client, [...byName.keys()])) {
    const role = byName.get(held.role);
    if (!role) throw new Error(`privileges of ${held.role} came back, a role that was not asked for`);
    const attributes: PrivilegeAttributes = { columns: held.columns };
    objects.push({
      type: PRIVILEGE_TYPE,
      id: privilegeId(role.id, held.table, held.privilege),
      agent: role.agent,
      attributes,
    });
  }
  return objects;
}
