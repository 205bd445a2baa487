import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/sync/apply.js';
import { canonicalJson } from '../../../src/sync/plan.js';
import { defaultObject, defaultPermissions } from '../../../src/sync/targets/postgres/desired.js';
import { postgresAdapter } from '../../../src/sync/targets/postgres/index.js';
import { parseTableRef, roleName } from '../../../src/sync/targets/postgres/names.js';
import type {
  DesiredInput,
  EnforcedPermission,
  ManagedObject,
  TargetSettings,
} from '../../../src/sync/types.js';
import { RetryableError } from '../../../src/sync/types.js';
import type { PostgresServer } from '../../helpers/servers/postgres.js';
import { startPostgres, withClient } from '../../helpers/servers/postgres.js';
import type { ConformanceSetup } from '../target-conformance.js';
import {
  converge,
  describeTargetConformance,
  enforced,
  readState,
  targetAgent,
} from '../target-conformance.js';

const PASSWORD_ENV = 'LEASH_TEST_PG_PASSWORD';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function settings(extra: Partial<TargetSettings> = {}): TargetSettings {
  return {
    type: 'postgres',
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    passwordEnv: PASSWORD_ENV,
    ...extra,
  };
}

function connect(extra: Partial<TargetSettings> = {}) {
  return postgresAdapter.connect({
    name: 't',
    settings: settings(extra),
    env: { [PASSWORD_ENV]: server.password },
    baseDir: '.',
  });
}

function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient({ host: server.host, port: server.port, database: server.database, ...server.admin }, fn);
}

/** Logs in as `user` and runs `sql`; the rows, or the error the server gave. */
async function queryAs(user: string, password: string, sql: string): Promise<unknown[] | Error> {
  try {
    return await withClient(
      { host: server.host, port: server.port, database: server.database, user, password },
      async (client) => (await client.query(sql)).rows,
    );
  } catch (error) {
    return error as Error;
  }
}

const RESOURCES = [
  {
    name: 'customers',
    object: 'public.customers',
    read: ['SELECT'],
    write: ['UPDATE'],
    columns: ['name', 'email'],
  },
  {
    name: 'tickets',
    object: 'public.tickets',
    read: ['SELECT'],
    write: ['INSERT', 'UPDATE'],
    columns: ['ticketId', 'customerEmail'],
  },
  {
    name: 'orders',
    object: 'public.orders',
    read: ['SELECT'],
    write: ['DELETE', 'INSERT'],
    columns: ['status', 'total'],
  },
] satisfies ConformanceSetup['fixture']['resources'];

let foreignRun = 0;

/**
 * Roles leash did not create, as a DBA would make them: one named like an agent's role, one
 * carrying leash's marker for another database, each with table and column grants on the
 * tables leash grants on. Returns a check that all of it is exactly as it was.
 */
async function createForeign(): Promise<() => Promise<void>> {
  const n = ++foreignRun;
  const names = [`agent_foreign_${n}`, `agent_elsewhere_${n}`];
  await asAdmin(async (client) => {
    await client.query(`CREATE ROLE agent_foreign_${n} LOGIN`);
    await client.query(`CREATE ROLE agent_elsewhere_${n} NOLOGIN`);
    await client.query(
      `COMMENT ON ROLE agent_elsewhere_${n} IS 'leash-managed agent=elsewhere-${n} database=another_db'`,
    );
    for (const role of names) {
      await client.query(`GRANT SELECT ON public.customers, public.tickets TO ${role}`);
      await client.query(`GRANT UPDATE (email) ON public.customers TO ${role}`);
      await client.query(`GRANT INSERT ("customerEmail") ON public.tickets TO ${role}`);
    }
  });
  const before = await snapshotRoles(names);
  expect(before).toContain('agent_foreign_');
  return async () => {
    expect(await snapshotRoles(names)).toEqual(before);
  };
}

