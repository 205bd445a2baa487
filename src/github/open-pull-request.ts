import type { GitHubClient } from './client.js';

/** GitHub refuses pull-request bodies over 65,536 characters. */
const BODY_LIMIT = 65_536;

/** A pull request opened, and whether its labels could be added. */
export interface OpenedPullRequest {
  number: number;
  url: string;
  /** Why the labels could not be added (the pull request itself was opened). */
  labelError?: string;
}

/**
 * Opens a pull request from `head` (a branch already pushed) into `base` and adds its labels
 * (GitHub creates a label that does not exist yet). A label that cannot be added is reported,
 * not thrown: the pull request is what matters.
 */
export async function openPullRequest(
  client: GitHubClient,
  ref: { owner: string; repo: string },
  pull: { head: string; base: string; title: string; body: string; labels?: readonly string[] },
): Promise<OpenedPullRequest> {
  const body = pull.body.length > BODY_LIMIT ? `${pull.body.slice(0, BODY_LIMIT - 2)}\n…` : pull.body;
  const { data } = await client.rest.pulls.create({
    owner: ref.owner,
    repo: ref.repo,
    head: pull.head,
    base: pull.base,
    title: pull.title,
    body,
  });
  const opened: OpenedPullRequest = { number: data.number, url: data.html_url };
  if (pull.labels && pull.labels.length > 0) {
    try {
      await client.rest.issues.addLabels({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: data.number,
        labels: [...pull.labels],
      });
    } catch (error) {
      opened.labelError = error instanceof Error ? error.message : String(error);
    }
  }
  return opened;
}
