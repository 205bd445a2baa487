import type { GitHubClient } from './client.js';
import type { PullRequestRef } from './pull-request.js';

/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * Posts the sticky comment, or updates it in place: the comment found is the first one whose
 * body starts with the marker and that was written by the same account as this token (a user
 * quoting the marker in their own comment is never edited). Never posts a second comment.
 */
export async function upsertComment(
  client: GitHubClient,
  pr: PullRequestRef,
  options: { marker: string; body: string; author: string },
): Promise<{ id: number; action: 'created' | 'updated' }> {
  if (!options.body.startsWith(options.marker))
    throw new Error('the comment body must start with its marker');
  if (options.body.length > COMMENT_LIMIT)
    throw new Error(`the comment is ${options.body.length} characters; GitHub allows ${COMMENT_LIMIT}`);
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100,
  });
  const ours = comments.find(
    (c) => c.user?.login === options.author && (c.body ?? '').startsWith(options.marker),
  );
  if (ours) {
    await client.rest.issues.updateComment({
      owner: pr.owner,
      repo: pr.repo,
      comment_id: ours.id,
      body: options.body,
    });
    return { id: ours.id, action: 'updated' };
  }
  const { data } = await client.rest.issues.createComment({
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    body: options.body,
  });
  return { id: data.id, action: 'created' };
}
