import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  faults,
  loadExtract,
  repo,
  startGitHubApi,
  type GitHubApi,
  type GitHubState,
  type GitHubUser,
  type PullRequest,
  type Review,
} from '../helpers/github-api-server.js';

const alice: GitHubUser = { login: 'alice', id: 101, type: 'User' };
const bob: GitHubUser = { login: 'bob', id: 102, type: 'User' };
const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);

function review(id: number, user: GitHubUser, state: Review['state'] = 'APPROVED'): Review {
  return { id, user, state, commit_id: HEAD, submitted_at: '2026-02-01T10:00:00Z' };
}

function pull(extra: Partial<PullRequest> = {}): PullRequest {
  return {
    number: 7,
    title: 'Grant billing-bot read-only on CRM',
    user: alice,
    head: { sha: HEAD, ref: 'feature' },
    base: { sha: BASE, ref: 'main' },
    reviews: [review(1, bob)],
    commits: [
      { sha: HEAD, message: 'change access', author: alice, committer: alice, parents: [BASE] },
      { sha: 'c'.repeat(40), author: null, committer: null },
    ],
    ...extra,
  };
}

function baseState(extra: Partial<GitHubState> = {}): Partial<GitHubState> {
  return {
    repos: repo('acme/policies', [pull()]),
    orgs: {
      acme: {
        teams: {
          'security-reviewers': { members: { bob: { state: 'active' }, carol: { state: 'pending' } } },
        },
      },
    },
    users: { alice, bob },
    ...extra,
  };
}

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(state: Partial<GitHubState> = baseState()): Promise<GitHubApi> {
  api = await startGitHubApi(state);
  return api;
}

const json = { 'content-type': 'application/json', authorization: 'token t0k3n' };

