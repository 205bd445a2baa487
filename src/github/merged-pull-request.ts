import type { GitHubClient } from './client.js';

/** The pull request whose merge produced a commit, and who approved it (for the audit log). */
export interface MergedPullRequest {
  number: number;
  /** Its page on GitHub. */
  url: string;
  /** Logins whose latest decisive review is APPROVED, sorted. */
  approvers: string[];
}

/** Reviews that decide a reviewer's standing; COMMENTED and PENDING ones replace nothing. */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * Finds the merged pull request whose merge commit is `sha` (a merge, squash or rebase merge on
 * the base branch), and its approvers. Undefined for a commit pushed straight to the branch:
 * pull requests that merely contain the commit, or are still open, are not the one that
 * produced it.
 */
export async function findMergedPullRequest(
  client: GitHubClient,
  ref: { owner: string; repo: string; sha: string },
): Promise<MergedPullRequest | undefined> {
  const pulls = await client.paginate(client.rest.repos.listPullRequestsAssociatedWithCommit, {
    owner: ref.owner,
    repo: ref.repo,
    commit_sha: ref.sha,
    per_page: 100,
  });
  const sha = ref.sha.toLowerCase();
  const merged = pulls.find((p) => p.merged_at && (p.merge_commit_sha ?? '').toLowerCase() === sha);
  if (!merged) return undefined;
  const reviews = await client.paginate(client.rest.pulls.listReviews, {
    owner: ref.owner,
    repo: ref.repo,
    pull_number: merged.number,
    per_page: 100,
  });
  return { number: merged.number, url: merged.html_url, approvers: approversOf(reviews) };
}

/**
 * Each reviewer's latest decisive review, in submission order (then review id), as GitHub judges
 * "latest review": a later APPROVED, CHANGES_REQUESTED or DISMISSED review replaces an earlier
 * one. Reviewers are told apart by account id, so a renamed login is one reviewer.
 */
export function approversOf(
  reviews: readonly {
    id: number;
    state: string;
    submitted_at?: string | null;
    user: { id: number; login: string } | null;
  }[],
): string[] {
  const ordered = reviews
    .filter((r) => r.user && r.submitted_at && DECISIVE.has(r.state))
    .map((r, index) => ({ r, index, time: Date.parse(r.submitted_at!) || 0 }))
    .sort((a, b) => a.time - b.time || a.r.id - b.r.id || a.index - b.index);
  const latest = new Map<number, { state: string; login: string }>();
  for (const { r } of ordered) latest.set(r.user!.id, { state: r.state, login: r.user!.login });
  return [...latest.values()]
    .filter((l) => l.state === 'APPROVED')
    .map((l) => l.login)
    .sort();
}
