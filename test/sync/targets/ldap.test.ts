import { Attribute, Change, Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childValue, escapeDnValue, normalizeDn, parseDn } from '../../../src/sync/targets/ldap/dn.js';
import { ldapAdapter } from '../../../src/sync/targets/ldap/index.js';
import type { DesiredInput, EnforcedPermission, TargetSettings } from '../../../src/sync/types.js';
import { RetryableError } from '../../../src/sync/types.js';
import { startLdap, type LdapServer } from '../../helpers/servers/ldap.js';
import {
  converge,
  describeTargetConformance,
  enforced,
  readState,
  targetAgent,
  type ConformanceFixture,
  type ConformanceSetup,
} from '../target-conformance.js';

const PASSWORD_ENV = 'LEASH_TEST_LDAP_PASSWORD';
const MARKER = { businessCategory: 'leash-managed' };
const asOf = '2026-11-22T00:00:00.000Z';

/** Shared entitlements (app.reader), and names with filter-special characters (`*`, `:`). */
const fixture: ConformanceFixture = {
  resources: [
    {
      name: 'orders',
      object: 'app.orders',
      read: ['app.orders.read', 'app.reader'],
      write: ['app.orders.write'],
      columns: ['id', 'total'],
    },
    {
      name: 'customers',
      object: 'app.customers',
      read: ['app.customers.read', 'app.reader'],
      write: ['app.customers.write'],
      columns: ['name', 'email'],
    },
    {
      name: 'tickets',
      object: 'app.tickets',
      read: ['app:tickets:read'],
      write: ['app.tickets.*'],
      columns: ['body', 'status'],
    },
  ],
};

function grant(permissions: string[], extra: Partial<EnforcedPermission> = {}): EnforcedPermission {
  return enforced({
    system: 'app',
    resource: 'orders',
    action: 'read',
    object: 'app.orders',
    permissions,
    ...extra,
  });
}

function input(...agents: DesiredInput['agents']): DesiredInput {
  return { target: 't', asOf, agents };
}

let server: LdapServer;
let admin: Client;

beforeAll(async () => {
  server = await startLdap();
  admin = await server.adminClient();
}, 30_000);

afterAll(async () => {
  await admin?.unbind();
  await server?.stop();
});

function settings(overrides: Partial<TargetSettings> = {}): TargetSettings {
  return {
    type: 'ldap',
    url: server.url,
    bindDn: server.bindDn,
    passwordEnv: PASSWORD_ENV,
    agentsDn: server.agentsDn,
    groupsDn: server.groupsDn,
    timeoutSeconds: 10,
    ...overrides,
  };
}

function setupFor(
  overrides: Partial<TargetSettings> = {},
  password = () => server.password,
): ConformanceSetup {
  return {
    adapter: ldapAdapter,
    connect: () =>
      ldapAdapter.connect({
        name: 'dir',
        settings: settings(overrides),
        env: { [PASSWORD_ENV]: password() },
        baseDir: process.cwd(),
      }),
    createForeign,
    fixture,
  };
}

/** Every attribute of an entry, operational ones too (entryCSN changes on any write). */
async function snapshot(dn: string): Promise<unknown> {
  const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['*', '+'] });
  return searchEntries[0];
}

async function exists(dn: string): Promise<boolean> {
  try {
    await admin.search(dn, { scope: 'base', attributes: ['1.1'] });
    return true;
  } catch {
    return false;
  }
}

let foreignCount = 0;

/**
 * Objects leash did not create, shaped like its own: an agent-like entry and a non-person entry
 * under agentsDn, an entitlement-like group (with an agent's DN among its members) under
 * groupsDn, a group carrying leash's marker one level too deep, an entry carrying the marker
 * outside the containers.
 */
