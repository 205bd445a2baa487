/**
 * Revocation by revert, end to end: a pull request grants an agent new access, is merged with
 * a real merge commit and synced; `git revert -m 1 <merge>` is merged and synced. Every target
 * is asked itself (PostgreSQL as the agent's role, slapd's group entries, the SCIM server's
 * Groups, the local Cedar store through `leash authorize`) whether the access is there; the
 * revert must take away exactly what the pull request added and nothing the agent held
 * before. The revert's sign-off must take leash.yaml's removal-only path.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../helpers/git-repo.js';
import type { PolicyCli, SyncedChange } from './world.js';
import { INSUFFICIENT_PRIVILEGE, NOW, TARGETS, World, agentDoc, roleOf } from './world.js';

const AGENT = 'support-agent';
const AGENT_ROLE = roleOf(AGENT);
const OTHER = 'billing-agent';
const OTHER_ROLE = roleOf(OTHER);
/** An agent the pull request adds. */
const NEW = 'returns-bot';
const NEW_ROLE = roleOf(NEW);

let world: World;
let repo: GitRepo;
let cli: PolicyCli;
/** The commits: main before the pull request, its tip, the merge, and the revert of the merge. */
const rev = { before: '', pr: '', merge: '', revert: '' };

beforeAll(async () => {
  world = await World.start();
  // The policy repository is a folder of a larger repository, as ours is.
  repo = new GitRepo(baseFiles(), { subdir: 'policies' });
  cli = world.cli(repo.dir, 'policies');
  rev.before = repo.head();
  repo.branch('grant-customer-care');
  repo.write(prFiles());
  rev.pr = repo.commit('support-agent: customer care access');
  repo.checkout('main');
  rev.merge = repo.merge('grant-customer-care', 'Merge pull request #7 from grant-customer-care');
  rev.revert = repo.revert(rev.merge);
}, 60_000);

afterAll(async () => {
  await world?.stop();
  repo?.remove();
});

