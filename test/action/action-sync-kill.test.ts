/**
 * `command: sync` and `command: kill` of the bundled Action, end to end: the example policies in
 * a real git repository whose `origin` is a bare repository (standing in for GitHub's copy), the
 * embedded local target, and the local GitHub API (every request and answer checked against
 * GitHub's published OpenAPI description). Runs follow one another like workflow runs on fresh
 * runners: the kill ledger and the audit log travel between them on the state branch only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/log.js';
import type { AuditEntry } from '../../src/audit/types.js';
import type { GitHubApi, PullRequest, Review } from '../helpers/github-api-server.js';
import { repo as apiRepo, startGitHubApi } from '../helpers/github-api-server.js';
import { GitRepo } from '../helpers/git-repo.js';
import type { ActionRun } from './run-action.js';
import { runActionProcess } from './run-action.js';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const REPO = 'northwind-retail/policy';
const AGENT = 'service-agent';
const NODE24 = join(root, '.tools/node24/bin/node');

function exampleFiles(dir = join(root, 'policies'), prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, exampleFiles(path, `${prefix}${name}/`));
    else if (name.endsWith('.yaml')) out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

/** A webhook payload as GitHub sends it (from @octokit/webhooks-examples), pointed at our repository. */
function event(name: 'push' | 'workflow_dispatch', fields: Record<string, unknown>): object {
  const examples = require('@octokit/webhooks-examples') as { name: string; examples: object[] }[];
  const payload = structuredClone(examples.find((e) => e.name === name)!.examples[0]!) as Record<
    string,
    unknown
  >;
  const repository = payload.repository as Record<string, unknown>;
  Object.assign(repository, { full_name: REPO, name: 'policy', default_branch: 'main' });
  (repository.owner as Record<string, unknown>).login = 'northwind-retail';
  return { ...payload, ...fields };
}

/** A policy repository in git with a bare origin, as actions/checkout leaves it. */
class Checkout {
  readonly git: GitRepo;
  readonly origin: string;
  constructor(files: Record<string, string>) {
    this.git = new GitRepo({ ...files, '.gitignore': '.leash/\n' }, { subdir: 'policies' });
    this.origin = mkdtempSync(join(tmpdir(), 'leash-origin-'));
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q', '--bare', this.origin]);
    this.git.git('remote', 'add', 'origin', this.origin);
    this.push();
  }
  push(): void {
    this.git.git('push', '-q', 'origin', 'main');
  }
  /** git in the bare origin. */
  remote(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.origin, encoding: 'utf8' }).trim();
  }
  get policy(): string {
    return this.git.policyDir;
  }
  state(file: string): string {
    return join(this.policy, '.leash', file);
  }
  /** A fresh runner has no kill ledger and no audit log (the target's own store stays). */
  forgetState(): void {
    for (const f of ['kills.json', 'audit.jsonl']) rmSync(this.state(f), { force: true });
  }
  remove(): void {
    this.git.remove();
    rmSync(this.origin, { recursive: true, force: true });
  }
}

const amara = { login: 'amara-okafor-nw', id: 101, type: 'User' as const };
const kim = { login: 'kim-cx', id: 201, type: 'User' as const };
const sofia = { login: 'sofia-marquez-nw', id: 103, type: 'User' as const };
const dev = { login: 'dev-dan', id: 500, type: 'User' as const };

let api: GitHubApi | undefined;
const checkouts: Checkout[] = [];
afterEach(async () => {
  if (api) {
    expect(api.violations).toEqual([]);
    await api.close();
    api = undefined;
  }
});
afterAll(() => {
  for (const c of checkouts.splice(0)) c.remove();
});

async function startApi(checkout: Checkout, pulls: PullRequest[] = []): Promise<GitHubApi> {
  await api?.close();
  api = await startGitHubApi({ repos: apiRepo(REPO, pulls, { git: checkout.origin }) });
  return api;
}