async function createForeign(): Promise<() => Promise<void>> {
  const n = ++foreignCount;
  const { agentsDn, groupsDn, peopleDn } = server;
  const entries: [string, Record<string, string[] | string>][] = [
    [
      `uid=foreign${n},${agentsDn}`,
      { objectClass: 'inetOrgPerson', uid: `foreign${n}`, cn: 'x', sn: 'x', userPassword: 'secret' },
    ],
    [`cn=service${n},${agentsDn}`, { objectClass: ['organizationalRole'], cn: `service${n}` }],
    [
      `cn=app.orders.read-${n},${groupsDn}`,
      {
        objectClass: 'groupOfNames',
        cn: `app.orders.read-${n}`,
        member: [`uid=alice,${peopleDn}`, `uid=alpha,${agentsDn}`, `uid=foreign${n},${agentsDn}`],
      },
    ],
    [`ou=nested${n},${groupsDn}`, { objectClass: 'organizationalUnit', ou: `nested${n}` }],
    [
      `cn=app.reader,ou=nested${n},${groupsDn}`,
      { objectClass: 'groupOfNames', cn: 'app.reader', member: `uid=alpha,${agentsDn}`, ...MARKER },
    ],
    [
      `uid=marked${n},${peopleDn}`,
      { objectClass: 'inetOrgPerson', uid: `marked${n}`, cn: 'x', sn: 'x', ...MARKER },
    ],
  ];
  for (const [dn, attributes] of entries) await admin.add(dn, attributes);
  const before = await Promise.all(entries.map(([dn]) => snapshot(dn)));
  return async () => {
    const after = await Promise.all(entries.map(([dn]) => snapshot(dn)));
    expect(after).toEqual(before);
  };
}

async function setPassword(agent: string, password: string): Promise<void> {
  await admin.modify(
    `uid=${agent},${server.agentsDn}`,
    new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'userPassword', values: [password] }),
    }),
  );
}