async function get(a: GitHubApi, path: string, headers: Record<string, string> = json) {
  const res = await fetch(`${a.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

async function send(a: GitHubApi, method: string, path: string, body: unknown) {
  const res = await fetch(`${a.url}${path}`, { method, headers: json, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('the extract', () => {
  it('holds the twelve operations leash uses and names its source version', () => {
    const extract = loadExtract();
    expect(extract.source.package).toBe('@octokit/openapi');
    expect(extract.source.version).toMatch(/^23\./);
    expect(Object.keys(extract.operations)).toHaveLength(12);
  });
});

describe('local GitHub API: happy paths', () => {
  it('GET a pull request', async () => {
    const a = await start();
    const { status, body } = await get(a, '/repos/acme/policies/pulls/7');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      number: 7,
      state: 'open',
      user: { login: 'alice', id: 101, type: 'User' },
      head: { sha: HEAD, ref: 'feature' },
      base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/policies' } },
    });
    expect(a.violations).toEqual([]);
  });

  it('matches owner and repository names case-insensitively', async () => {
    const a = await start();
    expect((await get(a, '/repos/ACME/Policies/pulls/7')).status).toBe(200);
    expect(a.violations).toEqual([]);
  });

  it('GET reviews', async () => {
    const a = await start();
    const { status, body } = await get(a, '/repos/acme/policies/pulls/7/reviews');
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({
        id: 1,
        state: 'APPROVED',
        commit_id: HEAD,
        submitted_at: '2026-02-01T10:00:00Z',
        user: expect.objectContaining({ login: 'bob', id: 102 }),
      }),
    ]);
    expect(a.violations).toEqual([]);
  });

  it('GET commits, with unlinked authors as null', async () => {
    const a = await start();
    const { body } = await get(a, '/repos/acme/policies/pulls/7/commits');
    const commits = body as { sha: string; author: unknown; commit: { message: string } }[];
    expect(commits.map((c) => c.sha)).toEqual([HEAD, 'c'.repeat(40)]);
    expect(commits[0]).toMatchObject({
      author: { login: 'alice', id: 101 },
      commit: { message: 'change access' },
    });
    expect(commits[1]!.author).toBeNull();
    expect(a.violations).toEqual([]);
  });

  it('POST, GET and PATCH issue comments as the token identity', async () => {
    const a = await start();
    const created = await send(a, 'POST', '/repos/acme/policies/issues/7/comments', {
      body: 'leash: 2 changes',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      body: 'leash: 2 changes',
      user: { login: 'github-actions[bot]', type: 'Bot', id: 41898282 },
    });
    expect(created.headers.get('location')).toBe(created.body.url);
    const id = created.body.id as number;

    const edited = await send(a, 'PATCH', `/repos/acme/policies/issues/comments/${id}`, {
      body: 'leash: 3 changes',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, body: 'leash: 3 changes' });

    const list = await get(a, '/repos/acme/policies/issues/7/comments');
    expect(list.body).toEqual([expect.objectContaining({ id, body: 'leash: 3 changes' })]);
    expect(a.state.repos['acme/policies']!.comments).toHaveLength(1);
    expect(a.violations).toEqual([]);
  });

  it('uses the identity of a configured token', async () => {
    const app: GitHubUser = { login: 'leash-app[bot]', id: 9000, type: 'Bot' };
    const a = await start(baseState({ tokens: { 'ghs-123': app } }));
    const res = await fetch(`${a.url}/repos/acme/policies/issues/7/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ghs-123' },
      body: JSON.stringify({ body: 'hi' }),
    });
    expect(((await res.json()) as { user: GitHubUser }).user.login).toBe('leash-app[bot]');
    const bad = await get(a, '/users/alice', { authorization: 'token wrong' });
    expect(bad).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(a.violations).toEqual([]);
  });

  it('GET team memberships: active, pending, and 404 for non-members', async () => {
    const a = await start();
    const path = '/orgs/acme/teams/security-reviewers/memberships';
    expect(await get(a, `${path}/bob`)).toMatchObject({
      status: 200,
      body: { state: 'active', role: 'member' },
    });
    expect(await get(a, `${path}/carol`)).toMatchObject({ status: 200, body: { state: 'pending' } });
    expect((await get(a, `${path}/alice`)).status).toBe(404);
    expect((await get(a, '/orgs/acme/teams/nobody/memberships/bob')).status).toBe(404);
    expect(a.violations).toEqual([]);
  });

  it('POST a commit status', async () => {
    const a = await start();
    const created = await send(a, 'POST', `/repos/acme/policies/statuses/${HEAD}`, {
      state: 'pending',
      context: 'leash/sign-off',
      description: 'Waiting for security-reviewers',
      target_url: 'https://example.com/run/1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'pending',
      context: 'leash/sign-off',
      creator: { login: 'github-actions[bot]' },
    });
    expect(a.state.repos['acme/policies']!.statuses).toEqual([
      expect.objectContaining({ sha: HEAD, state: 'pending', context: 'leash/sign-off' }),
    ]);
    const unknown = await send(a, 'POST', `/repos/acme/policies/statuses/${'f'.repeat(40)}`, {
      state: 'success',
    });
    expect(unknown.status).toBe(422);
    expect(a.violations).toEqual([]);
  });

  it('GET a user', async () => {
    const a = await start();
    const { status, body } = await get(a, '/users/bob');
    expect(status).toBe(200);
    expect(body).toMatchObject({ login: 'bob', id: 102, type: 'User' });
    expect(a.violations).toEqual([]);
  });
});

