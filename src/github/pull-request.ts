import type { Review } from '../approvals/types.js';
import type { GitHubClient } from './client.js';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/** What sign-off evaluation needs to know of a pull request, read from GitHub at evaluation time. */
export interface PullRequestFacts {
  headSha: string;
  baseSha: string;
  baseRef: string;
  author: { id: number; login: string };
  /** Everyone who authored or committed a commit of the PR: their approvals never count. */
  pushers: { id: number; login?: string }[];
  reviews: Review[];
}

/**
 * Reads a pull request, all its reviews and all its commits (paginated). Commit authors and
 * committers without a GitHub account have no id and cannot approve anyway; they are skipped.
 */
export async function readPullRequestFacts(
  client: GitHubClient,
  pr: PullRequestRef,
): Promise<PullRequestFacts> {
  const params = { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 };
  const [{ data: pull }, reviews, commits] = await Promise.all([
    client.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number }),
    client.paginate(client.rest.pulls.listReviews, params),
    client.paginate(client.rest.pulls.listCommits, params),
  ]);
  const pushers = new Map<number, { id: number; login?: string }>();
  for (const c of commits) {
    for (const who of [c.author, c.committer]) {
      if (who && typeof who.id === 'number')
        pushers.set(who.id, { id: who.id, ...(who.login ? { login: who.login } : {}) });
    }
  }
  return {
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    baseRef: pull.base.ref,
    author: { id: pull.user.id, login: pull.user.login },
    pushers: [...pushers.values()].sort((a, b) => a.id - b.id),
    reviews: reviews.map((r): Review => ({
      id: r.id,
      user: r.user ? { id: r.user.id, login: r.user.login, type: r.user.type } : null,
      state: r.state as Review['state'],
      commit_id: r.commit_id,
      ...(r.submitted_at ? { submitted_at: r.submitted_at } : {}),
    })),
  };
}
