import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildActionBundle } from '../../scripts/build-action.mjs';
import type { GitHubApi } from '../helpers/github-api-server.js';
import { repo as apiRepo, startGitHubApi } from '../helpers/github-api-server.js';
import { GitRepo } from '../helpers/git-repo.js';
import type { ActionRun } from './run-action.js';
import { runActionProcess } from './run-action.js';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
// Installed by `npm run tools:node24` (.ci/run does it): outside node_modules, so npm scripts keep the machine's Node.
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

// A pull_request event as GitHub sends it (from @octokit/webhooks-examples), pointed at our repo.
function pullRequestEvent(number: number, base: string, head: string): object {
  type Event = {
    action: string;
    number: number;
    pull_request: { number: number; base: { sha: string }; head: { sha: string } };
    repository: { full_name: string; name: string; owner: { login: string } };
  };
  const examples = require('@octokit/webhooks-examples') as { name: string; examples: Event[] }[];
  const event = structuredClone(
    examples.find((e) => e.name === 'pull_request')!.examples.find((x) => x.action === 'opened')!,
  );
  event.number = number;
  event.pull_request.number = number;
  event.pull_request.base.sha = base;
  event.pull_request.head.sha = head;
  event.repository.full_name = 'northwind-retail/policy';
  event.repository.name = 'policy';
  event.repository.owner.login = 'northwind-retail';
  return event;
}

const dev = { login: 'dev-dan', id: 500, type: 'User' as const };
const amara = { login: 'amara-okafor-nw', id: 101, type: 'User' as const };
const kim = { login: 'kim-cx', id: 201, type: 'User' as const };
const sofia = { login: 'sofia-marquez-nw', id: 103, type: 'User' as const };

let git: GitRepo;
let base: string;
let head: string;
let api: GitHubApi | undefined;

beforeAll(() => {
  git = new GitRepo(exampleFiles(), { subdir: 'policies' });
  base = git.head();
  git.branch('pr');
  const agent = readFileSync(join(git.policyDir, 'agents/service-agent.yaml'), 'utf8');
  git.write({
    'agents/service-agent.yaml': agent.replace(
      /\n {2}grants:\n/,
      `\n  grants:\n    - system: payments\n      resource: refund\n      actions: [issue]\n      mode: execute-gated\n      fields: [orderNumber, amount, currency]\n      expires: 2027-01-15\n      reason: Small goodwill refunds after a human approves each one.\n`,
    ),
  });
  head = git.commit('service agent issues small refunds');
});
afterAll(() => git.remove());
afterEach(async () => {
  if (api) {
    expect(api.violations).toEqual([]);
    await api.close();
    api = undefined;
  }
});

async function startApi(reviews: object[] = [], headSha = head) {
  api = await startGitHubApi({
    repos: apiRepo('northwind-retail/policy', [
      {
        number: 7,
        user: dev,
        head: { sha: headSha, ref: 'pr' },
        base: { sha: base, ref: 'main' },
        reviews: reviews as never,
        commits: [{ sha: headSha, author: dev, committer: dev }],
      },
    ]),
    orgs: {
      'northwind-retail': {
        teams: {
          security: { members: { 'amara-okafor-nw': { state: 'active' } } },
          'cx-automation': { members: { 'kim-cx': { state: 'active' } } },
          'cx-leads': { members: { 'sofia-marquez-nw': { state: 'active' } } },
        },
      },
    },
    users: {
      'amara-okafor-nw': amara,
      'kim-cx': kim,
      'sofia-marquez-nw': sofia,
      'lukas-brandt-nw': { login: 'lukas-brandt-nw', id: 102, type: 'User' },
    },
  });
  return api;
}

function runAction(node: string, inputs: Record<string, string>, headSha = head): Promise<ActionRun> {
  return runActionProcess({
    node,
    cwd: git.dir,
    event: { name: 'pull_request', payload: pullRequestEvent(7, base, headSha) },
    env: {
      GITHUB_REPOSITORY: 'northwind-retail/policy',
      GITHUB_API_URL: api!.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '42',
      GITHUB_WORKSPACE: git.dir,
    },
    inputs: {
      command: 'check',
      path: 'policies',
      token: 'test-token',
      'fail-on': 'warning',
      sarif: 'leash.sarif',
      comment: 'true',
      'status-context': 'leash/sign-off',
      'state-branch': 'leash-state',
      ...inputs,
    },
  });
}