describe('local GitHub API: merged pull requests, opening one, labels', () => {
  const MERGE = 'd'.repeat(40);

  it('lists the pull requests of a commit: the merged one by its merge commit, others by their head', async () => {
    const merged = pull({
      number: 8,
      state: 'closed',
      merged: true,
      merge_commit_sha: MERGE,
      merged_at: '2026-02-02T10:00:00Z',
    });
    const a = await start(baseState({ repos: repo('acme/policies', [pull(), merged]) }));
    const byMerge = await get(a, `/repos/acme/policies/commits/${MERGE}/pulls`);
    expect(byMerge.status).toBe(200);
    expect(byMerge.body).toMatchObject([
      { number: 8, merge_commit_sha: MERGE, merged_at: '2026-02-02T10:00:00Z' },
    ]);
    const byHead = await get(a, `/repos/acme/policies/commits/${HEAD}/pulls`);
    expect((byHead.body as { number: number }[]).map((p) => p.number)).toEqual([8, 7]);
    expect((await get(a, `/repos/acme/policies/commits/${'e'.repeat(40)}/pulls`)).body).toEqual([]);
    expect(a.violations).toEqual([]);
  });

  it('opens a pull request from a known branch, as the token identity, and labels it', async () => {
    const a = await start(
      baseState({
        repos: repo('acme/policies', [
          pull(),
          pull({ number: 9, head: { sha: 'f'.repeat(40), ref: 'revoke' } }),
        ]),
      }),
    );
    a.state.repos['acme/policies']!.pulls[9]!.state = 'closed';
    const created = await send(a, 'POST', '/repos/acme/policies/pulls', {
      title: 'Revoke x',
      head: 'revoke',
      base: 'main',
      body: 'only removes access',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${a.url}/repos/acme/policies/pulls/10`);
    expect(created.body).toMatchObject({
      number: 10,
      title: 'Revoke x',
      state: 'open',
      user: { login: 'github-actions[bot]' },
      head: { ref: 'revoke', sha: 'f'.repeat(40) },
      base: { ref: 'main', sha: BASE },
    });
    const labelled = await send(a, 'POST', '/repos/acme/policies/issues/10/labels', {
      labels: ['leash-kill'],
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body).toMatchObject([{ name: 'leash-kill' }]);
    expect(a.state.repos['acme/policies']!.pulls[10]!.labels).toEqual(['leash-kill']);
    expect((await get(a, '/repos/acme/policies/pulls/10')).body).toMatchObject({
      labels: [{ name: 'leash-kill' }],
    });
    expect(a.violations).toEqual([]);
  });

  it('refuses a pull request from an unknown branch, or a second one from the same branch, with 422', async () => {
    const a = await start();
    const unknown = await send(a, 'POST', '/repos/acme/policies/pulls', {
      title: 't',
      head: 'nope',
      base: 'main',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'head' }] });
    const again = await send(a, 'POST', '/repos/acme/policies/pulls', {
      title: 't',
      head: 'feature',
      base: 'main',
    });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({
      errors: [{ message: 'A pull request already exists for acme:feature.' }],
    });
    expect(a.violations).toEqual([]);
  });

  it('flags a create-pull-request body that breaks the schema', async () => {
    const a = await start();
    const r = await send(a, 'POST', '/repos/acme/policies/pulls', {
      title: 't',
      head: 'feature',
      base: 'main',
      labels: ['x'],
    });
    expect(r.status).toBe(422);
    expect(a.violations.map((v) => v.message)).toEqual(['request body does not match the schema']);
  });
});

describe('local GitHub API: pagination', () => {
  it('pages reviews with per_page/page and GitHub Link headers', async () => {
    const reviews = Array.from({ length: 5 }, (_, i) => review(i + 1, i % 2 ? alice : bob, 'COMMENTED'));
    const a = await start(baseState({ repos: repo('acme/policies', [pull({ reviews })]) }));
    const first = await get(a, '/repos/acme/policies/pulls/7/reviews?per_page=2');
    expect((first.body as Review[]).map((r) => r.id)).toEqual([1, 2]);
    const link = first.headers.get('link')!;
    expect(link).toContain(`<${a.url}/repos/acme/policies/pulls/7/reviews?per_page=2&page=2>; rel="next"`);
    expect(link).toContain('page=3>; rel="last"');

    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    const second = await get(a, next.slice(a.url.length));
    expect((second.body as Review[]).map((r) => r.id)).toEqual([3, 4]);
    expect(second.headers.get('link')).toMatch(/rel="prev".*rel="next".*rel="last".*rel="first"/);

    const last = await get(a, '/repos/acme/policies/pulls/7/reviews?per_page=2&page=3');
    expect((last.body as Review[]).map((r) => r.id)).toEqual([5]);
    expect(last.headers.get('link')).not.toContain('rel="next"');

    const single = await get(a, '/repos/acme/policies/pulls/7/reviews');
    expect(single.body).toHaveLength(5);
    expect(single.headers.get('link')).toBeNull();
    expect(a.violations).toEqual([]);
  });

  it('pages comments and caps per_page at 100', async () => {
    const a = await start();
    const comments = a.state.repos['acme/policies']!.comments;
    for (let i = 0; i < 150; i++) comments.push({ id: i + 1, issue_number: 7, body: `c${i}`, user: bob });
    const page1 = await get(a, '/repos/acme/policies/issues/7/comments?per_page=500');
    expect(page1.body).toHaveLength(100);
    const page2 = await get(a, '/repos/acme/policies/issues/7/comments?per_page=100&page=2');
    expect(page2.body).toHaveLength(50);
    expect(a.violations).toEqual([]);
  });
});

describe('local GitHub API: not found and auth', () => {
  it('answers 404 with GitHub error body for unknown resources', async () => {
    const a = await start();
    for (const path of [
      '/repos/acme/nope/pulls/7',
      '/repos/acme/policies/pulls/8',
      '/repos/acme/policies/pulls/8/reviews',
      '/repos/acme/policies/pulls/8/commits',
      '/repos/acme/policies/issues/8/comments',
      '/users/nobody',
    ]) {
      const res = await get(a, path);
      expect(res, path).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    }
    const patch = await send(a, 'PATCH', '/repos/acme/policies/issues/comments/99999', { body: 'x' });
    expect(patch.status).toBe(404);
    expect(a.violations).toEqual([]);
  });

  it('answers 401 without an authorization header when auth is required', async () => {
    const a = await start(baseState({ requireAuth: true }));
    const res = await get(a, '/users/bob', {});
    expect(res).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    expect((await get(a, '/users/bob')).status).toBe(200);
  });

  it('records a request to an operation leash does not use', async () => {
    const a = await start();
    expect((await get(a, '/repos/acme/policies/pulls')).status).toBe(404);
    expect(a.violations).toEqual([
      expect.objectContaining({ kind: 'request', message: expect.stringMatching(/not an operation/) }),
    ]);
  });
});

describe('local GitHub API: validation against the published description', () => {
  it('catches a request body of the wrong type, and answers 422 like GitHub', async () => {
    const a = await start();
    const res = await send(a, 'POST', '/repos/acme/policies/issues/7/comments', { body: 123 });
    expect(res.status).toBe(422);
    expect(a.violations).toEqual([
      expect.objectContaining({
        kind: 'request',
        operation: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        message: 'request body does not match the schema',
        errors: [expect.objectContaining({ instancePath: '/body', keyword: 'type' })],
      }),
    ]);
    expect(a.state.repos['acme/policies']!.comments).toEqual([]);
  });

  it('catches an unknown request field (GitHub would ignore it)', async () => {
    const a = await start();
    const res = await send(a, 'POST', `/repos/acme/policies/statuses/${HEAD}`, {
      state: 'success',
      colour: 'green',
    });
    expect(res.status).toBe(201);
    expect(a.violations).toEqual([
      expect.objectContaining({
        kind: 'request',
        errors: [
          expect.objectContaining({
            keyword: 'additionalProperties',
            params: { additionalProperty: 'colour' },
          }),
        ],
      }),
    ]);
  });

  it('catches an enum violation, a bad path parameter and an unknown query parameter', async () => {
    const a = await start();
    await send(a, 'POST', `/repos/acme/policies/statuses/${HEAD}`, { state: 'green' });
    await get(a, '/repos/acme/policies/pulls/seven');
    await get(a, '/repos/acme/policies/pulls/7/reviews?perPage=50');
    expect(a.violations.map((v) => v.message)).toEqual([
      'request body does not match the schema',
      'path parameter pull_number=seven is invalid',
      'unknown query parameter perPage',
    ]);
  });

  it('catches a missing User-Agent and a non-JSON body', async () => {
    const a = await start();
    const res = await fetch(`${a.url}/repos/acme/policies/issues/7/comments`, {
      method: 'POST',
      headers: { 'user-agent': '', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(400);
    expect(a.violations.map((v) => v.message)).toEqual([
      'GitHub rejects requests without a User-Agent header',
      'request body sent as text/plain, not application/json',
      'request body is not JSON',
    ]);
  });

  it('catches a response that breaks the schema (a review missing a required field)', async () => {
    const broken = { id: 9, user: bob, state: 'APPROVED' } as unknown as Review;
    const a = await start(baseState({ repos: repo('acme/policies', [pull({ reviews: [broken] })]) }));
    expect((await get(a, '/repos/acme/policies/pulls/7/reviews')).status).toBe(200);
    expect(a.violations).toEqual([
      expect.objectContaining({
        kind: 'response',
        status: 200,
        errors: [expect.objectContaining({ keyword: 'required', params: { missingProperty: 'commit_id' } })],
      }),
    ]);
  });

  it('catches a response field of the wrong type set through `extra`', async () => {
    const a = await start(
      baseState({ repos: repo('acme/policies', [pull({ extra: { number: 'seven' } })]) }),
    );
    await get(a, '/repos/acme/policies/pulls/7');
    expect(a.violations).toEqual([
      expect.objectContaining({
        kind: 'response',
        errors: [expect.objectContaining({ instancePath: '/number' })],
      }),
    ]);
  });

  it('logs every request', async () => {
    const a = await start();
    await send(a, 'POST', '/repos/acme/policies/issues/7/comments', { body: 'x' });
    await get(a, '/users/bob?');
    expect(a.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/repos/acme/policies/issues/7/comments',
        body: { body: 'x' },
        status: 201,
        operation: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        headers: expect.objectContaining({ authorization: 'token t0k3n' }),
      }),
      expect.objectContaining({ method: 'GET', path: '/users/bob', query: {}, status: 200 }),
    ]);
  });
});

describe('local GitHub API: fault injection', () => {
  it('answers a rate-limited 403 once, then serves normally', async () => {
    const a = await start();
    const reset = Math.floor(Date.now() / 1000) + 30;
    a.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', faults.rateLimited(reset));
    const limited = await get(a, '/repos/acme/policies/pulls/7');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(reset));
    expect(limited.body).toMatchObject({ message: expect.stringMatching(/rate limit/) });
    expect((await get(a, '/repos/acme/policies/pulls/7')).status).toBe(200);
    expect(a.pendingFaults()).toBe(0);
    expect(a.violations).toEqual([]);
  });

  it('answers 429 with retry-after a given number of times', async () => {
    const a = await start();
    a.failNext('POST', '/repos/acme/policies/issues/7/comments', faults.secondaryRateLimited(2, 429, 2));
    for (let i = 0; i < 2; i++) {
      const res = await send(a, 'POST', '/repos/acme/policies/issues/7/comments', { body: 'x' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
    }
    expect((await send(a, 'POST', '/repos/acme/policies/issues/7/comments', { body: 'x' })).status).toBe(201);
    expect(a.state.repos['acme/policies']!.comments).toHaveLength(1);
    expect(a.violations).toEqual([]);
  });

  it('answers 500, 502, 404 and 422 with GitHub error bodies, matching globs and RegExps', async () => {
    const a = await start();
    a.failNext('*', '/repos/*/*/pulls/7/reviews', { status: 500 });
    a.failNext('GET', /\/commits$/, { status: 502 });
    a.failNext('GET', '/users/{username}', { status: 404 });
    a.failNext(
      'PATCH',
      '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      faults.validationFailed([{ resource: 'IssueComment', field: 'body', code: 'too_long' }]),
    );
    expect(await get(a, '/repos/acme/policies/pulls/7/reviews')).toMatchObject({
      status: 500,
      body: { message: 'Server Error', documentation_url: expect.any(String) },
    });
    expect((await get(a, '/repos/acme/policies/pulls/7/commits')).status).toBe(502);
    expect((await get(a, '/users/bob')).status).toBe(404);
    const patch = await send(a, 'PATCH', '/repos/acme/policies/issues/comments/1', { body: 'x' });
    expect(patch).toMatchObject({
      status: 422,
      body: { message: 'Validation Failed', errors: [{ code: 'too_long' }] },
    });
    expect(a.violations).toEqual([]);
  });

  it('can drop the connection', async () => {
    const a = await start();
    a.failNext('GET', '/users/bob', { status: 0, dropConnection: true });
    await expect(fetch(`${a.url}/users/bob`)).rejects.toThrow();
    expect((await get(a, '/users/bob')).status).toBe(200);
  });

  it('flags an injected error body that is not GitHub-shaped', async () => {
    const a = await start();
    a.failNext('GET', '/users/bob', { status: 503, body: { oops: true } });
    await get(a, '/users/bob');
    expect(a.violations).toEqual([expect.objectContaining({ kind: 'response', status: 503 })]);
  });
});

describe('local GitHub API: lifecycle', () => {
  it('listens on 127.0.0.1 with a random port and frees it on close()', async () => {
    const a = await startGitHubApi(baseState());
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
    // A keep-alive connection must not keep the server open.
    await get(a, '/users/bob');
    await a.close();
    await a.close();
    await expect(fetch(`${a.url}/users/bob`)).rejects.toThrow();
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(a.port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});