function run(
  checkout: Checkout,
  command: 'sync' | 'kill',
  options: { actor?: string; inputs?: Record<string, string>; sha?: string; node?: string } = {},
): Promise<ActionRun> {
  const sha = options.sha ?? checkout.git.head();
  const payload =
    command === 'sync'
      ? event('push', { ref: 'refs/heads/main', after: sha })
      : event('workflow_dispatch', {
          ref: 'refs/heads/main',
          inputs: { agent: options.inputs?.agent, reason: options.inputs?.reason },
        });
  return runActionProcess({
    ...(options.node ? { node: options.node } : {}),
    cwd: checkout.git.dir,
    event: { name: command === 'sync' ? 'push' : 'workflow_dispatch', payload },
    env: {
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: api!.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_ACTOR: options.actor ?? 'merge-bot-operator',
      GITHUB_WORKSPACE: checkout.git.dir,
    },
    inputs: {
      command,
      path: 'policies',
      token: 'test-token',
      'fail-on': 'warning',
      sarif: 'leash.sarif',
      comment: 'true',
      'status-context': 'leash/sign-off',
      'state-branch': 'leash-state',
      agent: '',
      reason: '',
      ...options.inputs,
    },
  });
}

function entries(path: string): AuditEntry[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);
}

function stored(
  checkout: Checkout,
  agent: string,
): { identity: { status: string } | null; permissions: unknown[] } {
  return JSON.parse(readFileSync(checkout.state(`state/agents/${agent}.json`), 'utf8')) as never;
}

const review = (id: number, user: object, state: Review['state'], commit: string, hour: number): Review => ({
  id,
  user: user as Review['user'],
  state,
  commit_id: commit,
  submitted_at: `2026-11-21T${String(hour).padStart(2, '0')}:00:00Z`,
});