describe('the bundled Action', () => {
  it('dist/action/ is what the sources build (run `npm run build:action`)', async () => {
    const fresh = await buildActionBundle();
    const dir = join(root, 'dist/action');
    expect(readdirSync(dir).sort()).toEqual(Object.keys(fresh).sort());
    for (const [name, text] of Object.entries(fresh)) {
      expect(
        readFileSync(join(dir, name), 'utf8') === text,
        `dist/action/${name} is stale: run npm run build:action`,
      ).toBe(true);
    }
  });

  for (const [runtime, node] of [
    ['Node 20', process.execPath],
    ['Node 24', NODE24],
  ] as const) {
    it(`check on ${runtime}: posts the comment, then updates it; outputs, summary and SARIF`, async () => {
      expect(existsSync(node)).toBe(true);
      const server = await startApi();
      const first = await runAction(node, {});
      expect(first.stdout).toContain('leash 0.1.0 check');
      // The change breaks a rule of the head (the standard tier allows up to high risk): the
      // check annotates it at its file and line, fails, and still comments the blast radius.
      expect(first.code, first.stdout).toBe(1);
      expect(first.stdout).toMatch(
        /^::error file=policies\/agents\/service-agent\.yaml,line=31,col=17,.*title=leash risk-above-tier::/m,
      );
      expect(first.stdout).toContain('::error::1 policy problems at or above warning');
      expect(first.outputs.problems).toBe('1');
      expect(first.outputs['risk-level']).toMatch(/^(medium|high|critical)$/);
      expect(first.outputs['signoff-met']).toBe('false');
      expect(JSON.parse(first.outputs.signoff!).requirement.requirements.length).toBeGreaterThan(0);
      expect(first.summary).toContain('1 agent gains access');
      expect(JSON.parse(readFileSync(join(git.dir, 'leash.sarif'), 'utf8')).version).toBe('2.1.0');
      const comments = () => server.state.repos['northwind-retail/policy']!.comments;
      expect(comments()).toHaveLength(1);
      expect(comments()[0]!.body.startsWith('<!-- leash:blast-radius -->')).toBe(true);
      const second = await runAction(node, {});
      expect(second.code).toBe(1);
      expect(comments()).toHaveLength(1);
    });
  }

  it('approvals: unmet sets a failing status and fails; eligible approvals on the head make it pass', async () => {
    const reviews = (who: object[]) =>
      who.map((user, i) => ({
        id: i + 1,
        user,
        state: 'APPROVED',
        commit_id: head,
        submitted_at: `2026-11-21T1${i}:00:00Z`,
      }));
    let server = await startApi(reviews([dev]));
    const unmet = await runAction(process.execPath, { command: 'approvals' });
    expect(unmet.code).toBe(1);
    expect(unmet.stdout).toMatch(/sign-off this change requires is not met/);
    expect(server.state.repos['northwind-retail/policy']!.statuses.at(-1)).toMatchObject({
      state: 'failure',
      context: 'leash/sign-off',
    });
    await server.close();
    expect(server.violations).toEqual([]);
    api = undefined;
    server = await startApi(reviews([amara, kim, sofia]));
    const met = await runAction(process.execPath, { command: 'approvals' });
    expect(met.code, met.stdout).toBe(0);
    expect(met.outputs['signoff-met']).toBe('true');
    expect(server.state.repos['northwind-retail/policy']!.statuses.at(-1)).toMatchObject({
      state: 'success',
    });
  });

  it('a fork pull request with a read-only token: the check runs and says it could not comment', async () => {
    const server = await startApi();
    server.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const r = await runAction(process.execPath, {});
    expect(r.stdout).toMatch(/^::error file=policies\/agents\/service-agent\.yaml/m);
    expect(r.summary).toContain('1 agent gains access');
    expect(r.summary).toMatch(/could not post the pull-request comment: the token is read-only/);
    expect(server.state.repos['northwind-retail/policy']!.comments).toHaveLength(0);
  });

  it('bad input fails the step with a clear message', async () => {
    await startApi();
    const r = await runAction(process.execPath, { command: 'deploy' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error::input command: 'deploy' is not one of check, approvals, sync, kill");
    const outside = await runAction(process.execPath, { path: '../etc' });
    expect(outside.stdout).toContain('must be a path inside the workspace');
  });
});

describe('the sign-off gate, against the GitHub API', () => {
  const approved = (user: object | null, at: number, state = 'APPROVED', commit = head) => ({
    id: at,
    user,
    state,
    commit_id: commit,
    submitted_at: `2026-11-21T${String(10 + at).padStart(2, '0')}:00:00Z`,
  });
  // security (amara, by team), the agent's owner team cx-automation (kim), cx-leads (sofia).
  const everyone = () => [approved(amara, 1), approved(kim, 2), approved(sofia, 3)];

  async function gate(
    reviews: object[],
    change: (state: GitHubApi['state']) => void = () => undefined,
    headSha = head,
  ) {
    const server = await startApi(reviews, headSha);
    change(server.state);
    const r = await runAction(process.execPath, { command: 'approvals' }, headSha);
    return { ...r, status: server.state.repos['northwind-retail/policy']!.statuses.at(-1) };
  }

  it('is met by the three eligible approvals on the head commit', async () => {
    const r = await gate(everyone());
    expect(r.code, r.stdout).toBe(0);
    expect(r.status).toMatchObject({ state: 'success', context: 'leash/sign-off' });
  });

  it('an approval made before a new push does not count', async () => {
    const stale = 'f'.repeat(40);
    const r = await gate([approved(amara, 1, 'APPROVED', stale), approved(kim, 2), approved(sofia, 3)]);
    expect(r.code).toBe(1);
    expect(r.status).toMatchObject({ state: 'failure' });
  });

  it("a bot's approval does not count, even from a bot in the team", async () => {
    const bot = { login: 'security-bot[bot]', id: 777, type: 'Bot' as const };
    const r = await gate([approved(bot, 1), approved(kim, 2), approved(sofia, 3)], (state) => {
      state.orgs['northwind-retail']!.teams['security']!.members['security-bot[bot]'] = { state: 'active' };
    });
    expect(r.code).toBe(1);
  });

  it('an approver who has left the team no longer counts', async () => {
    const r = await gate(everyone(), (state) => {
      delete state.orgs['northwind-retail']!.teams['cx-automation']!.members['kim-cx'];
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.outputs.signoff!).result.met).toBe(false);
  });

  it('a renamed login still counts: people are their numeric ids', async () => {
    const renamed = { ...amara, login: 'amara-okafor' };
    const r = await gate([approved(renamed, 1), approved(kim, 2), approved(sofia, 3)], (state) => {
      const team = state.orgs['northwind-retail']!.teams['security']!.members;
      delete team['amara-okafor-nw'];
      team['amara-okafor'] = { state: 'active' };
      delete state.users['amara-okafor-nw'];
      state.users['amara-okafor'] = renamed;
    });
    expect(r.code, r.stdout).toBe(0);
  });

  it('CHANGES_REQUESTED after APPROVED by the same person cancels the approval', async () => {
    const r = await gate([...everyone(), approved(amara, 4, 'CHANGES_REQUESTED')]);
    expect(r.code).toBe(1);
  });

  it('a dismissed review does not count', async () => {
    const r = await gate([approved(amara, 1, 'DISMISSED'), approved(kim, 2), approved(sofia, 3)]);
    expect(r.code).toBe(1);
  });

  it('the author approving their own pull request does not count', async () => {
    const r = await gate([approved(dev, 1), approved(kim, 2), approved(sofia, 3)]);
    expect(r.code).toBe(1);
  });

  it('a pull request that lowers its own bar in leash.yaml is judged by the base rules', async () => {
    git.checkout('pr');
    git.branch('lower-the-bar');
    const config = readFileSync(join(git.policyDir, 'leash.yaml'), 'utf8');
    git.write({ 'leash.yaml': config.replace(/ {2}approvals:\n[\s\S]*?\n\n/, '') });
    const lowered = git.commit('approvals: none');
    git.checkout('main');
    // Only the owner team approves: under the head's (empty) rules that would be plenty.
    const r = await gate([approved(kim, 2, 'APPROVED', lowered)], () => undefined, lowered);
    expect(r.code).toBe(1);
    const signoff = JSON.parse(r.outputs.signoff!);
    expect(signoff.requirement.path).toBe('governance');
    expect(signoff.requirement.requirements.map((x: { key: string }) => x.key)).toEqual(
      expect.arrayContaining(['group:security', 'group:platform']),
    );
  });
});
