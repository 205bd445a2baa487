/**
 * The kill switch on the embedded local target, in a real git repository of the example
 * policies: it revokes and reads back, it is sticky across syncs until the repository agrees,
 * the repository is brought to agree by a commit on a new branch (a removal-only change), and
 * it works with broken files elsewhere and with a target that is down.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { updateKillLedger } from '../../src/revoke/ledger.js';
import { applySync, closeSessions, planSync, preparePolicy, vetoLaterKills } from '../../src/sync/run.js';
import { GitRepo } from '../helpers/git-repo.js';

const AGENT = 'service-agent';
const repos: GitRepo[] = [];

afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

/** The example repository (policies/), without a quick start's .leash state, as a git repository. */
function exampleRepo(overrides: Record<string, string> = {}): GitRepo {
  const root = join(import.meta.dirname, '../../policies');
  const files: Record<string, string> = { '.gitignore': '.leash/\n' };
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === '.leash') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  const repo = new GitRepo({ ...files, ...overrides });
  repos.push(repo);
  return repo;
}

async function leash(repo: GitRepo, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: repo.dir,
    env: {},
    isTty: false,
  });
  return { code, stdout, stderr };
}

interface StoredAgent {
  identity: { status: string; owner: string } | null;
  permissions: unknown[];
}

function stored(repo: GitRepo, agent: string): StoredAgent {
  return JSON.parse(
    readFileSync(join(repo.dir, '.leash/state/agents', `${agent}.json`), 'utf8'),
  ) as StoredAgent;
}

function ledger(repo: GitRepo): { kills: { agent: string; state: string; by: string; reason: string }[] } {
  return JSON.parse(readFileSync(join(repo.dir, '.leash/kills.json'), 'utf8')) as never;
}

