import { afterEach, describe, expect, it } from 'vitest';
import { evaluateSignoff } from '../../src/approvals/evaluate-signoff.js';
import type { SignoffRequirement } from '../../src/approvals/types.js';
import { createGitHubClient } from '../../src/github/client.js';
import { upsertComment } from '../../src/github/comment.js';
import { resolveMembership } from '../../src/github/membership.js';
import { readPullRequestFacts } from '../../src/github/pull-request.js';
import { setCommitStatus } from '../../src/github/status.js';
import type { GitHubApi } from '../helpers/github-api-server.js';
import { faults, repo, startGitHubApi } from '../helpers/github-api-server.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const BASE = 'c'.repeat(40);
const dev = { login: 'dev-dan', id: 500, type: 'User' as const };
const amara = { login: 'amara', id: 101, type: 'User' as const };
const kim = { login: 'kim', id: 201, type: 'User' as const };
const bot = { login: 'renovate[bot]', id: 29139614, type: 'Bot' as const };
const PR = { owner: 'acme', repo: 'policy', number: 7 };

let api: GitHubApi | undefined;
afterEach(async () => {
  if (api) {
    // Every request leash made, and every answer, matched GitHub's published description.
    expect(api.violations).toEqual([]);
    await api.close();
    api = undefined;
  }
});

async function start() {
  api = await startGitHubApi({
    repos: repo('acme/policy', [
      {
        number: 7,
        user: dev,
        head: { sha: HEAD, ref: 'grant-refunds' },
        base: { sha: BASE, ref: 'main' },
        reviews: [
          { id: 1, user: amara, state: 'APPROVED', commit_id: HEAD, submitted_at: '2026-11-21T10:00:00Z' },
          { id: 2, user: kim, state: 'APPROVED', commit_id: OLD, submitted_at: '2026-11-21T09:00:00Z' },
          { id: 3, user: bot, state: 'APPROVED', commit_id: HEAD, submitted_at: '2026-11-21T11:00:00Z' },
          { id: 4, user: null, state: 'COMMENTED', commit_id: HEAD, submitted_at: '2026-11-21T12:00:00Z' },
        ],
        commits: [
          { sha: OLD, author: dev, committer: dev },
          { sha: HEAD, author: dev, committer: { login: 'web-flow', id: 19864447, type: 'User' } },
        ],
      },
    ]),
    orgs: {
      acme: { teams: { security: { members: { amara: { state: 'active' }, kim: { state: 'pending' } } } } },
    },
    users: { amara, kim, 'dev-dan': dev },
  });
  const log: string[] = [];
  const client = createGitHubClient({
    token: 'test-token',
    baseUrl: api.url,
    secondMs: 1,
    log: (m) => log.push(m),
  });
  return { api, client, log };
}

describe('the GitHub client against a local GitHub API', () => {
  it('reads a pull request, its reviews and everyone who committed to it', async () => {
    const { client } = await start();
    const facts = await readPullRequestFacts(client, PR);
    expect(facts).toMatchObject({
      headSha: HEAD,
      baseSha: BASE,
      baseRef: 'main',
      author: { id: 500, login: 'dev-dan' },
    });
    expect(facts.pushers.map((p) => p.id)).toEqual([500, 19864447]);
    expect(facts.reviews.map((r) => [r.id, r.user?.id ?? null, r.state, r.commit_id])).toEqual([
      [1, 101, 'APPROVED', HEAD],
      [2, 201, 'APPROVED', OLD],
      [3, 29139614, 'APPROVED', HEAD],
      [4, null, 'COMMENTED', HEAD],
    ]);
  });

  it('resolves group logins to ids and team membership of approvers at evaluation time', async () => {
    const { client } = await start();
    const requirement: SignoffRequirement = {
      formatVersion: 1,
      base: { revision: 'main' },
      path: 'rules',
      notes: [],
      requirements: [
        {
          key: 'team:acme/security',
          owners: [],
          users: ['amara', 'ghost-user'],
          teams: ['acme/security'],
          count: 1,
          reasons: [],
        },
      ],
    };
    const facts = await readPullRequestFacts(client, PR);
    const { membership, problems } = await resolveMembership(client, requirement, facts.reviews);
    expect(membership.users).toEqual({ amara: 101 });
    // kim's membership is pending and kim approved an old commit; the bot never counts.
    expect(membership.teams).toEqual({ 'acme/security': [101] });
    expect(problems).toEqual(["the approver-group login 'ghost-user' is not a GitHub account"]);
    const result = evaluateSignoff(requirement, facts.reviews, { ...facts, membership });
    expect(result.met).toBe(true);
    // The team was asked about approvers only, never listed whole.
    expect(
      api!.requests.filter((r) => r.path.includes('/memberships/')).map((r) => r.path.split('/').pop()),
    ).toEqual(expect.arrayContaining(['amara', 'kim']));
  });

  it('posts the sticky comment once, then updates it in place, leaving quotes of the marker alone', async () => {
    const { client, api: server } = await start();
    const marker = '<!-- leash:blast-radius -->';
    server.state.repos['acme/policy']!.comments.push({
      id: 900,
      issue_number: 7,
      body: `${marker}\nquoted by a human`,
      user: amara,
    });
    const first = await upsertComment(client, PR, {
      marker,
      body: `${marker}\nfirst`,
      author: 'github-actions[bot]',
    });
    const second = await upsertComment(client, PR, {
      marker,
      body: `${marker}\nsecond`,
      author: 'github-actions[bot]',
    });
    expect(first.action).toBe('created');
    expect(second).toEqual({ id: first.id, action: 'updated' });
    const comments = server.state.repos['acme/policy']!.comments;
    expect(comments.map((c) => c.body)).toEqual([`${marker}\nquoted by a human`, `${marker}\nsecond`]);
    await expect(
      upsertComment(client, PR, {
        marker,
        body: `${marker}\n${'x'.repeat(70_000)}`,
        author: 'github-actions[bot]',
      }),
    ).rejects.toThrow(/65536/);
  });

  it('sets a commit status branch protection can require, with a description GitHub accepts', async () => {
    const { client, api: server } = await start();
    await setCommitStatus(
      client,
      { owner: 'acme', repo: 'policy', sha: HEAD },
      { state: 'failure', context: 'leash/sign-off', description: 'x'.repeat(300) },
    );
    const [status] = server.state.repos['acme/policy']!.statuses;
    expect(status).toMatchObject({ state: 'failure', context: 'leash/sign-off' });
    expect(status!.description!.length).toBe(140);
  });
});