// ---------------------------------------------------------------------------------------------
// The policy repository: the world's leash.yaml and systems (test/revocation/world.ts), and agents

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
    ...world.files(),
    [`agents/${AGENT}.yaml`]: agentDoc(AGENT, BASE_GRANTS),
    // Another agent holding some of the same access, which nothing here may touch.
    [`agents/${OTHER}.yaml`]: agentDoc(OTHER, [
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
    [`agents/${AGENT}.yaml`]: agentDoc(AGENT, [...BASE_GRANTS, ...PR_GRANTS]),
    [`agents/${NEW}.yaml`]: agentDoc(NEW, [
      '{ system: support-db, resource: orders, actions: [read], mode: read-only }',
      '{ system: directory, resource: refunds-app, actions: [use], mode: read-only }',
      '{ system: helpdesk, resource: ticket, actions: [read], mode: read-only }',
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// Syncing, and asking each target itself (the world's probes)

/**
 * Syncs the work tree as it is at `commit`, checks that a second sync right after changes
 * nothing, and returns what the first one changed.
 */
async function syncAt(commit: string): Promise<SyncedChange[]> {
  // What a deploy job does on each push to main: sync the commit main points at.
  repo.git('checkout', '-q', '--detach', commit);
  const { report, changes, stderr } = await cli.sync();
  expect(stderr).toBe('');
  expect(report.held).toEqual([]);
  expect(report.targets.map((t) => t.name).sort()).toEqual(TARGETS);

  const second = await cli.run(['sync', 'policies', '--now', NOW]);
  expect(second.code, second.stdout).toBe(0);
  expect(second.stdout.trim().split('\n').sort()).toEqual([
    'dir (ldap): already in sync, nothing to do',
    'local (local): already in sync, nothing to do',
    'pg (postgres): already in sync, nothing to do',
    'saas (scim): already in sync, nothing to do',
  ]);
  return changes.map(({ target, op, type, id, status }) => ({ target, op, type, id, status }));
}

const authorize = (agent: string, what: string) => cli.authorize(agent, what);

/** Everything the agents held before the pull request, asked of each target; must always hold. */
async function expectEarlierAccess(): Promise<void> {
  expect(await world.canLogIn(AGENT_ROLE)).toBe(true);
  expect(await world.selectAs(AGENT_ROLE, 'SELECT id, total FROM public.orders')).toEqual([]);
  expect(await world.selectAs(AGENT_ROLE, 'SELECT name FROM public.customers')).toEqual([{ name: 'Ada' }]);
  expect(await world.ldapCanBind(AGENT)).toBe(true);
  expect(await world.ldapMembers('refunds-users')).toEqual(expect.arrayContaining([OTHER, AGENT]));
  expect(await world.scimUser(AGENT)).toMatchObject({ active: true });
  expect(await world.scimMembers('helpdesk.viewer')).toEqual(expect.arrayContaining([OTHER, AGENT]));
  expect(await authorize(AGENT, 'kb/article/read')).toBe('allow');
  expect(await authorize(AGENT, 'support-db/orders/read')).toBe('allow');
  // Granted before the pull request widened it to more fields.
  expect(await authorize(AGENT, 'support-db/customers/read')).toBe('allow');
  // The other agent, which shares tables and groups with them, keeps all of its own.
  expect(await world.canLogIn(OTHER_ROLE)).toBe(true);
  expect(await world.selectAs(OTHER_ROLE, 'SELECT name FROM public.customers')).toEqual([{ name: 'Ada' }]);
  expect(await world.ldapCanBind(OTHER)).toBe(true);
  expect(await world.scimUser(OTHER)).toMatchObject({ active: true });
  expect(await authorize(OTHER, 'helpdesk/ticket/reply')).toBe('allow');
}

/** What the pull request grants, asked of each target: all there (true) or all gone (false). */
async function expectPrAccess(granted: boolean): Promise<void> {
  const email = await world.selectAs(AGENT_ROLE, 'SELECT name, email FROM public.customers');
  expect(email).toEqual(
    granted ? [{ name: 'Ada', email: 'ada@example.com' }] : { error: INSUFFICIENT_PRIVILEGE },
  );
  // A column no grant lists stays out of reach whatever happens.
  expect(await world.selectAs(AGENT_ROLE, 'SELECT phone FROM public.customers')).toEqual({
    error: INSUFFICIENT_PRIVILEGE,
  });
  // Only this agent is granted refunds-approvers, so the group goes with its last member.
  expect(await world.ldapMembers('refunds-approvers')).toEqual(granted ? [AGENT] : null);
  // helpdesk.agent keeps the other agent, so the group stays and only the membership goes.
  expect(await world.scimMembers('helpdesk.agent')).toEqual(granted ? [OTHER, AGENT].sort() : [OTHER]);
  const allowed = granted ? 'allow' : 'deny';
  expect(await authorize(AGENT, 'kb/article/publish')).toBe(allowed);
  expect(await authorize(AGENT, 'directory/refunds-app/approve')).toBe(allowed);
  expect(await authorize(AGENT, 'helpdesk/ticket/reply')).toBe(allowed);

  // The agent the pull request added: its role, entry and User come and go with it.
  expect(await world.canLogIn(NEW_ROLE)).toBe(granted ? true : undefined);
  if (granted) {
    expect(await world.selectAs(NEW_ROLE, 'SELECT id FROM public.orders')).toEqual([]);
    expect(await world.ldapCanBind(NEW)).toBe(true);
  } else {
    expect(await world.ldapHasEntry(NEW)).toBe(false);
  }
  expect((await world.ldapMembers('refunds-users'))?.includes(NEW)).toBe(granted);
  expect((await world.scimMembers('helpdesk.viewer'))?.includes(NEW)).toBe(granted);
  expect(await world.scimUser(NEW)).toEqual(granted ? expect.objectContaining({ active: true }) : undefined);
  expect(await authorize(NEW, 'helpdesk/ticket/read')).toBe(allowed);
}

const snapshotTargets = () => world.snapshotTargets(join(repo.policyDir, '.leash/state'));

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

    const drift = await cli.run(['drift', 'policies', '--now', NOW]);
    expect(drift.stderr).toBe('');
    expect(drift.stdout).toMatch(/^No drift/);
    expect(drift.code).toBe(0);
  });

  it('the revert needs only the removal-only sign-off; the pull request needed the full rules', async () => {
    const approvals = async (base: string, head: string) => {
      const r = await cli.run([
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
    const diff = await cli.run([
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