describe('leash kill on the local target', () => {
  it('revokes, stays revoked through syncs until the repository agrees, and a reviewed change brings the agent back', async () => {
    const repo = exampleRepo();
    expect((await leash(repo, ['sync'])).code).toBe(0);
    const before = stored(repo, AGENT);
    expect(before.identity?.status).toBe('active');
    expect(before.permissions.length).toBeGreaterThan(0);
    const head = repo.head();
    const fileBefore = readFileSync(join(repo.dir, `agents/${AGENT}.yaml`), 'utf8');

    const kill = await leash(repo, [
      'kill',
      AGENT,
      '--reason',
      'prompt-injected into mailing refunds',
      '--by',
      'alice',
      '--format',
      'json',
    ]);
    expect(kill.code, kill.stdout + kill.stderr).toBe(0);
    const result = JSON.parse(kill.stdout) as {
      kill: { id: string; by: string };
      receipts: { target: string; status: string; before: { grants: number }; remaining: unknown[] }[];
      repository: { kind: string; branch: string; commit: string; file: string };
      audit: { head: string };
    };
    expect(result.kill.by).toBe('alice');
    expect(result.receipts).toHaveLength(1);
    expect(result.receipts[0]).toMatchObject({ target: 'local', status: 'revoked', remaining: [] });
    expect(result.receipts[0]!.before.grants).toBe(before.permissions.length);

    // The store holds the agent disabled, with who owns it, and nothing else.
    const after = stored(repo, AGENT);
    expect(after.identity).toMatchObject({ status: 'revoked', owner: before.identity!.owner });
    expect(after.permissions).toEqual([]);
    expect(ledger(repo).kills).toMatchObject([{ agent: AGENT, state: 'in-force', by: 'alice' }]);

    // The repository: a new branch with one commit changing only the agent's status; the work
    // tree, HEAD and the current branch are untouched.
    expect(result.repository.kind).toBe('branch');
    expect(result.repository.branch).toMatch(/^leash\/kill\/service-agent-\d{8}T\d{6}Z$/);
    expect(repo.head()).toBe(head);
    expect(readFileSync(join(repo.dir, `agents/${AGENT}.yaml`), 'utf8')).toBe(fileBefore);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('rev-parse', `${result.repository.branch}^`)).toBe(head);
    expect(repo.git('diff', '--name-only', head, result.repository.branch)).toBe(`agents/${AGENT}.yaml`);
    const patch = repo.git('diff', '-U0', head, result.repository.branch);
    expect(patch).toMatch(/^\+ {2}status: revoked$/m);
    expect(patch.split('\n').filter((l) => /^[+-][^+-]/.test(l))).toHaveLength(1);
    const message = repo.git('log', '-1', '--format=%B', result.repository.branch);
    expect(message).toContain('prompt-injected into mailing refunds');
    expect(message).toContain(`Leash-Kill: ${result.kill.id}`);

    // Sticky: the repository still says active, yet a sync keeps the agent revoked and says so.
    const sync = await leash(repo, ['sync']);
    expect(sync.code, sync.stdout).toBe(0);
    expect(sync.stdout).toContain(`${AGENT}: killed by alice`);
    expect(stored(repo, AGENT).permissions).toEqual([]);
    expect(stored(repo, AGENT).identity?.status).toBe('revoked');
    const plan = JSON.parse((await leash(repo, ['plan', '--format', 'json'])).stdout) as {
      killed: { agent: string }[];
      targets: { changes: unknown[] }[];
    };
    expect(plan.killed.map((k) => k.agent)).toEqual([AGENT]);
    expect(plan.targets[0]!.changes).toEqual([]);

    // The kill's pull request only removes access: the lighter sign-off path.
    const approvals = await leash(repo, [
      'approvals',
      '--base',
      head,
      '--head',
      result.repository.branch,
      '--format',
      'json',
    ]);
    expect(approvals.code, approvals.stderr).toBe(0);
    expect((JSON.parse(approvals.stdout) as { requirement: { path: string } }).requirement.path).toBe(
      'removal-only',
    );

    // Merged: the repository agrees and the kill is acknowledged; the agent stays revoked.
    repo.merge(result.repository.branch, 'Merge kill');
    const agreed = await leash(repo, ['sync']);
    expect(agreed.code, agreed.stdout).toBe(0);
    expect(ledger(repo).kills).toMatchObject([{ agent: AGENT, state: 'acknowledged' }]);
    expect(stored(repo, AGENT).permissions).toEqual([]);

    // A reviewed change brings it back.
    repo.write({ [`agents/${AGENT}.yaml`]: fileBefore }).commit('Bring service-agent back');
    expect((await leash(repo, ['sync'])).code).toBe(0);
    expect(stored(repo, AGENT).identity?.status).toBe('active');
    expect(stored(repo, AGENT).permissions).toHaveLength(before.permissions.length);

    // Every run is in the audit log, chained.
    const verify = await leash(repo, ['audit', 'verify', '--expect-head', result.audit.head]);
    expect(verify.code, verify.stdout).toBe(0);
    const entries = readFileSync(join(repo.dir, '.leash/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; hash: string; agent?: string; reason?: string });
    expect(entries.map((e) => e.kind)).toEqual(['sync', 'kill', 'sync', 'sync', 'sync']);
    expect(entries[1]).toMatchObject({
      hash: result.audit.head,
      agent: AGENT,
      reason: 'prompt-injected into mailing refunds',
    });
  });

  it('the repository saying active again before it ever agreed does not lift the kill', async () => {
    const repo = exampleRepo();
    await leash(repo, ['sync']);
    expect((await leash(repo, ['kill', AGENT, '--reason', 'vendor breach', '--no-commit'])).code).toBe(0);
    // Someone touches the agent's file without setting it revoked: still killed.
    const path = join(repo.dir, `agents/${AGENT}.yaml`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('lastReviewed:', '# reviewed\n  lastReviewed:'));
    repo.commit('Unrelated edit');
    await leash(repo, ['sync']);
    expect(stored(repo, AGENT).permissions).toEqual([]);
    expect(ledger(repo).kills[0]!.state).toBe('in-force');
  });

  it('works when every other file of the repository is broken, and revokes a held agent too', async () => {
    const repo = exampleRepo();
    await leash(repo, ['sync']);
    // Break the agent's own file and a template it uses: a sync would hold it, the kill must not.
    writeFileSync(join(repo.dir, `agents/${AGENT}.yaml`), 'kind: Agent\nspec: [unclosed\n');
    writeFileSync(join(repo.dir, 'templates/case-triage.yaml'), 'a: &x [*x]\n');
    const kill = await leash(repo, ['kill', AGENT, '--reason', 'leaked token', '--no-commit']);
    expect(kill.code, kill.stdout + kill.stderr).toBe(0);
    expect(kill.stdout).toMatch(/local \(local\): REVOKED/);
    expect(stored(repo, AGENT).permissions).toEqual([]);
    // The sync holds back the broken agents, but a killed one stays revoked.
    const sync = await leash(repo, ['sync']);
    expect(sync.stdout).toContain(`${AGENT}: killed by`);
    expect(stored(repo, AGENT).permissions).toEqual([]);
  });

  it('finishes the healthy target when another is down, reports it unreachable and exits 2', async () => {
    const port = await closedPort();
    const repo = exampleRepo();
    const config = readFileSync(join(repo.dir, 'leash.yaml'), 'utf8');
    expect(config).toMatch(/\n {2}targets:\n/);
    writeFileSync(
      join(repo.dir, 'leash.yaml'),
      config.replace(
        /\n {2}targets:\n/,
        `\n  targets:\n    saas:\n      type: scim\n      url: http://127.0.0.1:${port}/scim\n      timeoutSeconds: 1\n`,
      ),
    );
    repo.commit('A SCIM target that is down');
    const kill = await leash(repo, [
      'kill',
      AGENT,
      '--reason',
      'misbehaving',
      '--no-commit',
      '--format',
      'json',
    ]);
    expect(kill.code).toBe(2);
    const receipts = (
      JSON.parse(kill.stdout) as {
        receipts: { target: string; status: string; message?: string; attempts: number; ms: number }[];
      }
    ).receipts;
    const byName = Object.fromEntries(receipts.map((r) => [r.target, r]));
    expect(byName.local?.status).toBe('revoked');
    expect(byName.saas?.status).toBe('unreachable');
    expect(byName.saas?.message).toMatch(/could not be reached/);
    expect(byName.saas?.attempts).toBeGreaterThanOrEqual(1);
    // The healthy target did not wait for the down one.
    expect(byName.local!.ms).toBeLessThan(byName.saas!.ms);
  });

  it('refuses a bad name or no reason, and says so when the agent is found nowhere', async () => {
    const repo = exampleRepo();
    const bad = await leash(repo, ['kill', '../../etc/passwd', '--reason', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an agent name/);
    const noReason = await leash(repo, ['kill', AGENT, '--reason', '  ']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason is required/);
    expect(existsSync(join(repo.dir, '.leash/kills.json'))).toBe(false);
    const nobody = await leash(repo, ['kill', 'no-such-agent', '--reason', 'typo?']);
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toMatch(/check the name/);
  });

  it('a sync planned before a kill does not undo it: its changes for the killed agent are skipped', async () => {
    const repo = exampleRepo();
    const prepared = preparePolicy(repo.dir, new Date());
    const { plan, sessions } = await planSync(prepared, { env: {} });
    expect(plan.targets[0]!.changes.some((c) => c.agent === AGENT && c.op === 'create')).toBe(true);
    // The kill lands between the plan and its apply.
    await updateKillLedger(join(repo.dir, '.leash/kills.json'), (ledger) => ({
      ledger: {
        ...ledger,
        kills: [
          {
            id: 'kill-x',
            agent: AGENT,
            at: new Date().toISOString(),
            by: 'bob',
            reason: 'x',
            receipts: [],
            state: 'in-force',
          },
        ],
      },
      result: undefined,
    }));
    try {
      const outcome = await applySync(plan, sessions, {
        verifyFingerprint: false,
        veto: vetoLaterKills(prepared),
      });
      const results = outcome.targets[0]!.results;
      const mine = results.filter((r) => r.change.agent === AGENT);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => r.status === 'skipped' && /was killed \(kill-x\)/.test(r.error ?? ''))).toBe(
        true,
      );
      expect(results.filter((r) => r.change.agent !== AGENT).every((r) => r.status === 'applied')).toBe(true);
    } finally {
      await closeSessions(sessions);
    }
    expect(existsSync(join(repo.dir, `.leash/state/agents/${AGENT}.json`))).toBe(false);
  });

  it('a sync refuses to run on a kill ledger it cannot read', async () => {
    const repo = exampleRepo();
    await leash(repo, ['kill', AGENT, '--reason', 'x', '--no-commit']);
    writeFileSync(join(repo.dir, '.leash/kills.json'), '{"formatVersion":1,"kills":[{"agent":');
    const sync = await leash(repo, ['sync']);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/kills\.json: the kill ledger is not valid JSON/);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
