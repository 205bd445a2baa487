/**
 * The postgres target's connection: one pg Client (reopened after the connection is lost),
 * a read in one REPEATABLE READ transaction, and each change applied in one transaction that
 * checks the role is leash's first and checks the catalog says what was meant before COMMIT.
 */
import pg from 'pg';
import type { Change, JsonObject, ManagedObject, TargetConnection } from '../../types.js';
import { readLeashRoles, readManagedObjects, readPrivileges } from './catalog.js';
import type { PrivilegeAttributes } from './desired.js';
import { PRIVILEGE_TYPE, ROLE_TYPE } from './desired.js';
import { PostgresTargetError, describeFailure, errorCode, isConnectionLost } from './errors.js';
import type { TablePrivilege, TableRef } from './names.js';
import {
  formatTableRef,
  isLeashRoleName,
  parsePrivilegeId,
  parseRoleId,
  privilegeId,
  parseRoleMarker,
  roleMarker,
  roleName,
} from './names.js';
import type { PostgresSettings } from './settings.js';

const { escapeIdentifier, escapeLiteral } = pg;

export class PostgresConnection implements TargetConnection {
  #client: pg.Client | undefined;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly password: string | undefined,
  ) {}

  /** Opens the connection now, so that connect() reports an unreachable server. */
  async open(signal?: AbortSignal): Promise<void> {
    await this.#session('connect', signal, async () => undefined);
  }

  async read(signal?: AbortSignal): Promise<ManagedObject[]> {
    return this.#session('read', signal, (client) =>
      this.#transaction(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', () =>
        readManagedObjects(client, this.settings.database, this.settings.rolePrefix),
      ),
    );
  }

  /**
   * One agent's roles (under any prefix) and their privileges, in one snapshot like read(). The
   * role list is read whole (one small catalog row per agent); only the privilege scan, the costly
   * part, is narrowed to the agent's roles.
   */
  async readAgent(agent: string, signal?: AbortSignal): Promise<ManagedObject[]> {
    return this.#session(`read agent ${agent}`, signal, (client) =>
      this.#transaction(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async () => {
        const roles = (await readLeashRoles(client, this.settings.database, this.settings.rolePrefix)).filter(
          (r) => r.agent === agent,
        );
        const byName = new Map(roles.map((r) => [r.name, r]));
        const objects: ManagedObject[] = roles.map((r) => ({
          type: ROLE_TYPE,
          id: r.id,
          agent,
          attributes: { login: r.login },
        }));
        for (const held of await readPrivileges(client, [...byName.keys()])) {
          const role = byName.get(held.role);
          if (!role) throw new PostgresTargetError(`privileges of ${held.role} came back unasked for`);
          const attributes: PrivilegeAttributes = { columns: held.columns };
          objects.push({
            type: PRIVILEGE_TYPE,
            id: privilegeId(role.id, held.table, held.privilege),
            agent,
            attributes,
          });
        }
        return objects;
      }),
    );
  }

  async apply(change: Change, signal?: AbortSignal): Promise<void> {
    const what = `${change.op} ${change.type} ${change.id}`;
    await this.#session(what, signal, (client) =>
      this.#transaction(client, 'BEGIN', async () => {
        if (change.type === ROLE_TYPE) await this.#applyRole(client, change);
        else if (change.type === PRIVILEGE_TYPE) await this.#applyPrivilege(client, change);
        else throw new PostgresTargetError(`the postgres target has no object type ${change.type}`);
      }),
    );
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end();
  }

  async #applyRole(client: pg.Client, change: Change): Promise<void> {
    const { agent, role } = this.#role(change.id);
    const state = await leashRoleState(client, role, agent, this.settings.database);
    const ident = escapeIdentifier(role);
    if (change.op === 'delete') {
      if (state === 'missing') return;
      // Only what leash granted can be revoked here; anything else keeps the role and DROP says so.
      const { rows } = await client.query<{ table: string }>(HELD_TABLES_SQL, [role]);
      for (const { table } of rows) await client.query(`REVOKE ALL ON TABLE ${table} FROM ${ident}`);
      try {
        await client.query(`DROP ROLE ${ident}`);
      } catch (error) {
        if (errorCode(error) !== '2BP01') throw error;
        const detail = (error as { detail?: string }).detail?.replace(/\n/g, '; ') ?? '';
        throw new PostgresTargetError(
          `role ${role} cannot be dropped: it owns objects or holds privileges leash did not grant ` +
            `(${detail}); leash never runs DROP OWNED: reassign or drop them, then sync again`,
          { cause: error },
        );
      }
      return;
    }
    const login = loginOf(change.after);
    const loginSql = login ? 'LOGIN' : 'NOLOGIN';
    if (state === 'missing') {
      if (change.op === 'update') throw new PostgresTargetError(`role ${role} does not exist`);
      // One transaction: the role never exists without leash's marker.
      await client.query(
        `CREATE ROLE ${ident} ${loginSql} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`,
      );
      await client.query(
        `COMMENT ON ROLE ${ident} IS ${escapeLiteral(roleMarker(agent, this.settings.database))}`,
      );
      return;
    }
    // An update, or a create retried after its COMMIT's answer was lost.
    await client.query(`ALTER ROLE ${ident} ${loginSql}`);
  }

  async #applyPrivilege(client: pg.Client, change: Change): Promise<void> {
    const { roleId, table, privilege } = parsePrivilegeId(change.id);
    const { agent, role } = this.#role(roleId);
    const state = await leashRoleState(client, role, agent, this.settings.database);
    if (state === 'missing') {
      if (change.op === 'delete') return;
      throw new PostgresTargetError(`role ${role} does not exist`);
    }
    const target = `ON TABLE ${escapeIdentifier(table.schema)}.${escapeIdentifier(table.table)}`;
    const ident = escapeIdentifier(role);
    // A column grant changing columns is REVOKE then GRANT in this one transaction.
    if (change.op !== 'create') await client.query(`REVOKE ${privilege} ${target} FROM ${ident}`);
    const columns = change.op === 'delete' ? undefined : columnsOf(change.after);
    if (columns !== undefined) {
      const list = columns === null ? '' : ` (${columns.map((c) => escapeIdentifier(c)).join(', ')})`;
      await client.query(`GRANT ${privilege}${list} ${target} TO ${ident}`);
    }
    await this.#verifyPrivilege(client, { role, table, privilege, expected: columns });
  }

  /**
   * GRANT without the grant option only warns, and REVOKE of another grantor's privilege does
   * nothing at all: the catalog is checked before COMMIT so that neither passes for success.
   */
  async #verifyPrivilege(
    client: pg.Client,
    check: {
      role: string;
      table: TableRef;
      privilege: TablePrivilege;
      expected: string[] | null | undefined;
    },
  ): Promise<void> {
    const { role, table, privilege, expected } = check;
    const held = (await readPrivileges(client, [role], table)).find((p) => p.privilege === privilege);
    const name = formatTableRef(table);
    if (expected === undefined) {
      if (held) {
        throw new PostgresTargetError(
          `${privilege} on ${name} is still held by ${role} after REVOKE: it was granted by ` +
            `${held.grantors.join(', ')}, whose grants ${this.settings.user} cannot revoke`,
        );
      }
      return;
    }
    if (!held) {
      throw new PostgresTargetError(
        `GRANT ${privilege} on ${name} to ${role} granted nothing: ${this.settings.user} lacks ` +
          `${privilege} WITH GRANT OPTION on ${name}`,
      );
    }
    const wanted = expected === null ? null : [...expected].sort();
    if (JSON.stringify(held.columns) !== JSON.stringify(wanted)) {
      throw new PostgresTargetError(
        `${privilege} on ${name} for ${role} reads back as ${describeColumns(held.columns)}, ` +
          `not ${describeColumns(expected)} (granted by ${held.grantors.join(', ')})`,
      );
    }
  }

  #role(id: string): { agent: string; role: string } {
    const { agent, role } = parseRoleId(id);
    const name = role ?? roleName(this.settings.rolePrefix, agent);
    if (!isLeashRoleName(name)) throw new PostgresTargetError(`${name} is not a role name leash gives`);
    return { agent, role: name };
  }

  async #session<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (client: pg.Client) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const client = await this.#connect(what);
    // pg has no AbortSignal: closing the socket ends the query, and an open transaction never commits.
    const onAbort = () => this.#drop(client);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(client);
    } catch (error) {
      signal?.throwIfAborted();
      if (isConnectionLost(error)) this.#drop(client);
      throw describeFailure(what, error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #connect(what: string): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const { host, port, database, user, timeoutMs } = this.settings;
    const client = new pg.Client({
      host,
      port,
      database,
      user,
      ...(this.password !== undefined ? { password: this.password } : {}),
      application_name: 'leash',
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
    });
    // A connection lost while idle is reported as an event; the next call opens a new one.
    client.on('error', () => this.#drop(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw describeFailure(`${what}: cannot connect to ${user}@${host}:${port}/${database}`, error);
    }
    this.#client = client;
    return client;
  }

  #drop(client: pg.Client): void {
    if (this.#client === client) this.#client = undefined;
    // Ending a client whose socket is already gone rejects; there is nothing left to close.
    client.end().catch(() => undefined);
  }

  async #transaction<T>(client: pg.Client, begin: string, fn: () => Promise<T>): Promise<T> {
    await client.query(begin);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The session is unusable: the server rolls back when the socket closes.
        this.#drop(client);
      }
      throw error;
    }
    await client.query('COMMIT');
    return result;
  }
}