async function canBind(agent: string, password: string): Promise<boolean> {
  const client = new Client({ url: server.url, timeout: 5_000 });
  try {
    await client.bind(`uid=${agent},${server.agentsDn}`, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The members of leash's groups as the directory holds them, by group cn, normalised and sorted. */
async function groupMembers(): Promise<Record<string, string[]>> {
  const { searchEntries } = await admin.search(server.groupsDn, {
    scope: 'one',
    filter: '(&(objectClass=groupOfNames)(businessCategory=leash-managed))',
    attributes: ['cn', 'member'],
  });
  const out: Record<string, string[]> = {};
  for (const e of searchEntries) {
    const members = Array.isArray(e.member) ? e.member : [e.member];
    out[String(e.cn)] = members.map((m) => normalizeDn(String(m))).sort();
  }
  return out;
}

describeTargetConformance(() => setupFor());

describe('ldap target', () => {
  const setup = () => setupFor();
  const dnOf = (agent: string) => normalizeDn(`uid=${agent},${server.agentsDn}`);
  const groupDn = (name: string) => normalizeDn(`cn=${name},${server.groupsDn}`);

  it('an active agent binds; a suspended or revoked one cannot, even after its platform resets the password', async () => {
    const agent = (status: 'active' | 'suspended' | 'revoked') =>
      input(targetAgent('echo', [grant(['app.orders.read'])], status));
    const first = await converge(setup(), agent('active'));
    expect(first.results.every((r) => r.status === 'applied')).toBe(true);
    await setPassword('echo', 'pw-1');
    expect(await canBind('echo', 'pw-1')).toBe(true);

    const suspend = await converge(setup(), agent('suspended'));
    // The entry is disabled first, before its memberships go (ADR 0006).
    expect(suspend.plan.changes.map((c) => `${c.op} ${c.type} ${c.id}`)).toEqual([
      'update entry echo',
      'delete membership app.orders.read/echo',
      'delete group app.orders.read',
    ]);
    expect(suspend.results.every((r) => r.status === 'applied')).toBe(true);
    expect(await canBind('echo', 'pw-1')).toBe(false);
    // The agent platform rotates the credential out of band: the entry stays disabled.
    await setPassword('echo', 'pw-2');
    expect(await canBind('echo', 'pw-2')).toBe(false);
    expect(await readState(setup())).toEqual([
      { type: 'entry', id: 'echo', agent: 'echo', attributes: { enabled: false } },
    ]);

    await converge(setup(), agent('active'));
    expect(await canBind('echo', 'pw-2')).toBe(true);
    await converge(setup(), agent('revoked'));
    expect(await canBind('echo', 'pw-2')).toBe(false);

    // An entry with a password set is still removed when the agent leaves the repository.
    const gone = await converge(setup(), input());
    expect(gone.results.every((r) => r.status === 'applied')).toBe(true);
    expect(await exists(`uid=echo,${server.agentsDn}`)).toBe(false);
  });

  it('holds a group per entitlement with the granted agents as members, as the directory sees it', async () => {
    const foxtrot = targetAgent('foxtrot', [
      grant(['app.orders.read', 'app.reader']),
      grant(['app.tickets.*'], { resource: 'tickets', action: 'update', effect: 'write' }),
    ]);
    const india = targetAgent('india', [
      grant(['app.customers.read', 'app.reader'], { resource: 'customers' }),
      // A human performs this write (recommend-only): the agent gets no group for it.
      grant(['app.orders.write'], {
        action: 'update',
        effect: 'write',
        mode: 'recommend-only',
        performs: false,
      }),
      grant([], { action: 'list' }),
    ]);
    const { results } = await converge(setup(), input(foxtrot, india));
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    expect(await groupMembers()).toEqual({
      'app.customers.read': [dnOf('india'), groupDn('app.customers.read')].sort(),
      'app.orders.read': [dnOf('foxtrot'), groupDn('app.orders.read')].sort(),
      'app.reader': [dnOf('foxtrot'), dnOf('india'), groupDn('app.reader')].sort(),
      'app.tickets.*': [dnOf('foxtrot'), groupDn('app.tickets.*')].sort(),
    });
    // The directory answers "which groups is foxtrot in" the same way.
    const { searchEntries } = await admin.search(server.groupsDn, {
      scope: 'one',
      filter: `(member=uid=foxtrot,${server.agentsDn})`,
      attributes: ['cn'],
    });
    expect(searchEntries.map((e) => e.cn).sort()).toEqual(['app.orders.read', 'app.reader', 'app.tickets.*']);
    const [entry] = (await admin.search(`uid=foxtrot,${server.agentsDn}`, { scope: 'base' })).searchEntries;
    expect(entry?.objectClass).toContain('inetOrgPerson');
    expect(entry?.businessCategory).toBe('leash-managed');

    // A group goes when its last desired membership does.
    const { plan } = await converge(setup(), input(india));
    expect(plan.changes.filter((c) => c.type === 'group').map((c) => `${c.op} ${c.id}`)).toEqual([
      'delete app.orders.read',
      'delete app.tickets.*',
    ]);
    expect(await groupMembers()).toEqual({
      'app.customers.read': [dnOf('india'), groupDn('app.customers.read')].sort(),
      'app.reader': [dnOf('india'), groupDn('app.reader')].sort(),
    });
  });

  it('leaves members it did not add alone, and keeps a group that still holds one', async () => {
    await converge(setup(), input(targetAgent('juliet', [grant(['app.orders.read'])])));
    const alice = `uid=alice,${server.peopleDn}`;
    const leashGroup = `cn=app.orders.read,${server.groupsDn}`;
    await admin.modify(
      leashGroup,
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [alice] }) }),
    );
    const sibling = `cn=app-admins,${server.groupsDn}`;
    await admin.add(sibling, {
      objectClass: 'groupOfNames',
      cn: 'app-admins',
      member: [alice, `uid=juliet,${server.agentsDn}`],
    });
    const siblingBefore = await snapshot(sibling);
    expect((await readState(setup())).filter((o) => o.type === 'membership').map((o) => o.id)).toEqual([
      'app.orders.read/juliet',
    ]);

    const swap = await converge(setup(), input(targetAgent('kilo', [grant(['app.orders.read'])])));
    expect(swap.results.every((r) => r.status === 'applied')).toBe(true);
    expect((await groupMembers())['app.orders.read']).toEqual(
      [normalizeDn(alice), dnOf('kilo'), groupDn('app.orders.read')].sort(),
    );

    const empty = await converge(setup(), input());
    const failed = empty.results.filter((r) => r.status !== 'applied');
    expect(failed.map((r) => `${r.change.op} ${r.change.type} ${r.change.id}`)).toEqual([
      'delete group app.orders.read',
    ]);
    expect(failed[0]?.error).toMatch(/still has members besides its placeholder \(uid=alice,ou=people/);
    expect(await readState(setup())).toEqual([{ type: 'group', id: 'app.orders.read', attributes: {} }]);
    expect(await snapshot(sibling)).toEqual(siblingBefore);

    await admin.modify(
      leashGroup,
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [alice] }) }),
    );
    const last = await converge(setup(), input());
    expect(last.results.map((r) => r.status)).toEqual(['applied']);
    expect(await readState(setup())).toEqual([]);
    expect(await snapshot(sibling)).toEqual(siblingBefore);
    await admin.del(sibling);
  });

  it('an entry or group name taken by a foreign object fails only what depends on it', async () => {
    const foreignEntry = `uid=lima,${server.agentsDn}`;
    const foreignGroup = `cn=app.customers.write,${server.groupsDn}`;
    await admin.add(foreignEntry, { objectClass: 'inetOrgPerson', uid: 'lima', cn: 'Lima', sn: 'Person' });
    await admin.add(foreignGroup, {
      objectClass: 'groupOfNames',
      cn: 'app.customers.write',
      member: `uid=alice,${server.peopleDn}`,
    });
    const before = [await snapshot(foreignEntry), await snapshot(foreignGroup)];
    const { results } = await converge(
      setup(),
      input(
        targetAgent('lima', [grant(['app.orders.read'])]),
        targetAgent('mike', [
          grant(['app.orders.read']),
          grant(['app.customers.write'], { resource: 'customers', action: 'update', effect: 'write' }),
        ]),
      ),
    );
    const outcome = Object.fromEntries(results.map((r) => [`${r.change.type} ${r.change.id}`, r.status]));
    expect(outcome).toEqual({
      'entry lima': 'failed',
      'entry mike': 'applied',
      'group app.customers.write': 'failed',
      'group app.orders.read': 'applied',
      'membership app.customers.write/mike': 'skipped',
      'membership app.orders.read/lima': 'skipped',
      'membership app.orders.read/mike': 'applied',
    });
    const errors = results.filter((r) => r.status === 'failed').map((r) => r.error);
    expect(errors).toEqual([
      expect.stringMatching(/uid=lima,ou=agents.*already exists and leash did not create it/),
      expect.stringMatching(/cn=app\.customers\.write,ou=groups.*already exists and leash did not create it/),
    ]);
    expect([await snapshot(foreignEntry), await snapshot(foreignGroup)]).toEqual(before);
    expect((await readState(setup())).map((o) => `${o.type} ${o.id}`).sort()).toEqual([
      'entry mike',
      'group app.orders.read',
      'membership app.orders.read/mike',
    ]);
    // Leash's own entry is not deleted while one of leash's groups still lists it.
    const early = await setup().connect();
    try {
      await expect(
        early.apply({ op: 'delete', type: 'entry', id: 'mike', agent: 'mike', before: { enabled: true } }),
      ).rejects.toThrow(/uid=mike,.*still a member of leash's groups \(cn=app\.orders\.read,ou=groups/);
    } finally {
      await early.close();
    }
    await converge(setup(), input());
    expect([await snapshot(foreignEntry), await snapshot(foreignGroup)]).toEqual(before);

    // Changes aimed at them anyway (a stale plan) are refused by the directory itself.
    const connection = await setup().connect();
    const refused = /leash did not create it/;
    try {
      const stale = [
        {
          op: 'update',
          type: 'entry',
          id: 'lima',
          agent: 'lima',
          before: { enabled: true },
          after: { enabled: false },
        },
        { op: 'delete', type: 'entry', id: 'lima', agent: 'lima', before: { enabled: true } },
        { op: 'delete', type: 'group', id: 'app.customers.write', before: {} },
        {
          op: 'create',
          type: 'membership',
          id: 'app.customers.write/lima',
          agent: 'lima',
          parent: 'group/app.customers.write',
          after: {},
        },
      ] as const;
      for (const change of stale) await expect(connection.apply({ ...change })).rejects.toThrow(refused);
    } finally {
      await connection.close();
    }
    expect([await snapshot(foreignEntry), await snapshot(foreignGroup)]).toEqual(before);
    await admin.del(foreignEntry);
    await admin.del(foreignGroup);
  });

  it("pages through more entries than the directory's default size limit", async () => {
    const names = Array.from({ length: 520 }, (_, i) => `bulk-${i}`);
    for (const name of names) {
      await admin.add(`uid=${name},${server.agentsDn}`, {
        objectClass: 'inetOrgPerson',
        uid: name,
        cn: name,
        sn: name,
        ...MARKER,
      });
    }
    const group = `cn=app.bulk,${server.groupsDn}`;
    await admin.add(group, {
      objectClass: 'groupOfNames',
      cn: 'app.bulk',
      member: [group, ...names.map((n) => `uid=${n},${server.agentsDn}`)],
      ...MARKER,
    });
    try {
      const state = await readState(setup());
      expect(state.filter((o) => o.type === 'entry')).toHaveLength(520);
      expect(state.filter((o) => o.type === 'membership')).toHaveLength(520);
      expect(state.filter((o) => o.type === 'group').map((o) => o.id)).toEqual(['app.bulk']);
    } finally {
      await admin.del(group);
      for (const name of names) await admin.del(`uid=${name},${server.agentsDn}`);
    }
  }, 20_000);

  it('a read that would be partial throws: a low size limit, a server gone', async () => {
    const limited = await startLdap({ sizeLimit: 3 });
    try {
      const root = await limited.adminClient();
      for (const name of ['a1', 'a2', 'a3', 'a4']) {
        await root.add(`uid=${name},${limited.agentsDn}`, {
          objectClass: 'inetOrgPerson',
          uid: name,
          cn: name,
          sn: name,
          ...MARKER,
        });
      }
      await root.unbind();
      const connection = await ldapAdapter.connect({
        name: 'dir',
        settings: settings({ url: limited.url, bindDn: limited.bindDn }),
        env: { [PASSWORD_ENV]: limited.password },
        baseDir: process.cwd(),
      });
      await expect(connection.read()).rejects.toThrow(
        /agentsDn ou=agents,dc=leash,dc=test stopped at the directory's size limit/,
      );
      await limited.stop();
      await expect(connection.read()).rejects.toBeInstanceOf(RetryableError);
      await connection.close();
      await expect(
        ldapAdapter.connect({
          name: 'dir',
          settings: settings({ url: limited.url, bindDn: limited.bindDn }),
          env: { [PASSWORD_ENV]: limited.password },
          baseDir: process.cwd(),
        }),
      ).rejects.toBeInstanceOf(RetryableError);
    } finally {
      await limited.stop();
    }
  });

  it('reports a missing container clearly, and a wrong password as not worth retrying', async () => {
    const missing = `ou=missing,${server.suffix}`;
    await expect(setupFor({ agentsDn: missing }).connect()).rejects.toThrow(
      `ldap target dir: agentsDn ${missing} does not exist in the directory`,
    );
    await expect(setupFor({ groupsDn: missing }).connect()).rejects.toThrow(
      `ldap target dir: groupsDn ${missing} does not exist in the directory`,
    );
    const wrong = setupFor({}, () => 'not-the-password').connect();
    await expect(wrong).rejects.toThrow(
      /binding to .* as cn=leash,dc=leash,dc=test: invalid credentials \(LDAP result 49\)/,
    );
    await expect(wrong).rejects.not.toBeInstanceOf(RetryableError);
  });

  it('escapes DN and filter values: containers whose names need escaping work end to end', async () => {
    const agentsDn = `ou=odd\\, (x*) \\+ y,${server.agentsDn}`;
    const groupsDn = `ou=odd \\"q\\" \\; z #1,${server.groupsDn}`;
    await admin.add(agentsDn, { objectClass: 'organizationalUnit', ou: 'odd, (x*) + y' });
    await admin.add(groupsDn, { objectClass: 'organizationalUnit', ou: 'odd "q" ; z #1' });
    // Written with spaces after the commas, as people do: still the same containers.
    const odd = setupFor({
      agentsDn: agentsDn.replace(/,ou=/g, ', ou=').replace(/,dc=/g, ', dc='),
      groupsDn,
    });
    const wanted = input(
      targetAgent('november', [grant(['app.orders.read', 'app.reader'])]),
      targetAgent('oscar', [
        grant(['app.tickets.*'], { resource: 'tickets', action: 'update', effect: 'write' }),
      ]),
    );
    const { results } = await converge(odd, wanted);
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    const sort = (o: unknown[]) => o.map((x) => JSON.stringify(x)).sort();
    expect(sort(await readState(odd))).toEqual(sort(ldapAdapter.desired(wanted)));
    expect((await converge(odd, wanted)).plan.changes).toEqual([]);
    // The entry delete looks its groups up by a filter on its DN, "(x*)" and all.
    const { results: removed } = await converge(odd, input());
    expect(removed.every((r) => r.status === 'applied')).toBe(true);
    expect(await readState(odd)).toEqual([]);
    // The containers of the main setup never saw any of it.
    expect(await readState(setup())).toEqual([]);
    await admin.del(agentsDn);
    await admin.del(groupsDn);
  });

  it('honours an aborted signal before touching the directory', async () => {
    const connection = await setup().connect();
    try {
      await expect(
        connection.apply(
          { op: 'create', type: 'entry', id: 'papa', agent: 'papa', after: { enabled: true } },
          AbortSignal.abort(new Error('stopped by the kill switch')),
        ),
      ).rejects.toThrow('stopped by the kill switch');
    } finally {
      await connection.close();
    }
    expect(await exists(`uid=papa,${server.agentsDn}`)).toBe(false);
  });
});

