/**
 * The kill switch against real targets: PostgreSQL, OpenLDAP, a SCIM service provider and the
 * local store (test/revocation/world.ts). An agent holding table and column privileges, several
 * directory groups and SaaS groups (some shared with another agent) is synced, then killed; each
 * target is then asked itself whether the agent can still do anything: log in, read a granted
 * column, bind, be in a group, be active, be authorized. The kill must be sticky through syncs,
 * idempotent, bring the repository to agree with a removal-only commit, and finish the healthy
 * targets fast when others hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../helpers/git-repo.js';
import { startSilentServer } from './silent-server.js';
import type { PolicyCli } from './world.js';
import { INSUFFICIENT_PRIVILEGE, NOW, TARGETS, World, agentDoc, roleOf } from './world.js';

/** The agent killed first; it says `status: active` so the kill's commit is a one-line change. */
const AGENT = 'support-agent';
/** Shares tables and groups with both others; never killed. */
const OTHER = 'billing-agent';
/** Killed while two targets hang. */
const THIRD = 'returns-bot';

const AGENT_GRANTS = [
  '{ system: support-db, resource: customers, actions: [read], mode: read-only, fields: [name, email] }',
  '{ system: support-db, resource: orders, actions: [read, update], mode: execute-limited }',
  '{ system: support-db, resource: tickets, actions: [read], mode: read-only, fields: [email, opened] }',
  '{ system: directory, resource: refunds-app, actions: [use, approve], mode: execute-limited }',
  '{ system: directory, resource: wiki, actions: [read, edit], mode: execute-limited }',
  '{ system: helpdesk, resource: ticket, actions: [read, reply], mode: execute-limited }',
  '{ system: helpdesk, resource: macros, actions: [read, edit], mode: execute-limited }',
  '{ system: kb, resource: article, actions: [read, publish], mode: execute-limited }',
];
/** Every action AGENT_GRANTS name, as `leash authorize` asks them. */
const AGENT_ACTIONS = [
  'support-db/customers/read',
  'support-db/orders/read',
  'support-db/orders/update',
  'support-db/tickets/read',
  'directory/refunds-app/use',
  'directory/refunds-app/approve',
  'directory/wiki/read',
  'directory/wiki/edit',
  'helpdesk/ticket/read',
  'helpdesk/ticket/reply',
  'helpdesk/macros/read',
  'helpdesk/macros/edit',
  'kb/article/read',
  'kb/article/publish',
];
const THIRD_ACTIONS = [
  'support-db/orders/read',
  'directory/refunds-app/use',
  'directory/wiki/edit',
  'helpdesk/ticket/read',
  'helpdesk/macros/edit',
  'kb/article/read',
];

let world: World;
let repo: GitRepo;
let cli: PolicyCli;
let main: string;

beforeAll(async () => {
  world = await World.start();
  repo = new GitRepo(
    {
      ...world.files(),
      [`agents/${AGENT}.yaml`]: agentDoc(AGENT, AGENT_GRANTS, { status: 'active' }),
      [`agents/${OTHER}.yaml`]: agentDoc(OTHER, [
        '{ system: support-db, resource: customers, actions: [read], mode: read-only, fields: [name] }',
        '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
        '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
        '{ system: directory, resource: wiki, actions: [read], mode: read-only }',
        '{ system: helpdesk, resource: ticket, actions: [read, reply], mode: execute-limited }',
        '{ system: kb, resource: article, actions: [read], mode: read-only }',
      ]),
      [`agents/${THIRD}.yaml`]: agentDoc(THIRD, [
        '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
        '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
        '{ system: directory, resource: wiki, actions: [edit], mode: execute-limited }',
        '{ system: helpdesk, resource: ticket, actions: [read], mode: read-only }',
        '{ system: helpdesk, resource: macros, actions: [edit], mode: execute-limited }',
        '{ system: kb, resource: article, actions: [read], mode: read-only }',
      ]),
    },
    { subdir: 'policies' },
  );
  main = repo.head();
  cli = world.cli(repo.dir, 'policies');
  await cli.sync();
}, 60_000);

afterAll(async () => {
  await world?.stop();
  repo?.remove();
});

/** The parts of `leash kill --format json` the tests read. */
interface KillJson {
  kill: { id: string; agent: string; by: string; reason: string };
  receipts: {
    target: string;
    type: string;
    status: string;
    message?: string;
    before: { identities: number; grants: number };
    changes: { change: { op: string; type: string; id: string }; status: string }[];
    remaining: unknown[];
    attempts: number;
    ms: number;
  }[];
  repository?: { kind: string; branch?: string; commit?: string; file?: string };
}

