import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyChanges } from '../../../src/sync/apply.js';
import { diffObjects } from '../../../src/sync/plan.js';
import type { RetryPolicy } from '../../../src/sync/retry.js';
import { connectScim, scimAdapter } from '../../../src/sync/targets/scim/index.js';
import type {
  ConnectContext,
  DesiredInput,
  EnforcedPermission,
  TargetAgent,
} from '../../../src/sync/types.js';
import { RetryableError } from '../../../src/sync/types.js';
import type { ScimRecord, ScimServer } from '../../helpers/servers/scim.js';
import { startScimServer } from '../../helpers/servers/scim.js';
import type { ConformanceFixture, ConformanceSetup } from '../target-conformance.js';
import {
  converge,
  describeTargetConformance,
  enforced,
  readState,
  targetAgent,
} from '../target-conformance.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const fixture: ConformanceFixture = {
  resources: [
    {
      name: 'tickets',
      object: 'tickets',
      read: ['helpdesk.tickets.read'],
      write: ['helpdesk.tickets.write'],
      columns: ['subject', 'body'],
    },
    {
      name: 'customers',
      object: 'customers',
      read: ['crm.customers.read'],
      write: ['crm.customers.write', 'crm.notes.write'],
      columns: ['email', 'phone'],
    },
    {
      name: 'invoices',
      object: 'invoices',
      // shares a group with customers' read: one Group, members from both grants
      read: ['billing.read', 'crm.customers.read'],
      write: ['billing.write'],
      columns: ['amount', 'status'],
    },
  ],
};

function contextFor(server: ScimServer, token = server.token): ConnectContext {
  return {
    name: 'saas',
    settings: { type: 'scim', url: server.url, tokenEnv: 'SCIM_TOKEN' },
    env: { SCIM_TOKEN: token },
    baseDir: process.cwd(),
  };
}

// getSetup() runs once per test, so foreign names count across the whole file.
let foreignCount = 0;

function setupFor(server: ScimServer): ConformanceSetup {
  return {
    adapter: scimAdapter,
    connect: () => scimAdapter.connect(contextFor(server)),
    fixture,
    async createForeign() {
      foreignCount += 1;
      const n = foreignCount;
      // Shaped like leash's own: agent-like userNames, a marker-like externalId that is not
      // leash's, and a group named like one of leash's entitlements holding a foreign member.
      const person = await createUser(server, { userName: `golf-${n}`, active: true });
      const lookalike = await createUser(server, {
        userName: `hotel-${n}`,
        externalId: `leashed:agent:hotel-${n}`,
        active: false,
      });
      const group = await createGroup(server, {
        displayName: 'helpdesk.tickets.read',
        externalId: `hr:team-${n}`,
        members: [{ value: person.id }],
      });
      const before = [person, lookalike, group].map((r) => JSON.stringify(r));
      return async () => {
        const after = await Promise.all([
          scim(server, 'GET', `/Users/${person.id}`),
          scim(server, 'GET', `/Users/${lookalike.id}`),
          scim(server, 'GET', `/Groups/${group.id}`),
        ]);
        expect(after.map((r) => JSON.stringify(r))).toEqual(before);
      };
    },
  };
}

async function scim(server: ScimServer, method: string, path: string, body?: unknown): Promise<ScimRecord> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/scim+json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as ScimRecord;
}

function createUser(server: ScimServer, user: Record<string, unknown>): Promise<ScimRecord> {
  return scim(server, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...user });
}

function createGroup(server: ScimServer, group: Record<string, unknown>): Promise<ScimRecord> {
  return scim(server, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    ...group,
  });
}

function userNamed(server: ScimServer, userName: string): ScimRecord | undefined {
  return [...server.users.values()].find((u) => u.userName === userName);
}

function groupMarked(server: ScimServer, entitlement: string): ScimRecord | undefined {
  return [...server.groups.values()].find((g) => g.externalId === `leash:entitlement:${entitlement}`);
}

function memberIds(group: ScimRecord | undefined): string[] {
  return ((group?.members as { value: string }[] | undefined) ?? []).map((m) => m.value).sort();
}

/** A read grant on app/<resource> enforced by the given entitlements. */
function grant(resource: string, permissions: string[], extra: Partial<EnforcedPermission> = {}) {
  return enforced({ system: 'app', resource, action: 'read', object: resource, permissions, ...extra });
}