describe('ldap target mapping and settings', () => {
  it('defaults an entitlement to system.resource.action', () => {
    expect(ldapAdapter.defaults?.permissions?.({ name: 'read', effect: 'read' }, 'crm', 'contacts')).toEqual([
      'crm.contacts.read',
    ]);
  });

  it('reports mappings the directory cannot hold, naming the permission', () => {
    expect(() => ldapAdapter.desired(input(targetAgent('quebec', [grant(['orders read'])])))).toThrow(
      /app\/orders\/read maps to entitlement "orders read", which is not a valid group name/,
    );
    expect(() =>
      ldapAdapter.desired(
        input(
          targetAgent('quebec', [grant(['App.Orders'])]),
          targetAgent('romeo', [grant(['app.orders'], { action: 'list' })]),
        ),
      ),
    ).toThrow(
      /app\/orders\/list maps to entitlement app\.orders and app\/orders\/read to App\.Orders; .* same group/,
    );
  });

  it('checks settings the schema cannot: DNs, the URL and the password variable', () => {
    const base: TargetSettings = {
      type: 'ldap',
      url: 'ldap://127.0.0.1:389',
      bindDn: 'cn=leash,dc=x',
      passwordEnv: 'LDAP_PW',
      agentsDn: 'ou=agents,dc=x',
      groupsDn: 'ou=groups,dc=x',
    };
    expect(ldapAdapter.checkSettings?.(base, { LDAP_PW: 'x' })).toEqual([]);
    expect(ldapAdapter.checkSettings?.(base, {})).toEqual([
      'passwordEnv: the environment variable LDAP_PW is not set',
    ]);
    expect(
      ldapAdapter.checkSettings?.(
        { ...base, agentsDn: 'agents', url: 'ldap://h/dc=x', passwordEnv: undefined },
        {},
      ),
    ).toEqual([
      'url ldap://h/dc=x must be ldap://host[:port] or ldaps://host[:port]',
      expect.stringMatching(/^agentsDn "agents" is not a distinguished name/),
      'passwordEnv must name the environment variable holding the password of bindDn',
    ]);
  });
});

