import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { approversOf, findMergedPullRequest } from '../../src/github/merged-pull-request.js';
import { openPullRequest } from '../../src/github/open-pull-request.js';
import type { GitHubApi, GitHubUser, Review } from '../helpers/github-api-server.js';
import { repo, startGitHubApi } from '../helpers/github-api-server.js';

const MERGE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const BASE = 'c'.repeat(40);
const dev: GitHubUser = { login: 'dev', id: 1 };
const person = (id: number): GitHubUser => ({ login: `reviewer-${id}`, id });

let api: GitHubApi | undefined;
afterEach(async () => {
  if (api) {
    expect(api.violations).toEqual([]);
    await api.close();
    api = undefined;
  }
});

const client = () => createGitHubClient({ token: 't', baseUrl: api!.url, retries: 0 });
const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, '0')}:00Z`;

describe('findMergedPullRequest', () => {
  it('finds the merged pull request by its merge commit, and every approver over paged reviews', async () => {
    // 150 reviewers approve (two pages of reviews); one of them later requests changes.
    const reviews: Review[] = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      user: person(i + 1),
      state: 'APPROVED',
      commit_id: HEAD,
      submitted_at: at(i % 50),
    }));
    reviews.push({
      id: 151,
      user: person(7),
      state: 'CHANGES_REQUESTED',
      commit_id: HEAD,
      submitted_at: at(59),
    });
    api = await startGitHubApi({
      repos: repo('acme/policy', [
        { number: 3, user: dev, head: { sha: MERGE, ref: 'x' }, base: { sha: BASE, ref: 'main' } },
        {
          number: 4,
          user: dev,
          state: 'closed',
          merged: true,
          merged_at: at(0),
          merge_commit_sha: MERGE,
          head: { sha: HEAD, ref: 'y' },
          base: { sha: BASE, ref: 'main' },
          reviews,
        },
      ]),
    });
    const found = await findMergedPullRequest(client(), {
      owner: 'acme',
      repo: 'policy',
      sha: MERGE.toUpperCase(),
    });
    expect(found?.number).toBe(4);
    expect(found?.url).toBe('https://github.com/acme/policy/pull/4');
    expect(found?.approvers).toHaveLength(149);
    expect(found?.approvers).not.toContain('reviewer-7');
    expect(api.requests.filter((r) => r.path.endsWith('/reviews')).length).toBe(2);
  });

  it('is undefined for a commit no merged pull request produced', async () => {
    api = await startGitHubApi({
      repos: repo('acme/policy', [
        { number: 3, user: dev, head: { sha: MERGE, ref: 'x' }, base: { sha: BASE, ref: 'main' } },
      ]),
    });
    expect(
      await findMergedPullRequest(client(), { owner: 'acme', repo: 'policy', sha: MERGE }),
    ).toBeUndefined();
    expect(
      await findMergedPullRequest(client(), { owner: 'acme', repo: 'policy', sha: 'd'.repeat(40) }),
    ).toBeUndefined();
  });
});

describe('approversOf', () => {
  const r = (id: number, user: GitHubUser | null, state: string, minute: number | null) => ({
    id,
    user,
    state,
    submitted_at: minute === null ? null : at(minute),
  });

  it("takes each reviewer's latest decisive review, by account id", () => {
    const alice = { login: 'alice', id: 1 };
    const renamed = { login: 'alice-renamed', id: 1 };
    const bob = { login: 'bob', id: 2 };
    const carol = { login: 'carol', id: 3 };
    expect(
      approversOf([
        r(1, alice, 'APPROVED', 1),
        r(2, renamed, 'COMMENTED', 5), // a comment replaces nothing
        r(3, bob, 'CHANGES_REQUESTED', 9),
        r(4, bob, 'APPROVED', 2), // earlier than bob's request for changes
        r(5, carol, 'APPROVED', 3),
        r(6, carol, 'DISMISSED', 4),
        r(7, null, 'APPROVED', 1), // a deleted account
        r(8, { login: 'dave', id: 4 }, 'APPROVED', null), // pending, never submitted
      ]),
    ).toEqual(['alice']);
  });
});

describe('openPullRequest', () => {
  it('opens the pull request and labels it; a label refused is reported, not thrown', async () => {
    api = await startGitHubApi({
      repos: repo('acme/policy', [
        {
          number: 1,
          user: dev,
          state: 'closed',
          head: { sha: HEAD, ref: 'leash/kill/x' },
          base: { sha: BASE, ref: 'main' },
        },
      ]),
    });
    api.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', { status: 403 });
    const opened = await openPullRequest(
      client(),
      { owner: 'acme', repo: 'policy' },
      {
        head: 'leash/kill/x',
        base: 'main',
        title: 'Revoke x',
        body: 'y'.repeat(70_000),
        labels: ['leash-kill'],
      },
    );
    expect(opened).toMatchObject({ number: 2, url: 'https://github.com/acme/policy/pull/2' });
    expect(opened.labelError).toMatch(/Forbidden/);
    const pr = api.state.repos['acme/policy']!.pulls[2]!;
    expect(pr.body!.length).toBeLessThanOrEqual(65_536);
    expect(pr.labels).toEqual([]);
  });
});