describe('when GitHub answers with an error', () => {
  it('retries server errors with backoff, then succeeds', async () => {
    const { client, api: server } = await start();
    server.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { status: 502, times: 2 });
    const facts = await readPullRequestFacts(client, PR);
    expect(facts.headSha).toBe(HEAD);
    expect(server.requests.filter((r) => r.path === '/repos/acme/policy/pulls/7').length).toBe(3);
  });

  it('fails clearly when server errors persist', async () => {
    const { client, api: server } = await start();
    server.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { status: 500, times: 10 });
    await expect(readPullRequestFacts(client, PR)).rejects.toMatchObject({ status: 500 });
    expect(server.requests.filter((r) => r.path === '/repos/acme/policy/pulls/7').length).toBe(4);
  });

  it('waits out a secondary rate limit for as long as Retry-After says', async () => {
    const { client, api: server, log } = await start();
    server.failNext(
      'POST',
      '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      faults.secondaryRateLimited(7, 429),
    );
    const marker = '<!-- m -->';
    await upsertComment(client, PR, { marker, body: `${marker} hi`, author: 'github-actions[bot]' });
    expect(log, log.join('\n')).toContainEqual(
      expect.stringMatching(/secondary rate limit .* retrying in 7 s/),
    );
    expect(server.state.repos['acme/policy']!.comments).toHaveLength(1);
  });

  it('waits for the primary rate limit to reset, and gives up when the wait is too long', async () => {
    const { client, api: server, log } = await start();
    server.failNext(
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}',
      faults.rateLimited(Math.floor(Date.now() / 1000) + 2),
    );
    await readPullRequestFacts(client, PR);
    expect(log.some((l) => /rate limit on GET .*: retrying in \d s/.test(l))).toBe(true);
    server.failNext(
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}',
      faults.rateLimited(Math.floor(Date.now() / 1000) + 3600),
    );
    await expect(readPullRequestFacts(client, PR)).rejects.toMatchObject({ status: 403 });
    expect(log.some((l) => /giving up/.test(l))).toBe(true);
  });

  it('does not retry 403, 404 or 422: they are answers, not outages', async () => {
    const { client, api: server } = await start();
    server.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { status: 404 });
    await expect(readPullRequestFacts(client, PR)).rejects.toMatchObject({ status: 404 });
    server.failNext(
      'POST',
      '/repos/{owner}/{repo}/statuses/{sha}',
      faults.validationFailed([{ resource: 'Status', field: 'state', code: 'invalid' }]),
    );
    await expect(
      setCommitStatus(
        client,
        { owner: 'acme', repo: 'policy', sha: HEAD },
        { state: 'success', context: 'c', description: 'd' },
      ),
    ).rejects.toMatchObject({ status: 422 });
    server.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com',
      },
    });
    await expect(
      upsertComment(client, PR, {
        marker: '<!-- m -->',
        body: '<!-- m --> x',
        author: 'github-actions[bot]',
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(server.requests.filter((r) => r.method === 'POST').length).toBe(2);
  });
});