async function kill(agent: string, extra: string[] = []): Promise<{ code: number; result: KillJson }> {
  const r = await cli.run([
    'kill',
    agent,
    '-C',
    'policies',
    '--reason',
    'prompt-injected into mailing refunds',
    '--by',
    'alice',
    '--format',
    'json',
    ...extra,
  ]);
  expect(r.stderr).toBe('');
  return { code: r.code, result: JSON.parse(r.stdout) as KillJson };
}

const byTarget = (result: KillJson) => Object.fromEntries(result.receipts.map((r) => [r.target, r]));

/** Everything the agent was granted, asked of each target: all there. */
async function expectAgentHoldsAll(): Promise<void> {
  const role = roleOf(AGENT);
  expect(await world.canLogIn(role)).toBe(true);
  expect(await world.selectAs(role, 'SELECT name, email FROM public.customers')).toEqual([
    { name: 'Ada', email: 'ada@example.com' },
  ]);
  expect(await world.selectAs(role, 'SELECT "customerEmail", "openedAt" FROM public.tickets')).toHaveLength(
    1,
  );
  expect(await world.privilegesOf(role)).toEqual([
    'customers(email) SELECT',
    'customers(name) SELECT',
    'orders SELECT',
    'orders UPDATE',
    'tickets(customerEmail) SELECT',
    'tickets(openedAt) SELECT',
  ]);
  expect(await world.ldapCanBind(AGENT)).toBe(true);
  expect(await world.ldapGroupsOf(AGENT)).toEqual([
    'refunds-approvers',
    'refunds-users',
    'wiki-editors',
    'wiki-readers',
  ]);
  expect(await world.scimUser(AGENT)).toMatchObject({ active: true });
  expect(await world.scimGroupsOf(AGENT)).toEqual([
    'helpdesk.agent',
    'helpdesk.viewer',
    'macros.editor',
    'macros.viewer',
  ]);
  for (const what of AGENT_ACTIONS) expect(await cli.authorize(AGENT, what), what).toBe('allow');
}

/**
 * Nothing left, asked of each target: the role cannot log in and holds no privilege (a granted
 * column is refused), the entry cannot bind and is in no group, the User is inactive and in no
 * Group, every action is denied. The identities stay, disabled, for the record.
 */
async function expectRevoked(agent: string, actions: readonly string[]): Promise<void> {
  const role = roleOf(agent);
  expect(await world.canLogIn(role)).toBe(false);
  expect(await world.privilegesOf(role)).toEqual([]);
  expect(await world.selectAs(role, 'SELECT id FROM public.orders')).toEqual({
    error: INSUFFICIENT_PRIVILEGE,
  });
  if (agent === AGENT) {
    for (const sql of [
      'SELECT name, email FROM public.customers',
      'SELECT name FROM public.customers',
      'SELECT "customerEmail", "openedAt" FROM public.tickets',
      'UPDATE public.orders SET status = status',
    ]) {
      expect(await world.selectAs(role, sql), sql).toEqual({ error: INSUFFICIENT_PRIVILEGE });
    }
  }
  expect(await world.ldapHasEntry(agent)).toBe(true);
  expect(await world.ldapCanBind(agent)).toBe(false);
  expect(await world.ldapGroupsOf(agent)).toEqual([]);
  expect(await world.scimUser(agent)).toMatchObject({ active: false });
  expect(await world.scimGroupsOf(agent)).toEqual([]);
  for (const what of actions) expect(await cli.authorize(agent, what), what).toBe('deny');
}

/** The other agent keeps all it holds, in the very tables and groups it shares. */
async function expectOtherKeepsAll(): Promise<void> {
  const role = roleOf(OTHER);
  expect(await world.canLogIn(role)).toBe(true);
  expect(await world.selectAs(role, 'SELECT name FROM public.customers')).toEqual([{ name: 'Ada' }]);
  expect(await world.selectAs(role, 'SELECT id FROM public.orders')).toEqual([]);
  expect(await world.ldapCanBind(OTHER)).toBe(true);
  expect(await world.ldapGroupsOf(OTHER)).toEqual(['refunds-users', 'wiki-readers']);
  expect(await world.ldapMembers('wiki-readers')).toEqual([OTHER]);
  expect(await world.scimUser(OTHER)).toMatchObject({ active: true });
  expect(await world.scimGroupsOf(OTHER)).toEqual(['helpdesk.agent', 'helpdesk.viewer']);
  expect(await world.scimMembers('helpdesk.agent')).toEqual([OTHER]);
  for (const what of ['helpdesk/ticket/reply', 'directory/wiki/read', 'kb/article/read']) {
    expect(await cli.authorize(OTHER, what), what).toBe('allow');
  }
}

