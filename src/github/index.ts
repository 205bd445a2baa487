export { createGitHubClient } from './client.js';
export type { GitHubClient, GitHubClientOptions } from './client.js';
export { readPullRequestFacts } from './pull-request.js';
export type { PullRequestFacts, PullRequestRef } from './pull-request.js';
export { resolveMembership } from './membership.js';
export { upsertComment, COMMENT_LIMIT } from './comment.js';
export { setCommitStatus } from './status.js';
