import type { GitHubClient } from './client.js';

/**
 * Sets a commit status that branch protection can require (context e.g. "leash/sign-off").
 * GitHub keeps descriptions to 140 characters.
 */
export async function setCommitStatus(
  client: GitHubClient,
  target: { owner: string; repo: string; sha: string },
  status: {
    state: 'success' | 'failure' | 'pending' | 'error';
    context: string;
    description: string;
    targetUrl?: string;
  },
): Promise<void> {
  const description =
    status.description.length > 140 ? status.description.slice(0, 139) + '…' : status.description;
  await client.rest.repos.createCommitStatus({
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    state: status.state,
    context: status.context,
    description,
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
  });
}