function input(agents: TargetAgent[]): DesiredInput {
  return { target: 'saas', asOf: '2026-11-22T00:00:00.000Z', agents };
}

/** A retry policy whose sleeps are recorded, not slept. */
function recordingRetry(): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    attempts: 3,
    baseDelayMs: 1,
    maxDelayMs: 60_000,
    slept,
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
}

describe('scim target against a SCIMMY service provider', () => {
  let server: ScimServer;
  beforeAll(async () => {
    server = await startScimServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describeTargetConformance(() => setupFor(server));
});

describe('scim target specifics', () => {
  let server: ScimServer;
  let setup: ConformanceSetup;
  beforeEach(async () => {
    server = await startScimServer();
    setup = setupFor(server);
  });
  afterEach(async () => {
    await server.stop();
  });

  it('creates a User per agent with the leash marker and deactivates it on suspension with one PATCH', async () => {
    const agent = (status: TargetAgent['status']) =>
      targetAgent('ops-bot', [grant('tickets', ['helpdesk.tickets.read'])], status);
    const first = await converge(setup, input([agent('active')]));
    expect(first.results.every((r) => r.status === 'applied')).toBe(true);
    const created = userNamed(server, 'ops-bot');
    expect(created).toMatchObject({ externalId: 'leash:agent:ops-bot', active: true });

    server.requests.length = 0;
    const { results } = await converge(setup, input([agent('suspended')]));
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    const suspended = userNamed(server, 'ops-bot');
    expect(suspended?.id).toBe(created?.id);
    expect(suspended?.active).toBe(false);
    const userPatches = server.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/Users/'));
    expect(userPatches).toEqual([
      {
        method: 'PATCH',
        path: `/Users/${created?.id}`,
        query: {},
        body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
      },
    ]);
    // a suspended agent holds nothing: its membership and the then empty group are gone
    expect(groupMarked(server, 'helpdesk.tickets.read')).toBeUndefined();
    expect(await readState(setup)).toEqual([
      { type: 'user', id: 'ops-bot', agent: 'ops-bot', attributes: { userName: 'ops-bot', active: false } },
    ]);

    await converge(setup, input([agent('revoked')]));
    expect(userNamed(server, 'ops-bot')?.active).toBe(false);
    await converge(setup, input([agent('active')]));
    expect(userNamed(server, 'ops-bot')).toMatchObject({ id: created?.id, active: true });
  });

  it("reads one agent's groups by a member filter, and falls back to the whole listing when the server refuses the filter", async () => {
    const grants = [grant('tickets', ['helpdesk.tickets.read', 'helpdesk.kb.read'])];
    await converge(
      setup,
      input([targetAgent('ops-bot', grants), targetAgent('kb-bot', [grant('kb', ['helpdesk.kb.read'])])]),
    );
    const expected = (await readState(setup)).filter((o) => o.agent === 'ops-bot');
    expect(expected.filter((o) => o.type === 'membership')).toHaveLength(2);
    for (const refuse of [undefined, 400, 501]) {
      if (refuse !== undefined) server.failNext(refuse, { method: 'GET', path: '/Groups' });
      server.requests.length = 0;
      const connection = await setup.connect();
      try {
        expect(await connection.readAgent!('ops-bot')).toEqual(expected);
      } finally {
        await connection.close();
      }
      const groupReads = server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/Groups'));
      // Filtered to the agent when the server takes the filter; one more listing when it does not.
      expect(groupReads.length).toBe(refuse === undefined ? 1 : 2);
    }
  });

  it('keeps entitlements as Groups with memberships added and removed one PATCH at a time', async () => {
    const both = [grant('tickets', ['helpdesk.tickets.read', 'helpdesk.kb.read'])];
    await converge(setup, input([targetAgent('alpha', both), targetAgent('bravo', both)]));
    const alpha = userNamed(server, 'alpha');
    const bravo = userNamed(server, 'bravo');
    const group = groupMarked(server, 'helpdesk.tickets.read');
    expect(group?.displayName).toBe('helpdesk.tickets.read');
    expect(memberIds(group)).toEqual([alpha?.id, bravo?.id].sort());
    expect(memberIds(groupMarked(server, 'helpdesk.kb.read'))).toEqual([alpha?.id, bravo?.id].sort());
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/Groups')).toHaveLength(2);

    server.requests.length = 0;
    const { plan } = await converge(
      setup,
      input([
        targetAgent('alpha', [grant('tickets', ['helpdesk.tickets.read'])]),
        targetAgent('bravo', both),
      ]),
    );
    expect(plan.changes.map((c) => `${c.op} ${c.type}/${c.id}`)).toEqual([
      'delete membership/helpdesk.kb.read/alpha',
    ]);
    const kb = groupMarked(server, 'helpdesk.kb.read');
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([
      {
        method: 'PATCH',
        path: `/Groups/${kb?.id}`,
        query: {},
        body: {
          schemas: [PATCH_OP],
          Operations: [{ op: 'remove', path: `members[value eq "${alpha?.id}"]` }],
        },
      },
    ]);
    expect(memberIds(kb)).toEqual([bravo?.id]);

    // the last member leaving removes the group; the other group keeps its members
    await converge(setup, input([targetAgent('alpha', [grant('tickets', ['helpdesk.tickets.read'])])]));
    expect(groupMarked(server, 'helpdesk.kb.read')).toBeUndefined();
    expect(memberIds(groupMarked(server, 'helpdesk.tickets.read'))).toEqual([alpha?.id]);
    expect(userNamed(server, 'bravo')).toBeUndefined();
  });

  it('maps permissions to entitlements: defaults, performs only, no duplicates; a wildcard is refused', () => {
    expect(
      scimAdapter.defaults?.permissions?.({ name: 'refund', effect: 'write' }, 'billing', 'invoices'),
    ).toEqual(['billing.invoices.refund']);
    const objects = scimAdapter.desired(
      input([
        targetAgent('alpha', [
          grant('tickets', ['t.read']),
          grant('customers', ['t.read', 'c.read']),
          grant('invoices', ['i.write'], { effect: 'write', mode: 'draft-only', performs: false }),
          grant('notes', []),
        ]),
      ]),
    );
    expect(objects.map((o) => `${o.type}/${o.id}`).sort()).toEqual([
      'group/c.read',
      'group/t.read',
      'membership/c.read/alpha',
      'membership/t.read/alpha',
      'user/alpha',
    ]);
    expect(() => scimAdapter.desired(input([targetAgent('alpha', [grant('tickets', ['crm.*'])])]))).toThrow(
      /app\/tickets\/read: entitlement crm\.\* has a wildcard/,
    );
    // reported while suspended too, though the agent then holds nothing
    expect(() =>
      scimAdapter.desired(input([targetAgent('alpha', [grant('tickets', ['crm.*'])], 'suspended')])),
    ).toThrow(/wildcard/);
  });

  it('reads the whole state in one filtered request per collection, paging when asked to', async () => {
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5'].map((n) => targetAgent(n, [grant('tickets', [`e.${n}`])]));
    await converge(setup, input(agents));
    server.requests.length = 0;
    const state = await readState(setup);
    expect(state).toHaveLength(15);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.query.filter}`)).toEqual([
      'GET /Users externalId sw "leash:agent:"',
      'GET /Groups externalId sw "leash:entitlement:"',
    ]);

    server.requests.length = 0;
    const paged = await connectScim(contextFor(server), { pageSize: 2 });
    expect(await paged.read()).toEqual(state);
    expect(server.requests.map((r) => `${r.path} ${r.query.startIndex}/${r.query.count}`)).toEqual([
      '/Users 1/2',
      '/Users 3/2',
      '/Users 5/2',
      '/Groups 1/2',
      '/Groups 3/2',
      '/Groups 5/2',
    ]);
  });

  it('refuses a list that does not add up instead of returning part of it', async () => {
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5'].map((n) =>
      targetAgent(n, [grant('tickets', ['e.shared'])]),
    );
    await converge(setup, input(agents));
    const paged = await connectScim(contextFor(server), { pageSize: 2, retry: recordingRetry() });

    server.tamperLists((body, request) =>
      request.path === '/Users' && request.query.startIndex === '3'
        ? { ...body, Resources: body.Resources.slice(0, 1) }
        : body,
    );
    await expect(paged.read()).rejects.toThrow(
      /GET \/Users: the list did not add up \(1 resources at startIndex 3/,
    );

    server.tamperLists((body, request) =>
      request.query.startIndex === '3' ? { ...body, totalResults: body.totalResults + 1 } : body,
    );
    await expect(paged.read()).rejects.toThrow(/totalResults went from 5 to 6/);

    // a server that says there is more but sends nothing would otherwise end the read early
    server.tamperLists((body, request) =>
      request.query.startIndex === '5' ? { ...body, Resources: [] } : body,
    );
    await expect(paged.read()).rejects.toThrow(/0 resources at startIndex 5 where 1 were due/);
    server.tamperLists();

    server.failNext(500, { path: '/Groups' });
    await expect(paged.read()).rejects.toThrow(/SCIM GET \/Groups answered 500: injected failure/);

    server.failNext(503, { path: '/Users', times: 3 });
    await expect(paged.read()).rejects.toBeInstanceOf(RetryableError);
    expect(await paged.read()).toHaveLength(11);
  });

  it('keeps only leash-marked resources even when the server ignores the filter', async () => {
    await converge(setup, input([targetAgent('alpha', [grant('tickets', ['t.read'])])]));
    // externalIds like leash's but without its marker, and a group without any
    const person = await createUser(server, { userName: 'dave', externalId: 'directory:agent:dave' });
    await createGroup(server, { displayName: 't.kb', externalId: 'directory:entitlement:t.kb' });
    const team = await createGroup(server, { displayName: 't.read', members: [{ value: person.id }] });
    const everything = (path: string) => [...(path === '/Users' ? server.users : server.groups).values()];
    server.tamperLists((body, request) => {
      const all = everything(request.path);
      return { ...body, Resources: all, totalResults: all.length, itemsPerPage: all.length };
    });
    const state = await readState(setup);
    expect(state.map((o) => `${o.type}/${o.id}`).sort()).toEqual([
      'group/t.read',
      'membership/t.read/alpha',
      'user/alpha',
    ]);
    expect(server.groups.get(team.id)).toBeDefined();
  });

  it('retries a 429 or 503 after the Retry-After the server sent', async () => {
    const retry = recordingRetry();
    const connection = await scimAdapter.connect(contextFor(server));
    server.failNext(429, { method: 'POST', path: '/Users', retryAfter: '2' });
    const desired = scimAdapter.desired(input([targetAgent('alpha', [grant('tickets', ['t.read'])])]));
    const changes = diffObjects(desired, await connection.read(), scimAdapter.objectTypes);
    const results = await applyChanges(connection, { changes }, scimAdapter.objectTypes, { retry });
    expect(results.map((r) => [r.change.type, r.status, r.attempts])).toEqual([
      ['user', 'applied', 2],
      ['group', 'applied', 1],
      ['membership', 'applied', 1],
    ]);
    expect(retry.slept).toEqual([2000]);
    expect(userNamed(server, 'alpha')).toBeDefined();

    // an HTTP date, during a read: the page is asked for again after the wait
    const readRetry = recordingRetry();
    const reader = await connectScim(contextFor(server), { retry: readRetry });
    server.failNext(503, { path: '/Groups', retryAfter: new Date(Date.now() + 5000).toUTCString() });
    expect(await reader.read()).toHaveLength(3);
    expect(readRetry.slept).toHaveLength(1);
    expect(readRetry.slept[0]).toBeGreaterThan(1000);
    expect(readRetry.slept[0]).toBeLessThanOrEqual(5000);
  });

  it('does not create twice when the answer to a create was lost', async () => {
    const retry = recordingRetry();
    const connection = await scimAdapter.connect(contextFor(server));
    server.dropNextAnswer({ method: 'POST', path: '/Groups' });
    server.dropNextAnswer({ method: 'POST', path: '/Users' });
    const desired = scimAdapter.desired(input([targetAgent('alpha', [grant('tickets', ['t.read'])])]));
    const changes = diffObjects(desired, await connection.read(), scimAdapter.objectTypes);
    const results = await applyChanges(connection, { changes }, scimAdapter.objectTypes, { retry });
    expect(results.map((r) => [r.change.type, r.status, r.attempts])).toEqual([
      ['user', 'applied', 2],
      ['group', 'applied', 2],
      ['membership', 'applied', 1],
    ]);
    expect(server.users.size).toBe(1);
    expect(server.groups.size).toBe(1);
    expect(memberIds(groupMarked(server, 't.read'))).toEqual([userNamed(server, 'alpha')?.id]);
  });

  it('leaves foreign users, groups and a foreign member of a leash group alone', async () => {
    const person = await createUser(server, { userName: 'dave', active: true });
    const foreignTeam = await createGroup(server, {
      displayName: 'support',
      members: [{ value: person.id }],
    });
    await converge(setup, input([targetAgent('alpha', [grant('tickets', ['t.read', 't.kb'])])]));
    const alpha = userNamed(server, 'alpha');
    // someone adds the agent to their own group, and a person to leash's group
    await scim(server, 'PATCH', `/Groups/${foreignTeam.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: alpha?.id }] }],
    });
    const leashGroup = groupMarked(server, 't.read');
    await scim(server, 'PATCH', `/Groups/${leashGroup?.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: person.id }] }],
    });
    expect(
      (await converge(setup, input([targetAgent('alpha', [grant('tickets', ['t.read', 't.kb'])])]))).plan
        .changes,
    ).toEqual([]);

    // alpha loses both entitlements: its memberships go, the person keeps theirs and leash's
    // group stays while the person is in it
    const { results } = await converge(setup, input([targetAgent('alpha', [])]));
    const byChange = Object.fromEntries(
      results.map((r) => [`${r.change.op} ${r.change.type}/${r.change.id}`, r]),
    );
    expect(byChange['delete membership/t.read/alpha']?.status).toBe('applied');
    expect(byChange['delete group/t.kb']?.status).toBe('applied');
    expect(byChange['delete group/t.read']?.status).toBe('failed');
    expect(byChange['delete group/t.read']?.error).toMatch(/still has 1 member\(s\) leash did not add/);
    expect(memberIds(server.groups.get(leashGroup?.id ?? ''))).toEqual([person.id]);
    expect(memberIds(server.groups.get(foreignTeam.id))).toEqual([person.id, alpha?.id].sort());
    expect(server.users.get(person.id)).toMatchObject({ userName: 'dave', active: true });
    expect(server.users.get(person.id)?.externalId).toBeUndefined();
  });

  it('fails only the agent whose userName a foreign user already has', async () => {
    const echo = await createUser(server, { userName: 'echo', active: true });
    const snapshot = JSON.stringify(server.users.get(echo.id));
    const { results } = await converge(
      setup,
      input([
        targetAgent('echo', [grant('tickets', ['t.read'])]),
        targetAgent('foxtrot', [grant('tickets', ['t.read'])]),
      ]),
    );
    const status = Object.fromEntries(results.map((r) => [`${r.change.type}/${r.change.id}`, r.status]));
    expect(status).toEqual({
      'user/echo': 'failed',
      'user/foxtrot': 'applied',
      'group/t.read': 'applied',
      'membership/t.read/echo': 'skipped',
      'membership/t.read/foxtrot': 'applied',
    });
    expect(results.find((r) => r.change.id === 'echo')?.error).toMatch(
      /POST \/Users answered 409 \(uniqueness\)/,
    );
    expect(JSON.stringify(server.users.get(echo.id))).toBe(snapshot);
    expect(memberIds(groupMarked(server, 't.read'))).toEqual([userNamed(server, 'foxtrot')?.id]);
  });

  it('says clearly when the token is wrong or missing, or the server is unreachable', async () => {
    const wrong = await scimAdapter.connect(contextFor(server, 'not-the-token'));
    await expect(wrong.read()).rejects.toThrow(
      /SCIM GET \/Users answered 401: The bearer token is not valid; check the bearer token in SCIM_TOKEN/,
    );
    await expect(scimAdapter.connect({ ...contextFor(server), env: {} })).rejects.toThrow(
      /saas: SCIM_TOKEN is not set: it must hold the SCIM bearer token/,
    );
    expect(
      scimAdapter.checkSettings?.(
        { type: 'scim', url: 'http://scim.example.com/v2', tokenEnv: 'T' },
        { T: 'x' },
      ),
    ).toEqual([
      'url http://scim.example.com/v2 is plain http: the bearer token would travel unencrypted; use https',
    ]);

    const gone = await startScimServer();
    await gone.stop();
    const unreachable = await connectScim(contextFor(gone), { retry: { ...recordingRetry(), attempts: 2 } });
    const error = await unreachable.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/SCIM GET \/Users: fetch failed: .*ECONNREFUSED/);

    const aborted = new AbortController();
    aborted.abort(new Error('stopped by the kill switch'));
    await expect((await scimAdapter.connect(contextFor(server))).read(aborted.signal)).rejects.toThrow(
      'stopped by the kill switch',
    );
  });
});