/** The tables (quoted by the server) on which a role holds privileges leash's user can revoke. */
const HELD_TABLES_SQL = `
  SELECT DISTINCT pg_catalog.format('%I.%I', n.nspname, c.relname) AS table
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attribute att ON att.attrelid = c.oid AND att.attnum > 0 AND att.attacl IS NOT NULL
  CROSS JOIN LATERAL pg_catalog.aclexplode(pg_catalog.array_cat(c.relacl, att.attacl)) a
  WHERE a.grantee = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)
    AND pg_catalog.pg_has_role(current_user, a.grantor, 'USAGE')
  ORDER BY 1`;

/**
 * Whether `role` exists and is leash's role for `agent` in `database`. Throws when the name is
 * taken by a role leash did not create: leash never takes over, changes or drops it.
 */
async function leashRoleState(
  client: pg.Client,
  role: string,
  agent: string,
  database: string,
): Promise<'missing' | 'leash'> {
  const { rows } = await client.query<{ description: string | null }>(
    `SELECT d.description
     FROM pg_catalog.pg_roles r
     LEFT JOIN pg_catalog.pg_shdescription d
       ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
     WHERE r.rolname = $1`,
    [role],
  );
  const row = rows[0];
  if (!row) return 'missing';
  const marker = row.description === null ? undefined : parseRoleMarker(row.description);
  if (marker?.agent === agent && marker.database === database) return 'leash';
  const whose = marker
    ? `it is leash's role for agent ${marker.agent} in database ${marker.database}`
    : 'it carries no leash marker';
  throw new PostgresTargetError(
    `role ${role} already exists and leash did not create it for agent ${agent} in database ${database} ` +
      `(${whose}); leash leaves it alone: rename or drop it, or choose another rolePrefix`,
  );
}

function loginOf(attributes: JsonObject | undefined): boolean {
  const login = attributes?.login;
  if (typeof login !== 'boolean')
    throw new PostgresTargetError('a role change needs a boolean login attribute');
  return login;
}

function columnsOf(attributes: JsonObject | undefined): string[] | null {
  const columns = attributes?.columns;
  if (columns === null) return null;
  if (Array.isArray(columns) && columns.length > 0 && columns.every((c) => typeof c === 'string')) {
    return columns as string[];
  }
  throw new PostgresTargetError('a privilege change needs columns: null or a non-empty list of column names');
}

function describeColumns(columns: string[] | null): string {
  return columns === null ? 'the whole table' : `columns ${columns.join(', ')}`;
}
