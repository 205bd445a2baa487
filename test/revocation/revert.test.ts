/**
 * Revocation by revert, end to end: a pull request grants an agent new access, is merged with
 * a real merge commit and synced; `git revert -m 1 <merge>` is merged and synced. Every target
 * is asked itself (PostgreSQL as the agent's role, slapd's group entries, the SCIM server's
 * Groups, the local Cedar store through `leash authorize`) whether the access is there; the
 * revert must take away exactly what the pull request added and nothing the agent held
 * before. The revert's sign-off must take leash.yaml's removal-only path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { Attribute, Change, Client as LdapClient, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { GitRepo } from '../helpers/git-repo.js';
import type { LdapServer } from '../helpers/servers/ldap.js';
import { startLdap } from '../helpers/servers/ldap.js';
import type { PostgresServer } from '../helpers/servers/postgres.js';
import { startPostgres, withClient } from '../helpers/servers/postgres.js';
import type { ScimServer } from '../helpers/servers/scim.js';
import { startScimServer } from '../helpers/servers/scim.js';

const NOW = '2026-11-22T10:00:00Z';
const AGENT = 'support-agent';
const AGENT_ROLE = 'agent_support_agent';
const OTHER = 'billing-agent';
const OTHER_ROLE = 'agent_billing_agent';
/** An agent the pull request adds. */
const NEW = 'returns-bot';
const NEW_ROLE = 'agent_returns_bot';
const TARGETS = ['dir', 'local', 'pg', 'saas'];

let pgServer: PostgresServer;
let ldap: LdapServer;
let scim: ScimServer;
let ldapAdmin: LdapClient;
let repo: GitRepo;
/** The commits: main before the pull request, its tip, the merge, and the revert of the merge. */
const rev = { before: '', pr: '', merge: '', revert: '' };

beforeAll(async () => {
  [pgServer, ldap, scim] = await Promise.all([startPostgres(), startLdap(), startScimServer()]);
  ldapAdmin = await ldap.adminClient();
  // The policy repository is a folder of a larger repository, as ours is.
  repo = new GitRepo(baseFiles(), { subdir: 'policies' });
  rev.before = repo.head();
  repo.branch('grant-customer-care');
  repo.write(prFiles());
  rev.pr = repo.commit('support-agent: customer care access');
  repo.checkout('main');
  rev.merge = repo.merge('grant-customer-care', 'Merge pull request #7 from grant-customer-care');
  rev.revert = repo.revert(rev.merge);
}, 60_000);

afterAll(async () => {
  await ldapAdmin?.unbind();
  await Promise.all([pgServer?.stop(), ldap?.stop(), scim?.stop()]);
  repo?.remove();
});

// ---------------------------------------------------------------------------------------------
// The policy repository

function config(): string {
  return `apiVersion: leash/v1
kind: Config
metadata: { name: revert-e2e }
spec:
  environments:
    production: { production: true }
  github: { org: acme }
  approverGroups:
    security: { users: [sec-sam] }
    cx-leads: { users: [lead-lee] }
  approvals:
    rules:
      - name: customer-data
        description: New reach into personal data needs a CX lead.
        when: { dataClasses: [pii] }
        require: [{ group: cx-leads, count: 1 }]
      - name: refunds
        description: New access to the refunds application needs security and the owning team.
        when: { systems: [directory] }
        require: [{ group: security, count: 1 }, { ownerTeam: true, count: 1 }]
      - name: default
        description: Every other change needs the owning team.
        require: [{ ownerTeam: true, count: 1 }]
    removalOnly:
      require: [{ ownerTeam: true, count: 1 }]
  targets:
    local: { type: local, path: .leash/state }
    pg:
      type: postgres
      host: ${pgServer.host}
      port: ${pgServer.port}
      database: ${pgServer.database}
      user: ${pgServer.user}
      passwordEnv: PG_PASSWORD
    dir:
      type: ldap
      url: ${ldap.url}
      bindDn: '${ldap.bindDn}'
      passwordEnv: LDAP_PASSWORD
      agentsDn: '${ldap.agentsDn}'
      groupsDn: '${ldap.groupsDn}'
    saas: { type: scim, url: '${scim.url}', tokenEnv: SCIM_TOKEN }
  # A revert must get through guardrails a real repository keeps (it removes at most half of
  # the memberships in the directory).
  guardrails: { maxRemovalPercent: 60, allowEmptyTarget: false }
`;
}