/** Roles' attributes, comments and every privilege they hold, as one comparable string. */
async function snapshotRoles(names: string[]): Promise<string> {
  return asAdmin(async (client) => {
    const roles = await client.query(
      `SELECT r.rolname, r.rolcanlogin, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
       FROM pg_roles r WHERE r.rolname = ANY($1) ORDER BY 1`,
      [names],
    );
    const grants = await client.query(
      `SELECT c.relname, NULL AS attname, a.privilege_type, pg_get_userbyid(a.grantee) AS grantee
       FROM pg_class c, aclexplode(c.relacl) a WHERE pg_get_userbyid(a.grantee) = ANY($1)
       UNION ALL
       SELECT c.relname, att.attname, a.privilege_type, pg_get_userbyid(a.grantee)
       FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) a
       WHERE pg_get_userbyid(a.grantee) = ANY($1)
       ORDER BY 1, 2, 3, 4`,
      [names],
    );
    return JSON.stringify({ roles: roles.rows, grants: grants.rows });
  });
}

const setup: ConformanceSetup = {
  adapter: postgresAdapter,
  connect: () => connect(),
  createForeign,
  fixture: { resources: RESOURCES },
};

function read(resource: string, extra: Partial<EnforcedPermission> = {}): EnforcedPermission {
  return enforced({
    system: 'app',
    resource,
    action: 'read',
    object: `public.${resource}`,
    permissions: ['SELECT'],
    ...extra,
  });
}

function input(agents: DesiredInput['agents']): DesiredInput {
  return { target: 't', asOf: '2026-11-22T00:00:00.000Z', agents };
}

function sorted(objects: readonly ManagedObject[]): string[] {
  return objects.map((o) => canonicalJson(o as never)).sort();
}

async function privilegesOf(agent: string): Promise<Record<string, unknown>> {
  const state = await readState(setup);
  return Object.fromEntries(
    state.filter((o) => o.agent === agent && o.type === 'privilege').map((o) => [o.id, o.attributes.columns]),
  );
}