describe('command: sync and command: kill, run after run', () => {
  let c: Checkout;
  let merge: string;
  let prHead: string;

  beforeAll(() => {
    c = new Checkout(exampleFiles());
    checkouts.push(c);
    // A pull request merged with a merge commit, as GitHub's merge button makes it.
    c.git.branch('describe-kb');
    const kb = readFileSync(join(c.policy, 'agents/kb-curator.yaml'), 'utf8');
    c.git.write({
      'agents/kb-curator.yaml': kb.replace(/^(\s+description: ).*$/m, '$1Keeps the knowledge base tidy.'),
    });
    prHead = c.git.commit('kb-curator: a clearer description');
    c.git.checkout('main');
    merge = c.git.merge('describe-kb', 'Merge pull request #12 from northwind-retail/describe-kb');
    c.push();
  });

  it('sync on the merge of a pull request: applies, records the pull request and its approvers, saves the state branch', async () => {
    const server = await startApi(c, [
      {
        number: 12,
        user: dev,
        state: 'closed',
        merged: true,
        merged_at: '2026-11-21T12:00:00Z',
        merge_commit_sha: merge,
        head: { sha: prHead, ref: 'describe-kb' },
        base: { sha: c.git.git('rev-parse', `${merge}^1`), ref: 'main' },
        commits: [{ sha: prHead, author: dev, committer: dev }],
        reviews: [
          review(1, amara, 'APPROVED', prHead, 9),
          review(2, kim, 'APPROVED', prHead, 10),
          review(3, kim, 'COMMENTED', prHead, 11), // a comment takes nothing back
          review(4, sofia, 'APPROVED', prHead, 9),
          review(5, sofia, 'CHANGES_REQUESTED', prHead, 11), // a later decisive review does
        ],
      },
      // Open, with the merge commit as its head: associated with the commit, but not what produced it.
      { number: 13, user: dev, head: { sha: merge, ref: 'follow-up' }, base: { sha: merge, ref: 'main' } },
    ]);
    const r = await run(c, 'sync');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('leash 0.1.0 sync');
    expect(r.outputs['sync-status']).toBe('ok');
    const outcome = JSON.parse(r.outputs['sync-outcome']!) as { targets: { name: string; status: string }[] };
    expect(outcome.targets).toEqual([expect.objectContaining({ name: 'local', status: 'applied' })]);
    expect(stored(c, AGENT).identity?.status).toBe('active');

    const [entry] = entries(c.state('audit.jsonl'));
    expect(entry).toMatchObject({
      seq: 1,
      kind: 'sync',
      actor: 'merge-bot-operator',
      commit: merge,
      pullRequest: {
        number: 12,
        url: 'https://github.com/northwind-retail/policy/pull/12',
        approvers: ['amara-okafor-nw', 'kim-cx'],
      },
      exitCode: 0,
    });
    expect(r.outputs['audit-head']).toBe(entry!.hash);
    expect(r.summary).toMatch(/^## leash sync$/m);
    expect(r.summary).toContain(
      'pull request [#12](https://github.com/northwind-retail/policy/pull/12), approved by amara-okafor-nw, kim-cx.',
    );
    expect(r.summary).toMatch(/^\| local \| local \| applied \| \d+ applied \|$/m);
    expect(server.requests.map((q) => q.operation).filter(Boolean)).toEqual([
      'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    ]);

    // The state branch, created as an orphan, holds the two files exactly.
    expect(r.outputs['state-commit']).toBe(c.remote('rev-parse', 'refs/heads/leash-state'));
    expect(c.remote('ls-tree', '-r', '--name-only', 'leash-state').split('\n')).toEqual([
      'policies/.leash/audit.jsonl',
    ]);
    expect(c.remote('show', 'leash-state:policies/.leash/audit.jsonl')).toBe(
      readFileSync(c.state('audit.jsonl'), 'utf8').trim(),
    );
  });

  it('sync on a direct push (on Node 24): recorded without a pull request, the audit chain continued from the state branch', async () => {
    c.forgetState();
    const kb = readFileSync(join(c.policy, 'agents/kb-curator.yaml'), 'utf8');
    c.git.write({
      'agents/kb-curator.yaml': kb.replace('Keeps the knowledge base tidy.', 'Keeps the KB tidy.'),
    });
    const direct = c.git.commit('a direct push');
    c.push();
    await startApi(c);
    // On Node 24, the runtime action.yml names (installed by `npm run tools:node24`).
    expect(existsSync(NODE24)).toBe(true);
    const r = await run(c, 'sync', { node: NODE24 });
    expect(r.code, r.stdout).toBe(0);
    expect(r.summary).toContain('pushed directly (no pull request)');
    const log = entries(c.state('audit.jsonl'));
    expect(log).toHaveLength(2);
    expect(log[1]).toMatchObject({ seq: 2, prev: log[0]!.hash, kind: 'sync', commit: direct });
    expect(log[1]).not.toHaveProperty('pullRequest');
    expect((await verifyAuditLog(c.state('audit.jsonl'))).ok).toBe(true);
  });

  it('kill on dispatch: receipts, the branch pushed to origin, the pull request opened and labelled, the ledger on the state branch', async () => {
    c.forgetState();
    const server = await startApi(c);
    const main = c.git.head();
    const r = await run(c, 'kill', {
      actor: 'amara-okafor-nw',
      inputs: { agent: AGENT, reason: 'Prompt-injected into issuing refunds | see INC-4411' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('leash 0.1.0 kill');
    expect(r.stdout).toMatch(/local \(local\): REVOKED in \d+ ms: identity disabled/);
    expect(JSON.parse(r.outputs.receipts!)).toEqual([
      expect.objectContaining({ target: 'local', type: 'local', status: 'revoked' }),
    ]);
    expect(r.outputs.revoked).toBe('true');
    expect(stored(c, AGENT)).toMatchObject({ identity: { status: 'revoked' }, permissions: [] });

    // The branch is on origin: one commit on main setting the status, nothing else.
    const branch = r.outputs.branch!;
    expect(branch).toMatch(/^leash\/kill\/service-agent-\d{8}T\d{6}Z$/);
    const tip = c.remote('rev-parse', `refs/heads/${branch}`);
    expect(c.remote('rev-parse', `${tip}^`)).toBe(main);
    expect(c.remote('diff', '--name-only', main, tip)).toBe(`policies/agents/${AGENT}.yaml`);
    expect(c.remote('diff', main, tip)).toMatch(/^\+ {2}status: revoked$/m);
    expect(c.git.head()).toBe(main);

    // The pull request, as GitHub would hold it.
    const pulls = Object.values(server.state.repos[REPO]!.pulls);
    expect(pulls).toHaveLength(1);
    const pr = pulls[0]!;
    expect(r.outputs['pull-request']).toBe(`https://github.com/${REPO}/pull/${pr.number}`);
    expect(pr).toMatchObject({
      title: `Revoke ${AGENT}: killed by amara-okafor-nw`,
      head: { ref: branch, sha: tip },
      base: { ref: 'main', sha: main },
      labels: ['leash-kill'],
    });
    expect(pr.body).toContain('Prompt-injected into issuing refunds \\| see INC-4411');
    expect(pr.body).toContain('**It only removes access**');
    expect(pr.body).toMatch(
      /^\| local \| local \| revoked \| 1 identity, \d+ grants \| read back clean \(\d+ ms\) \|$/m,
    );
    const create = server.requests.find((q) => q.operation === 'POST /repos/{owner}/{repo}/pulls')!;
    expect(Object.keys(create.body as object).sort()).toEqual(['base', 'body', 'head', 'title']);

    expect(r.summary).toMatch(/^## leash kill service-agent$/m);
    expect(r.summary).toContain('**1 of 1 target** revoked and read back.');
    expect(r.summary).toContain(
      `Repository: pull request [#${pr.number}](https://github.com/${REPO}/pull/${pr.number})`,
    );

    // The ledger and the audit log went to the state branch, on top of the previous state.
    const ledger = JSON.parse(c.remote('show', 'leash-state:policies/.leash/kills.json')) as {
      kills: { id: string; agent: string; state: string; by: string; branch: string }[];
    };
    expect(ledger.kills).toEqual([
      expect.objectContaining({
        id: r.outputs['kill-id'],
        agent: AGENT,
        state: 'in-force',
        by: 'amara-okafor-nw',
        branch,
      }),
    ]);
    const log = entries(c.state('audit.jsonl'));
    expect(log.map((e) => e.kind)).toEqual(['sync', 'sync', 'kill']);
    expect(log[2]).toMatchObject({ actor: 'amara-okafor-nw', agent: AGENT, exitCode: 0 });
    expect(c.remote('rev-list', '--count', 'leash-state')).toBe('3');
  });

  it('a sync on a fresh runner keeps the killed agent revoked: the ledger came back from the state branch', async () => {
    c.forgetState();
    await startApi(c);
    const r = await run(c, 'sync');
    expect(r.code, r.stdout).toBe(0);
    expect(stored(c, AGENT)).toMatchObject({ identity: { status: 'revoked' }, permissions: [] });
    const outcome = JSON.parse(r.outputs['sync-outcome']!) as { killed: { agent: string; by: string }[] };
    expect(outcome.killed).toEqual([expect.objectContaining({ agent: AGENT, by: 'amara-okafor-nw' })]);
    expect(r.summary).toContain('**Killed agents kept revoked**');
    expect(r.summary).toMatch(/^\| service-agent \| amara-okafor-nw \| .+ \| Prompt-injected/m);
    const log = entries(c.state('audit.jsonl'));
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await verifyAuditLog(c.state('audit.jsonl'))).ok).toBe(true);

    // Without the state branch, the same fresh runner knows no kill and re-grants the agent:
    // what kept it revoked above was the restored ledger.
    c.forgetState();
    const forgetful = await run(c, 'sync', { inputs: { 'state-branch': '' } });
    expect(forgetful.code, forgetful.stdout).toBe(0);
    expect(stored(c, AGENT).identity?.status).toBe('active');
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('when something fails', () => {
  let c: Checkout;

  beforeAll(async () => {
    const port = await closedPort();
    const files = exampleFiles();
    files['leash.yaml'] = files['leash.yaml']!.replace(
      /\n {2}targets:\n/,
      `\n  targets:\n    saas:\n      type: scim\n      url: http://127.0.0.1:${port}/scim\n      timeoutSeconds: 1\n`,
    );
    c = new Checkout(files);
    checkouts.push(c);
  });

  it('kill with a target down: the job fails, after the branch is pushed and the pull request opened', async () => {
    const server = await startApi(c);
    const r = await run(c, 'kill', {
      actor: 'amara-okafor-nw',
      inputs: { agent: AGENT, reason: 'leaked token' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::not revoked in saas \(unreachable: could not be reached/m);
    const receipts = JSON.parse(r.outputs.receipts!) as { target: string; status: string }[];
    expect(Object.fromEntries(receipts.map((x) => [x.target, x.status]))).toEqual({
      local: 'revoked',
      saas: 'unreachable',
    });
    expect(r.outputs.revoked).toBe('false');
    expect(c.remote('rev-parse', `refs/heads/${r.outputs.branch}`)).toMatch(/^[0-9a-f]{40}$/);
    const pr = Object.values(server.state.repos[REPO]!.pulls)[0]!;
    expect(pr.head.ref).toBe(r.outputs.branch);
    expect(pr.body).toMatch(/^\| saas \| scim \| \*\*UNREACHABLE\*\* \| /m);
    expect(r.summary).toContain('Not every target confirmed the revocation');
    // The kill is still kept: the ledger is on the state branch.
    expect(c.remote('show', 'leash-state:policies/.leash/kills.json')).toContain(`"agent": "${AGENT}"`);
  });

  it('sync with a target down fails with the target named; the healthy target is synced', async () => {
    await startApi(c);
    const r = await run(c, 'sync');
    expect(r.code).toBe(1);
    expect(r.outputs['sync-status']).toBe('failed');
    expect(r.stdout).toMatch(/^::error::saas \(scim\): unreachable: could not read its state/m);
    expect(r.summary).toMatch(/^\| saas \| scim \| \*\*UNREACHABLE\*\* \| /m);
    expect(r.summary).toMatch(/^\| local \| local \| applied \| /m);
    expect(entries(c.state('audit.jsonl')).at(-1)).toMatchObject({ kind: 'sync', exitCode: 2 });
  });

  it('a guardrail block fails the job with its message', async () => {
    const config = readFileSync(join(c.policy, 'leash.yaml'), 'utf8');
    c.git.write({ 'leash.yaml': config.replace(/\n {4}saas:\n(?: {6}.*\n)+/, '\n') });
    // Most agents removed at once: far more than maxRemovalPercent (20) of the grants.
    for (const agent of [
      'insights-analyst',
      'kb-curator',
      'marketing-ops-agent',
      'refund-agent',
      'reply-drafter',
    ])
      unlinkSync(join(c.policy, `agents/${agent}.yaml`));
    c.git.commit('remove most agents');
    c.push();
    await startApi(c);
    const r = await run(c, 'sync');
    expect(r.code).toBe(1);
    expect(r.outputs['sync-status']).toBe('held');
    expect(r.stdout).toMatch(/^::error::local \(local\): blocked by a guardrail: .*maxRemovalPercent/m);
    expect(r.summary).toContain('**BLOCKED** by a guardrail');
  });

  it('bad input for kill fails the step with a clear message, before anything is touched', async () => {
    const server = await startApi(c);
    const ledger = readFileSync(c.state('kills.json'), 'utf8');
    const noReason = await run(c, 'kill', { inputs: { agent: AGENT, reason: ' ' } });
    expect(noReason.code).toBe(1);
    expect(noReason.stdout).toContain('::error::input reason is required for command kill');
    const badName = await run(c, 'kill', { inputs: { agent: '../etc', reason: 'x' } });
    expect(badName.code).toBe(1);
    expect(badName.stdout).toMatch(/::error::input agent: "\.\.\/etc" is not an agent name/);
    expect(readFileSync(c.state('kills.json'), 'utf8')).toBe(ledger);
    expect(server.requests).toEqual([]);
  });
});