describe('distinguished names', () => {
  const nasty = [' lead', 'trail ', '#hash', 'a,b+c"d\\e<f>g;h=i', 'nul\0byte', 'ünï ☃ 𝄞', '(x*)'];

  it('escapes values so they parse back unchanged', () => {
    for (const value of nasty) {
      const dn = `cn=${escapeDnValue(value)},ou=groups,dc=x`;
      expect(parseDn(dn)).toEqual([
        [{ type: 'cn', value }],
        [{ type: 'ou', value: 'groups' }],
        [{ type: 'dc', value: 'x' }],
      ]);
    }
    expect(escapeDnValue('a,b')).toBe('a\\,b');
    expect(escapeDnValue(' x ')).toBe('\\ x\\ ');
  });

  it('compares spellings of the same DN alike, and only direct children as children', () => {
    expect(normalizeDn('UID=Alpha, OU=Agents,dc=Leash+o=X')).toBe(
      normalizeDn('uid=alpha,ou=agents,o=x+dc=leash'),
    );
    expect(normalizeDn('cn=a\\2cb,dc=x')).toBe(normalizeDn('cn=a\\,b,dc=x'));
    expect(normalizeDn('cn=a\\,cn=b,dc=x')).not.toBe(normalizeDn('cn=a,cn=b,dc=x'));
    const parent = normalizeDn('ou=agents,dc=x');
    expect(childValue('uid=alpha,ou=Agents, dc=X', 'uid', parent)).toBe('alpha');
    expect(childValue('uid=alpha,ou=deeper,ou=agents,dc=x', 'uid', parent)).toBeUndefined();
    expect(childValue('cn=alpha,ou=agents,dc=x', 'uid', parent)).toBeUndefined();
    expect(childValue('uid=a+cn=b,ou=agents,dc=x', 'uid', parent)).toBeUndefined();
    expect(() => parseDn('no equals sign')).toThrow(/is not a DN/);
  });
});