describe('postgres target', () => {
  describeTargetConformance(() => setup);

  it('lets an active agent log in and read exactly the granted columns; a suspended one cannot log in', async () => {
    const agent = 'echo-one';
    const reach = [read('tickets', { columns: ['ticketId'] }), read('customers')];
    const { results } = await converge(setup, input([targetAgent(agent, reach)]));
    expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
    // The agent platform sets the password out of band; leash never holds agents' secrets.
    await asAdmin((client) => client.query(`ALTER ROLE agent_echo_one PASSWORD 'agent-secret'`));

    expect(await queryAs('agent_echo_one', 'agent-secret', 'SELECT "ticketId" FROM public.tickets')).toEqual([
      { ticketId: 1 },
    ]);
    const hidden = await queryAs(
      'agent_echo_one',
      'agent-secret',
      'SELECT "customerEmail" FROM public.tickets',
    );
    expect(hidden).toBeInstanceOf(Error);
    expect(String(hidden)).toMatch(/permission denied for table tickets/);
    expect(await queryAs('agent_echo_one', 'agent-secret', 'SELECT name FROM public.customers')).toEqual([
      { name: 'Ada' },
    ]);
    expect(String(await queryAs('agent_echo_one', 'agent-secret', 'SELECT 1 FROM public.orders'))).toMatch(
      /permission denied for table orders/,
    );

    const suspended = await converge(setup, input([targetAgent(agent, reach, 'suspended')]));
    expect(suspended.results.filter((r) => r.status !== 'applied')).toEqual([]);
    expect(String(await queryAs('agent_echo_one', 'agent-secret', 'SELECT 1'))).toMatch(
      /role "agent_echo_one" is not permitted to log in/,
    );
    expect(await readState(setup)).toEqual([
      { type: 'role', id: agent, agent, attributes: { login: false } },
    ]);
    await converge(setup, input([]));
  });

  it('merges permissions on one table: the union of columns, a whole-table grant wins, others are table-wide', async () => {
    const write = (columns?: string[]) =>
      enforced({
        system: 'app',
        resource: 'tickets',
        action: 'update',
        effect: 'write',
        object: 'public.tickets',
        permissions: ['UPDATE', 'delete'],
        ...(columns ? { columns } : {}),
      });
    const agent = targetAgent('foxtrot', [
      read('tickets', { columns: ['ticketId'] }),
      read('tickets', { columns: ['customerEmail', 'ticketId'] }),
      write(['body']),
      write(),
      // Neither performed nor enforced: nothing is granted for these.
      read('orders', { performs: false }),
      read('customers', { permissions: [] }),
    ]);
    const desired = postgresAdapter.desired(input([agent]));
    expect(desired.filter((o) => o.type === 'privilege')).toEqual([
      {
        type: 'privilege',
        id: 'foxtrot|public.tickets|SELECT',
        agent: 'foxtrot',
        attributes: { columns: ['customerEmail', 'ticketId'] },
      },
      {
        type: 'privilege',
        id: 'foxtrot|public.tickets|UPDATE',
        agent: 'foxtrot',
        attributes: { columns: null },
      },
      {
        type: 'privilege',
        id: 'foxtrot|public.tickets|DELETE',
        agent: 'foxtrot',
        attributes: { columns: null },
      },
    ]);
    const { results } = await converge(setup, input([agent]));
    expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
    expect(sorted(await readState(setup))).toEqual(sorted(desired));
    await converge(setup, input([]));
  });

  it('never takes over a role it did not create: that agent fails, the others are synced', async () => {
    await asAdmin(async (client) => {
      await client.query('CREATE ROLE agent_golf LOGIN');
      await client.query('GRANT SELECT ON public.customers TO agent_golf');
    });
    const before = await snapshotRoles(['agent_golf']);
    const { results } = await converge(
      setup,
      input([targetAgent('golf', [read('customers')]), targetAgent('hotel', [read('customers')])]),
    );
    const byId = Object.fromEntries(results.map((r) => [`${r.change.type}/${r.change.id}`, r]));
    expect(byId['role/golf']?.status).toBe('failed');
    expect(byId['role/golf']?.error).toMatch(
      /role agent_golf already exists and leash did not create it .*carries no leash marker/,
    );
    expect(byId['privilege/golf|public.customers|SELECT']?.status).toBe('skipped');
    expect(byId['role/hotel']?.status).toBe('applied');
    expect(byId['privilege/hotel|public.customers|SELECT']?.status).toBe('applied');
    expect((await readState(setup)).map((o) => o.agent)).not.toContain('golf');

    await converge(setup, input([]));
    expect(await readState(setup)).toEqual([]);
    expect(await snapshotRoles(['agent_golf'])).toEqual(before);
    await asAdmin((client) => client.query('DROP OWNED BY agent_golf; DROP ROLE agent_golf'));
  });

  it('fails a grant it cannot make, and rolls back a column change that fails halfway', async () => {
    const audit = enforced({
      system: 'app',
      resource: 'audit',
      action: 'create',
      effect: 'write',
      object: 'public.audit_log',
      permissions: ['INSERT', 'SELECT'],
    });
    const first = await converge(
      setup,
      input([targetAgent('india', [read('tickets', { columns: ['ticketId'] }), audit])]),
    );
    const failed = first.results.filter((r) => r.status !== 'applied');
    // leash holds SELECT on audit_log with the grant option, INSERT without: GRANT only warns.
    expect(failed.map((r) => [r.change.id, r.error])).toEqual([
      [
        'india|public.audit_log|INSERT',
        expect.stringMatching(/granted nothing: leash lacks INSERT WITH GRANT OPTION on public.audit_log/),
      ],
    ]);
    expect(await privilegesOf('india')).toEqual({
      'india|public.audit_log|SELECT': null,
      'india|public.tickets|SELECT': ['ticketId'],
    });

    // REVOKE then GRANT in one transaction: the GRANT fails, so the REVOKE never happened.
    const second = await converge(
      setup,
      input([targetAgent('india', [read('tickets', { columns: ['ticketId', 'noSuchColumn'] })])]),
    );
    const update = second.results.find((r) => r.change.op === 'update');
    expect(update?.status).toBe('failed');
    expect(update?.error).toMatch(/column "noSuchColumn" of relation "tickets" does not exist/);
    expect((await privilegesOf('india'))['india|public.tickets|SELECT']).toEqual(['ticketId']);
    await converge(setup, input([]));
  });

  it('reports a role it cannot drop (owned objects, grants by others) and drops it once they are gone', async () => {
    await converge(setup, input([targetAgent('juliet', [read('orders')])]));
    await asAdmin(async (client) => {
      await client.query('CREATE TABLE public.juliet_notes (note text)');
      await client.query('ALTER TABLE public.juliet_notes OWNER TO agent_juliet');
      // A DBA's own grant to leash's role is not leash's to revoke.
      await client.query('GRANT SELECT ON public.customers TO agent_juliet');
    });
    expect(await privilegesOf('juliet')).toEqual({ 'juliet|public.orders|SELECT': null });

    const blocked = await converge(setup, input([]));
    const drop = blocked.results.find((r) => r.change.type === 'role');
    expect(drop?.status).toBe('failed');
    expect(drop?.error).toMatch(
      /^delete role juliet: role agent_juliet cannot be dropped: it owns objects or holds privileges leash did not grant \(.*\); leash never runs DROP OWNED/,
    );
    expect(drop?.error).toMatch(/owner of table juliet_notes/);
    expect(drop?.error).toMatch(/privileges for table customers/);
    // The grant leash made went in its own change; the role is still there, still leash's.
    expect(await readState(setup)).toEqual([
      { type: 'role', id: 'juliet', agent: 'juliet', attributes: { login: true } },
    ]);

    await asAdmin(async (client) => {
      await client.query('DROP TABLE public.juliet_notes');
      await client.query('REVOKE SELECT ON public.customers FROM agent_juliet');
    });
    const done = await converge(setup, input([]));
    expect(done.results.map((r) => r.status)).toEqual(['applied']);
    expect(await readState(setup)).toEqual([]);

    // Dropping a role that still holds leash's table and column grants revokes them in the same transaction.
    await converge(
      setup,
      input([targetAgent('november', [read('orders'), read('tickets', { columns: ['body'] })])]),
    );
    const connection = await connect();
    try {
      await connection.apply({
        op: 'delete',
        type: 'role',
        id: 'november',
        agent: 'november',
        before: { login: true },
      });
    } finally {
      await connection.close();
    }
    expect(await readState(setup)).toEqual([]);
    const left = await asAdmin(
      async (client) => (await client.query(`SELECT 1 FROM pg_roles WHERE rolname = 'agent_november'`)).rows,
    );
    expect(left).toEqual([]);
  });

  it('reads roles named under another prefix as stale, replaces them, and cuts long names with a hash', async () => {
    const long = `kilo-${'x'.repeat(58)}`;
    const agents = [targetAgent('kilo', [read('orders')]), targetAgent(long, [read('orders')])];
    await converge(setup, input(agents));
    const longRole = roleName('agent_', long);
    expect(longRole).toHaveLength(63);
    expect(longRole).toMatch(/^agent_kilo_x+_[0-9a-f]{8}$/);
    expect(roleName('agent_', `${long.slice(0, -1)}y`)).not.toBe(longRole);
    expect(await privilegesOf(long)).toEqual({ [`${long}|public.orders|SELECT`]: null });

    const bot: ConformanceSetup = { ...setup, connect: () => connect({ rolePrefix: 'bot_' }) };
    const stale = await readState(bot);
    expect(stale.map((o) => o.id).sort()).toEqual([
      `${long}@${longRole}`,
      `${long}@${longRole}|public.orders|SELECT`,
      'kilo@agent_kilo',
      'kilo@agent_kilo|public.orders|SELECT',
    ]);
    const { results } = await converge(bot, input(agents));
    expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
    const state = await readState(bot);
    expect(sorted(state)).toEqual(sorted(postgresAdapter.desired(input(agents))));
    const roles = await asAdmin(
      async (client) =>
        (await client.query(`SELECT rolname FROM pg_roles WHERE rolname ~ '^(agent|bot)_kilo' ORDER BY 1`))
          .rows,
    );
    expect(roles).toEqual([{ rolname: 'bot_kilo' }, { rolname: roleName('bot_', long) }]);
    await converge(bot, input([]));
  });

  it('throws when a read fails (catalogs it may not read, a bad password) and reconnects after a lost connection', async () => {
    const connection = await connect();
    try {
      await asAdmin((client) => client.query('REVOKE SELECT ON pg_catalog.pg_shdescription FROM PUBLIC'));
      let failure: unknown;
      try {
        failure = await connection.read().catch((error: unknown) => error);
      } finally {
        await asAdmin((client) => client.query('GRANT SELECT ON pg_catalog.pg_shdescription TO PUBLIC'));
      }
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(RetryableError);
      expect(describeError(failure)).toBe('read: permission denied for table pg_shdescription');

      await converge(setup, input([targetAgent('mike', [read('orders')])]));
      const terminated = await asAdmin(
        async (client) =>
          (
            await client.query(
              `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
               WHERE usename = 'leash' AND application_name = 'leash'`,
            )
          ).rows,
      );
      expect(terminated).toEqual([{ done: true }]);
      // The lost connection is replaced, so a retried read succeeds.
      expect(await connection.read()).toEqual([
        { type: 'role', id: 'mike', agent: 'mike', attributes: { login: true } },
        { type: 'privilege', id: 'mike|public.orders|SELECT', agent: 'mike', attributes: { columns: null } },
      ]);
    } finally {
      await connection.close();
    }
    await converge(setup, input([]));

    const denied = await postgresAdapter
      .connect({ name: 't', settings: settings(), env: { [PASSWORD_ENV]: 'wrong' }, baseDir: '.' })
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(Error);
    expect(denied).not.toBeInstanceOf(RetryableError);
    expect(describeError(denied)).toMatch(
      /^connect: cannot connect to leash@127.0.0.1:\d+\/leash_test: password authentication failed for user "leash"$/,
    );
    await expect(
      postgresAdapter.connect({ name: 't', settings: settings(), env: {}, baseDir: '.' }),
    ).rejects.toThrow(`postgres target t: the environment variable ${PASSWORD_ENV} (passwordEnv) is not set`);
  });

  it('reports a bad mapping clearly, naming the system, resource and action, even for a suspended agent', () => {
    const bad =
      (p: Partial<EnforcedPermission>, status: 'active' | 'suspended' = 'active') =>
      () =>
        postgresAdapter.desired(input([targetAgent('lima', [read('tickets', p)], status)]));
    expect(bad({ permissions: ['SELECT', 'UPSERT'] })).toThrow(
      /postgres target t: system app, resource tickets, action read: "UPSERT" in enforce.permissions is not a table privilege; expected some of SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER/,
    );
    expect(bad({ permissions: ['ALL'] }, 'suspended')).toThrow(
      /"ALL" in enforce.permissions is not a table privilege/,
    );
    expect(bad({ object: 'db.public.tickets' })).toThrow(
      /action read: enforce.object "db.public.tickets" has 3 dotted parts/,
    );
    expect(bad({ object: 'public.' })).toThrow(/enforce.object "public." has an empty name/);
    expect(bad({ columns: ['c'.repeat(64)] })).toThrow(/longer than 63 bytes/);
    expect(
      postgresAdapter.desired(
        input([targetAgent('lima', [read('tickets', { permissions: ['select'], object: 'tickets' })])]),
      ),
    ).toContainEqual({
      type: 'privilege',
      id: 'lima|public.tickets|SELECT',
      agent: 'lima',
      attributes: { columns: null },
    });
  });

  it('names tables exactly, quoting a part that holds a dot, and has defaults for a silent enforce', () => {
    expect(parseTableRef('sales."Q1.orders"')).toEqual({ schema: 'sales', table: 'Q1.orders' });
    expect(parseTableRef('"a""b".Tickets')).toEqual({ schema: 'a"b', table: 'Tickets' });
    expect(defaultObject('support-tickets')).toBe('public.support_tickets');
    expect(defaultObject('crm.contacts')).toBe('public."crm.contacts"');
    expect(defaultPermissions({ name: 'export', effect: 'read' })).toEqual(['SELECT']);
    expect(defaultPermissions({ name: 'create', effect: 'write' })).toEqual(['INSERT']);
    expect(defaultPermissions({ name: 'delete', effect: 'write' })).toEqual(['DELETE']);
    expect(defaultPermissions({ name: 'refund', effect: 'write' })).toEqual([]);
    expect(postgresAdapter.checkSettings?.(settings(), {})).toEqual([
      `passwordEnv: the environment variable ${PASSWORD_ENV} is not set`,
    ]);
    expect(postgresAdapter.checkSettings?.(settings(), { [PASSWORD_ENV]: 'x' })).toEqual([]);
  });

  // Stops the server: keep this test last.
  it('throws a RetryableError when the server is gone, for a read and for a new connection', async () => {
    const connection = await connect();
    try {
      await server.stop();
      const failure = await connection.read().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RetryableError);
      expect(describeError(failure)).toMatch(/^read/);
    } finally {
      await connection.close();
    }
    const refused = await connect().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryableError);
    expect(describeError(refused)).toMatch(
      /^connect: cannot connect to leash@127.0.0.1:\d+\/leash_test: connect ECONNREFUSED/,
    );
  });
});