describe('leash kill against PostgreSQL, OpenLDAP, SCIM and the local store', () => {
  it('revokes everywhere (each target confirms it), stays killed through syncs, and a second kill changes nothing', async () => {
    await expectAgentHoldsAll();

    const seen = world.scim.requests.length;
    const { code, result } = await kill(AGENT);
    expect(code).toBe(0);
    // The kill reads the agent's own objects, not the whole service provider: every list it asked
    // for is narrowed to the agent (its User by marker, the Groups holding that User).
    const lists = world.scim.requests.slice(seen).filter((r) => r.method === 'GET');
    expect(lists.length).toBeGreaterThan(0);
    for (const r of lists) {
      expect(r.query.filter, r.path).toMatch(
        r.path === '/Users' ? /^externalId eq "leash:agent:support-agent"$/ : /^members\[value eq "[^"]+"\]$/,
      );
    }
    expect(result.receipts.map((r) => [r.target, r.status, r.remaining])).toEqual(
      TARGETS.map((t) => [t, 'revoked', []]),
    );
    const receipts = byTarget(result);
    expect(
      Object.fromEntries(
        Object.entries(receipts).map(([t, r]) => [
          t,
          `${r.before.identities} identity, ${r.before.grants} grants`,
        ]),
      ),
    ).toEqual({
      dir: '1 identity, 4 grants',
      local: '1 identity, 14 grants',
      pg: '1 identity, 4 grants',
      saas: '1 identity, 4 grants',
    });
    // In each target the identity is disabled first, then every grant removed, all applied.
    for (const [target, identity] of [
      ['dir', 'entry'],
      ['local', 'agent'],
      ['pg', 'role'],
      ['saas', 'user'],
    ] as const) {
      const changes = receipts[target]!.changes;
      expect(changes[0]?.change, target).toMatchObject({ op: 'update', type: identity, id: AGENT });
      expect(
        changes.slice(1).every((c) => c.change.op === 'delete'),
        target,
      ).toBe(true);
      expect(changes.length, target).toBe(1 + receipts[target]!.before.grants);
      expect(
        changes.filter((c) => c.status !== 'applied'),
        target,
      ).toEqual([]);
    }
    await expectRevoked(AGENT, AGENT_ACTIONS);
    await expectOtherKeepsAll();
    // Groups shared with the others stay, with them in it.
    expect(await world.ldapMembers('refunds-users')).toEqual([OTHER, THIRD]);
    expect(await world.scimMembers('helpdesk.viewer')).toEqual([OTHER, THIRD]);

    // The repository is brought to agree on a new branch: one commit, the status line alone.
    const branch = result.repository?.branch ?? '';
    expect(result.repository).toMatchObject({ kind: 'branch', file: `agents/${AGENT}.yaml` });
    expect(repo.head()).toBe(main);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('rev-parse', `${branch}^`)).toBe(main);
    expect(repo.git('diff', '--name-only', main, branch)).toBe(`policies/agents/${AGENT}.yaml`);
    const patch = repo.git('diff', '-U0', main, branch);
    expect(patch.split('\n').filter((l) => /^[+-](?![+-])/.test(l))).toEqual([
      '-  status: active',
      '+  status: revoked',
    ]);
    const approvals = await cli.run([
      'approvals',
      'policies',
      '--base',
      main,
      '--head',
      branch,
      '--format',
      'json',
      '--now',
      NOW,
    ]);
    expect(approvals.code, approvals.stderr).toBe(0);
    expect((JSON.parse(approvals.stdout) as { requirement: { path: string } }).requirement.path).toBe(
      'removal-only',
    );

    // Sticky: main still says active, yet a sync keeps the agent revoked in every target (it
    // changes nothing the kill left) and says it is killed.
    const sync = await cli.sync();
    expect(sync.report.killed).toMatchObject([
      { agent: AGENT, by: 'alice', reason: 'prompt-injected into mailing refunds' },
    ]);
    expect(sync.changes).toEqual([]);
    const again = await cli.run(['sync', 'policies', '--now', NOW]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain(`${AGENT}: killed by alice`);
    for (const target of ['dir (ldap)', 'local (local)', 'pg (postgres)', 'saas (scim)']) {
      expect(again.stdout).toContain(`${target}: already in sync, nothing to do`);
    }
    await expectRevoked(AGENT, AGENT_ACTIONS);
    await expectOtherKeepsAll();

    // A second kill finds nothing left to take: revoked everywhere, no change.
    const second = await kill(AGENT, ['--no-commit']);
    expect(second.code).toBe(0);
    for (const r of second.result.receipts) {
      expect(r, r.target).toMatchObject({ status: 'revoked', changes: [], remaining: [] });
      expect(r.before, r.target).toEqual({ identities: 1, grants: 0 });
    }
    await expectRevoked(AGENT, AGENT_ACTIONS);
  });

  it('finishes the healthy targets fast while two hang, reports those unreachable, leaves no client behind, and a later kill finishes them', async () => {
    // PostgreSQL behind a socket that never answers (its own timeout left at the default 30 s),
    // the SCIM API behind an HTTP server that never responds (timeoutSeconds: 1, so each request
    // gives up after 1 s and is tried again); the kill's deadline is 2 s (--timeout 2). The
    // directory and the local store are healthy.
    const tcp = await startSilentServer('tcp');
    const http = await startSilentServer('http');
    try {
      const { pg } = world;
      repo.write({
        'leash.yaml': world.config({
          targets: {
            pg: `    pg:
      type: postgres
      host: 127.0.0.1
      port: ${tcp.port}
      database: ${pg.database}
      user: ${pg.user}
      passwordEnv: PG_PASSWORD
`,
            saas: `    saas: { type: scim, url: 'http://127.0.0.1:${http.port}/scim/v2', tokenEnv: SCIM_TOKEN, timeoutSeconds: 1 }\n`,
          },
        }),
      });
      const started = performance.now();
      const { code, result } = await kill(THIRD, ['--no-commit', '--timeout', '2']);
      const elapsed = performance.now() - started;
      expect(code).toBe(2);
      const receipts = byTarget(result);
      for (const target of ['pg', 'saas']) {
        expect(receipts[target], target).toMatchObject({ status: 'unreachable', changes: [] });
        expect(receipts[target]!.message, target).toMatch(/could not be reached in 2000 ms/);
        expect(receipts[target]!.ms, target).toBeGreaterThanOrEqual(2000);
      }
      expect(tcp.connections).toBeGreaterThan(0);
      expect(http.connections).toBeGreaterThan(0);
      for (const target of ['dir', 'local']) {
        expect(receipts[target], target).toMatchObject({ status: 'revoked', remaining: [] });
        expect(receipts[target]!.before.grants, target).toBeGreaterThan(0);
        // Not held up by the hanging targets: well within their deadline.
        expect(receipts[target]!.ms, target).toBeLessThan(1000);
      }
      // The whole kill waits out the deadline once, not once per target, and not a close.
      expect(elapsed).toBeLessThan(7000);
      // No client outlives the kill's deadline: PostgreSQL's would otherwise hold its socket for
      // its own 30 s and keep a `leash kill` process running long after its receipts are out.
      // (fetch's pooled sockets never keep a process alive.)
      const drained = performance.now() + 1500;
      while (tcp.open > 0 && performance.now() < drained) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(tcp.open).toBe(0);

      // The healthy targets really took it.
      expect(await world.ldapCanBind(THIRD)).toBe(false);
      expect(await world.ldapGroupsOf(THIRD)).toEqual([]);
      for (const what of THIRD_ACTIONS) expect(await cli.authorize(THIRD, what), what).toBe('deny');
      // The real PostgreSQL and SCIM servers were never reached, so the agent still holds there.
      expect(await world.canLogIn(roleOf(THIRD))).toBe(true);
      expect(await world.scimGroupsOf(THIRD)).toEqual(['helpdesk.viewer', 'macros.editor']);
    } finally {
      await Promise.all([tcp.stop(), http.stop()]);
      repo.write({ 'leash.yaml': world.config() });
    }

    // Once they answer again, the same kill finishes them and changes nothing where it is done.
    const { code, result } = await kill(THIRD, ['--no-commit']);
    expect(code).toBe(0);
    const receipts = byTarget(result);
    expect(result.receipts.map((r) => [r.target, r.status])).toEqual(TARGETS.map((t) => [t, 'revoked']));
    expect(receipts.dir!.changes).toEqual([]);
    expect(receipts.local!.changes).toEqual([]);
    expect(receipts.pg!.changes.length).toBe(2);
    expect(receipts.saas!.changes.length).toBe(3);
    await expectRevoked(THIRD, THIRD_ACTIONS);
    await expectOtherKeepsAll();
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