function agent(name: string, grants: string[]): string {
  return `apiVersion: leash/v1
kind: Agent
metadata: { name: ${name} }
spec:
  owner: cx-platform
  platform: internal
  environment: production
  tier: standard
  identity: { kind: api-key, credentialRef: 'vault://agents/${name}' }
  grants:
${grants.map((g) => `    - ${g}`).join('\n')}
`;
}

const BASE_GRANTS = [
  '{ system: support-db, resource: customers, actions: [read], mode: read-only, fields: [name] }',
  '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
  '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
  '{ system: helpdesk, resource: ticket, actions: [read], mode: read-only }',
  '{ system: kb, resource: article, actions: [read], mode: read-only }',
];

/**
 * What the pull request adds, at the end of the list so the earlier grants keep their lines.
 * The template widens the agent's read of customers from name to name and e-mail.
 */
const PR_GRANTS = [
  '{ template: customer-care, reason: Confirms the e-mail address of the customer. }',
  '{ system: directory, resource: refunds-app, actions: [approve], mode: execute-limited }',
  '{ system: helpdesk, resource: ticket, actions: [reply], mode: execute-limited }',
  '{ system: kb, resource: article, actions: [publish], mode: execute-limited }',
];

function baseFiles(): Record<string, string> {
  return {
    // The local store is state, not policy.
    '.gitignore': '.leash/\n',
    'leash.yaml': config(),
    'tiers/standard.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata: { name: standard }
spec: { maxMode: execute-limited, maxRisk: high }
`,
    'systems/support-db.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: support-db }
spec:
  owner: cx-platform
  target: pg
  resources:
    customers:
      enforce: { object: public.customers }
      fields: { name: {}, email: { dataClasses: [pii] }, phone: { dataClasses: [pii] } }
      actions:
        read: { risk: low, effect: read }
    orders:
      enforce: { object: public.orders }
      actions:
        read: { risk: low, effect: read }
`,
    'systems/directory.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: directory }
spec:
  owner: cx-platform
  target: dir
  resources:
    refunds-app:
      actions:
        use: { risk: low, effect: read, enforce: { permissions: [refunds-users] } }
        approve: { risk: medium, enforce: { permissions: [refunds-approvers] } }
`,
    'systems/helpdesk.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: helpdesk }
spec:
  owner: cx-platform
  target: saas
  resources:
    ticket:
      actions:
        read: { risk: low, effect: read, enforce: { permissions: [helpdesk.viewer] } }
        reply: { risk: medium, enforce: { permissions: [helpdesk.agent] } }
`,
    'systems/kb.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: kb }
spec:
  owner: cx-platform
  target: local
  resources:
    article:
      actions:
        read: { risk: low, effect: read }
        publish: { risk: medium }
`,
    [`agents/${AGENT}.yaml`]: agent(AGENT, BASE_GRANTS),
    // Another agent holding some of the same access, which nothing here may touch.
    [`agents/${OTHER}.yaml`]: agent(OTHER, [
      '{ system: support-db, resource: customers, actions: [read], mode: read-only, fields: [name] }',
      '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
      '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
      '{ system: helpdesk, resource: ticket, actions: [read, reply], mode: execute-limited }',
    ]),
  };
}

function prFiles(): Record<string, string> {
  return {
    'templates/customer-care.yaml': `apiVersion: leash/v1
kind: Template
metadata: { name: customer-care }
spec:
  grants:
    - system: support-db
      resource: customers
      actions: [read]
      mode: read-only
      fields: [name, email]
      reason: Greets customers and confirms their e-mail address.
`,
    [`agents/${AGENT}.yaml`]: agent(AGENT, [...BASE_GRANTS, ...PR_GRANTS]),
    [`agents/${NEW}.yaml`]: agent(NEW, [
      '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
      '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
      '{ system: helpdesk, resource: ticket, actions: [read], mode: read-only }',
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// Running leash, and asking each target itself

/** Runs the CLI in-process from the repository's root, with the targets' secrets in its env. */
async function leash(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: repo.dir,
    env: { PG_PASSWORD: pgServer.password, LDAP_PASSWORD: ldap.password, SCIM_TOKEN: scim.token },
    isTty: false,
  });
  return { code, stdout, stderr };
}

interface SyncedChange {
  target: string;
  op: 'create' | 'update' | 'delete';
  type: string;
  id: string;
  status: string;
}

/**
 * Syncs the work tree as it is at `commit`, checks that a second sync right after changes
 * nothing, and returns what the first one changed.
 */
async function syncAt(commit: string): Promise<SyncedChange[]> {
  // What a deploy job does on each push to main: sync the commit main points at.
  repo.git('checkout', '-q', '--detach', commit);
  const first = await leash(['sync', 'policies', '--now', NOW, '--format', 'json']);
  expect(first.stderr).toBe('');
  expect(first.code, first.stdout).toBe(0);
  const outcome = JSON.parse(first.stdout) as {
    targets: {
      name: string;
      status: string;
      results: { change: { op: SyncedChange['op']; type: string; id: string }; status: string }[];
    }[];
    held: unknown[];
  };
  expect(outcome.held).toEqual([]);
  expect(outcome.targets.map((t) => t.name).sort()).toEqual(TARGETS);
  const changes = outcome.targets.flatMap((t) =>
    t.results.map((r) => ({ target: t.name, ...r.change, status: r.status })),
  );
  expect(changes.filter((c) => c.status !== 'applied')).toEqual([]);

  const second = await leash(['sync', 'policies', '--now', NOW]);
  expect(second.code, second.stdout).toBe(0);
  expect(second.stdout.trim().split('\n').sort()).toEqual([
    'dir (ldap): already in sync, nothing to do',
    'local (local): already in sync, nothing to do',
    'pg (postgres): already in sync, nothing to do',
    'saas (scim): already in sync, nothing to do',
  ]);
  return changes.map(({ target, op, type, id, status }) => ({ target, op, type, id, status }));
}

const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Runs `sql` as the agent's own role (a superuser session that `SET ROLE`s to it, so
 * PostgreSQL checks exactly that role's privileges): the rows, or the SQLSTATE of the error.
 */
async function selectAs(role: string, sql: string): Promise<unknown[] | { error: string }> {
  return withClient(
    { host: pgServer.host, port: pgServer.port, database: pgServer.database, ...pgServer.admin },
    async (client: pg.Client) => {
      await client.query(`SET ROLE ${role}`);
      try {
        return (await client.query(sql)).rows;
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    },
  );
}

async function canLogIn(role: string): Promise<boolean | undefined> {
  return withClient(
    { host: pgServer.host, port: pgServer.port, database: pgServer.database, ...pgServer.admin },
    async (client) => {
      const r = await client.query<{ rolcanlogin: boolean }>(
        'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
        [role],
      );
      return r.rows[0]?.rolcanlogin;
    },
  );
}

/** The agents in an LDAP group, by its `member` values; null when the group does not exist. */
async function ldapMembers(group: string): Promise<string[] | null> {
  const { searchEntries } = await ldapAdmin.search(ldap.groupsDn, {
    scope: 'one',
    filter: `(cn=${group})`,
    attributes: ['member'],
  });
  if (searchEntries.length === 0) return null;
  const raw = searchEntries[0]!.member;
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v).toLowerCase());
  const suffix = `,${ldap.agentsDn}`.toLowerCase();
  return values
    .filter((v) => v.startsWith('uid=') && v.endsWith(suffix))
    .map((v) => v.slice('uid='.length, -suffix.length))
    .sort();
}

async function ldapHasEntry(name: string): Promise<boolean> {
  const { searchEntries } = await ldapAdmin.search(ldap.agentsDn, {
    scope: 'one',
    filter: `(uid=${name})`,
    attributes: ['1.1'],
  });
  return searchEntries.length > 0;
}

/**
 * Whether the agent can bind to the directory with its own entry: the password is set as the
 * agent platform would (leash never sets one), then the agent binds.
 */
async function ldapCanBind(name: string): Promise<boolean> {
  const dn = `uid=${name},${ldap.agentsDn}`;
  const password = `pw-${name}`;
  await ldapAdmin.modify(
    dn,
    new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'userPassword', values: [password] }),
    }),
  );
  const client = new LdapClient({ url: ldap.url, timeout: 5_000 });
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function scimGet(path: string): Promise<{ Resources?: Record<string, unknown>[] }> {
  const response = await fetch(`${scim.url}${path}`, {
    headers: { authorization: `Bearer ${scim.token}`, accept: 'application/scim+json' },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { Resources?: Record<string, unknown>[] };
}

/** The userNames of a SCIM Group's members (GET /Groups, GET /Users); null when it does not exist. */
async function scimMembers(group: string): Promise<string[] | null> {
  const [groups, users] = await Promise.all([scimGet('/Groups?count=1000'), scimGet('/Users?count=1000')]);
  const found = (groups.Resources ?? []).find((g) => g.displayName === group);
  if (!found) return null;
  const names = new Map((users.Resources ?? []).map((u) => [u.id, u.userName]));
  return ((found.members as { value: string }[] | undefined) ?? [])
    .map((m) => String(names.get(m.value) ?? `unknown:${m.value}`))
    .sort();
}

async function scimUser(name: string): Promise<Record<string, unknown> | undefined> {
  const users = await scimGet('/Users?count=1000');
  return (users.Resources ?? []).find((u) => u.userName === name);
}

/** `leash authorize` against the local store the last sync wrote: the decision and exit code. */
async function authorize(agentName: string, system: string, resource: string, action: string) {
  const r = await leash([
    'authorize',
    '-C',
    'policies',
    '--agent',
    agentName,
    '--system',
    system,
    '--resource',
    resource,
    '--action',
    action,
    '--at',
    NOW,
    '--format',
    'json',
  ]);
  expect(r.stderr).toBe('');
  const decision = (JSON.parse(r.stdout) as { decision: string }).decision;
  expect(r.code).toBe(decision === 'allow' ? 0 : 1);
  return decision;
}

/** Everything the agents held before the pull request, asked of each target; must always hold. */
async function expectEarlierAccess(): Promise<void> {
  expect(await canLogIn(AGENT_ROLE)).toBe(true);
  expect(await selectAs(AGENT_ROLE, 'SELECT id, total FROM public.orders')).toEqual([]);
  expect(await selectAs(AGENT_ROLE, 'SELECT name FROM public.customers')).toEqual([{ name: 'Ada' }]);
  expect(await ldapCanBind(AGENT)).toBe(true);
  expect(await ldapMembers('refunds-users')).toEqual(expect.arrayContaining([OTHER, AGENT]));
  expect(await scimUser(AGENT)).toMatchObject({ active: true });
  expect(await scimMembers('helpdesk.viewer')).toEqual(expect.arrayContaining([OTHER, AGENT]));
  expect(await authorize(AGENT, 'kb', 'article', 'read')).toBe('allow');
  expect(await authorize(AGENT, 'support-db', 'orders', 'read')).toBe('allow');
  // Granted before the pull request widened it to more fields.
  expect(await authorize(AGENT, 'support-db', 'customers', 'read')).toBe('allow');
  // The other agent, which shares tables and groups with them, keeps all of its own.
  expect(await canLogIn(OTHER_ROLE)).toBe(true);
  expect(await selectAs(OTHER_ROLE, 'SELECT name FROM public.customers')).toEqual([{ name: 'Ada' }]);
  expect(await ldapCanBind(OTHER)).toBe(true);
  expect(await scimUser(OTHER)).toMatchObject({ active: true });
  expect(await authorize(OTHER, 'helpdesk', 'ticket', 'reply')).toBe('allow');
}

/** What the pull request grants, asked of each target: all there (true) or all gone (false). */
async function expectPrAccess(granted: boolean): Promise<void> {
  const email = await selectAs(AGENT_ROLE, 'SELECT name, email FROM public.customers');
  expect(email).toEqual(
    granted ? [{ name: 'Ada', email: 'ada@example.com' }] : { error: INSUFFICIENT_PRIVILEGE },
  );
  // A column no grant lists stays out of reach whatever happens.
  expect(await selectAs(AGENT_ROLE, 'SELECT phone FROM public.customers')).toEqual({
    error: INSUFFICIENT_PRIVILEGE,
  });
  // Only this agent is granted refunds-approvers, so the group goes with its last member.
  expect(await ldapMembers('refunds-approvers')).toEqual(granted ? [AGENT] : null);
  // helpdesk.agent keeps the other agent, so the group stays and only the membership goes.
  expect(await scimMembers('helpdesk.agent')).toEqual(granted ? [OTHER, AGENT].sort() : [OTHER]);
  const allowed = granted ? 'allow' : 'deny';
  expect(await authorize(AGENT, 'kb', 'article', 'publish')).toBe(allowed);
  expect(await authorize(AGENT, 'directory', 'refunds-app', 'approve')).toBe(allowed);
  expect(await authorize(AGENT, 'helpdesk', 'ticket', 'reply')).toBe(allowed);

  // The agent the pull request added: its role, entry and User come and go with it.
  expect(await canLogIn(NEW_ROLE)).toBe(granted ? true : undefined);
  if (granted) {
    expect(await selectAs(NEW_ROLE, 'SELECT id FROM public.orders')).toEqual([]);
    expect(await ldapCanBind(NEW)).toBe(true);
  } else {
    expect(await ldapHasEntry(NEW)).toBe(false);
  }
  expect((await ldapMembers('refunds-users'))?.includes(NEW)).toBe(granted);
  expect((await scimMembers('helpdesk.viewer'))?.includes(NEW)).toBe(granted);
  expect(await scimUser(NEW)).toEqual(granted ? expect.objectContaining({ active: true }) : undefined);
  expect(await authorize(NEW, 'helpdesk', 'ticket', 'read')).toBe(allowed);
}

/**
 * What every target holds, read from the targets themselves in leash-independent terms: the
 * agents' roles and their table and column privileges, the directory's agent entries and group
 * members, the SCIM Users and Groups with their members, and the local store's files.
 */
async function snapshotTargets(): Promise<unknown> {
  const postgres = await withClient(
    { host: pgServer.host, port: pgServer.port, database: pgServer.database, ...pgServer.admin },
    async (client) => {
      const roles = await client.query(
        `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'agent\\_%' ORDER BY 1`,
      );
      const grants = await client.query(
        `SELECT pg_get_userbyid(a.grantee) AS grantee, c.relname, NULL AS attname, a.privilege_type
         FROM pg_class c, aclexplode(c.relacl) a WHERE pg_get_userbyid(a.grantee) LIKE 'agent\\_%'
         UNION ALL
         SELECT pg_get_userbyid(a.grantee), c.relname, att.attname, a.privilege_type
         FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) a
         WHERE pg_get_userbyid(a.grantee) LIKE 'agent\\_%'
         ORDER BY 1, 2, 3, 4`,
      );
      return { roles: roles.rows, grants: grants.rows };
    },
  );
  const entries = await ldapAdmin.search(ldap.agentsDn, { scope: 'one', attributes: ['uid'] });
  const groups = await ldapAdmin.search(ldap.groupsDn, { scope: 'one', attributes: ['cn'] });
  const directory = {
    agents: entries.searchEntries.map((e) => String(e.uid)).sort(),
    groups: Object.fromEntries(
      await Promise.all(
        groups.searchEntries
          .map((g) => String(g.cn))
          .sort()
          .map(async (cn) => [cn, await ldapMembers(cn)]),
      ),
    ),
  };
  const users = await scimGet('/Users?count=1000');
  const scimGroups = await scimGet('/Groups?count=1000');
  const saas = {
    users: (users.Resources ?? []).map((u) => `${String(u.userName)} active=${String(u.active)}`).sort(),
    groups: Object.fromEntries(
      await Promise.all(
        (scimGroups.Resources ?? [])
          .map((g) => String(g.displayName))
          .sort()
          .map(async (name) => [name, await scimMembers(name)]),
      ),
    ),
  };
  return { postgres, directory, saas, local: readTree(join(repo.policyDir, '.leash/state')) };
}

/** Every file under `dir` (path -> text), sorted by path. */
function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, readTree(path, `${prefix}${entry.name}/`));
    else out[`${prefix}${entry.name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

const key = (c: SyncedChange) => `${c.target} ${c.type} ${c.id}`;

// ---------------------------------------------------------------------------------------------

describe('revocation by revert', () => {
  it('a merged grant reaches every target, and reverting the merge takes exactly it away', async () => {
    // main before the pull request
    await syncAt(rev.before);
    await expectEarlierAccess();
    await expectPrAccess(false);
    const before = await snapshotTargets();

    // the pull request, merged with a merge commit
    const granted = await syncAt(rev.merge);
    // Exactly the pull request's access, in the targets whose systems enforce it.
    expect(granted.map((c) => `${c.op} ${key(c)}`).sort()).toEqual([
      'create dir entry returns-bot',
      'create dir group refunds-approvers',
      'create dir membership refunds-approvers/support-agent',
      'create dir membership refunds-users/returns-bot',
      'create local agent returns-bot',
      'create local permission returns-bot/directory/refunds-app/use',
      'create local permission returns-bot/helpdesk/ticket/read',
      'create local permission returns-bot/support-db/orders/read',
      'create local permission support-agent/directory/refunds-app/approve',
      'create local permission support-agent/helpdesk/ticket/reply',
      'create local permission support-agent/kb/article/publish',
      'create pg privilege returns-bot|public.orders|SELECT',
      'create pg role returns-bot',
      'create saas membership helpdesk.agent/support-agent',
      'create saas membership helpdesk.viewer/returns-bot',
      'create saas user returns-bot',
      'update local permission support-agent/support-db/customers/read',
      'update pg privilege support-agent|public.customers|SELECT',
    ]);
    await expectEarlierAccess();
    await expectPrAccess(true);
    expect(await snapshotTargets()).not.toEqual(before);

    // git revert -m 1 <merge>, merged and synced
    const revoked = await syncAt(rev.revert);
    // The revert undoes the merge object for object: what it created is deleted, what it
    // changed is changed back, and nothing else moves.
    const inverse = { create: 'delete', update: 'update', delete: 'create' } as const;
    expect(revoked.map((c) => `${c.op} ${key(c)}`).sort()).toEqual(
      granted.map((c) => `${inverse[c.op]} ${key(c)}`).sort(),
    );
    await expectEarlierAccess();
    await expectPrAccess(false);
    // Every target holds again exactly what it held before the pull request.
    expect(await snapshotTargets()).toEqual(before);

    const drift = await leash(['drift', 'policies', '--now', NOW]);
    expect(drift.stderr).toBe('');
    expect(drift.stdout).toMatch(/^No drift/);
    expect(drift.code).toBe(0);
  });

  it('the revert needs only the removal-only sign-off; the pull request needed the full rules', async () => {
    const approvals = async (base: string, head: string) => {
      const r = await leash([
        'approvals',
        'policies',
        '--base',
        base,
        '--head',
        head,
        '-f',
        'json',
        '--now',
        NOW,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return (
        JSON.parse(r.stdout) as {
          requirement: { path: string; requirements: { key: string; count: number }[] };
        }
      ).requirement;
    };
    const pr = await approvals(rev.before, rev.pr);
    expect(pr.path).toBe('rules');
    expect(pr.requirements.map((r) => `${r.key}×${r.count}`).sort()).toEqual([
      'group:cx-leads×1',
      'group:security×1',
      'team:acme/cx-platform×1',
    ]);

    // The revert only takes access away: the agent the pull request added goes, the other
    // loses what it gained and its widened read narrows back.
    const diff = await leash([
      'diff',
      'policies',
      '--base',
      rev.merge,
      '--head',
      rev.revert,
      '-f',
      'json',
      '--now',
      NOW,
    ]);
    expect(diff.code).toBe(0);
    const radius = JSON.parse(diff.stdout) as {
      removalOnly: boolean;
      agents: { name: string; change: string; gained: unknown[]; widened: unknown[] }[];
    };
    expect(radius.agents.map((a) => `${a.name} ${a.change}`).sort()).toEqual([
      `${NEW} removed`,
      `${AGENT} changed`,
    ]);
    expect(radius.agents.flatMap((a) => [...a.gained, ...a.widened])).toEqual([]);
    expect(radius.removalOnly, 'removing an agent is no grant, whatever its tier was').toBe(true);

    const revert = await approvals(rev.merge, rev.revert);
    expect(revert.path).toBe('removal-only');
    expect(revert.requirements.map((r) => `${r.key}×${r.count}`)).toEqual(['team:acme/cx-platform×1']);
  });
});
