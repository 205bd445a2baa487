/**
 * `command: sync` (on push to the default branch): restore the kill ledger and audit log from
 * the state branch, sync the policy folder to its targets exactly as `leash sync` does, record
 * the pull request whose merge produced the commit and its approvers in the audit entry, write
 * the job summary, and save the state back. Fails like `leash sync` exits non-zero: a change
 * failed, a target was unreachable, a guardrail blocked a target or agents were held back.
 */
import { relative } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { createGitHubClient } from '../github/client.js';
import type { MergedPullRequest } from '../github/merged-pull-request.js';
import { findMergedPullRequest } from '../github/merged-pull-request.js';
import { resolveCommit } from '../source/git.js';
import { SyncConfigError, preparePolicy } from '../sync/run.js';
import type { RecordedSync } from '../sync/sync-and-record.js';
import { syncAndRecord } from '../sync/sync-and-record.js';
import type { ActionSettings } from './settings.js';
import { restoreState, runUrl, saveState, stateFiles } from './state.js';
import { formatSyncSummary } from './summary.js';

/** sync-status: every target holds what main says; something was held back by policy; something failed. */
const STATUS = { 0: 'ok', 1: 'held', 2: 'failed' } as const;

export async function runSync(settings: ActionSettings): Promise<void> {
  const files = stateFiles(settings.path);
  // Without the ledger a sync could re-grant a killed agent: when the state cannot be read, it does not run.
  const state = await restoreState(settings, files);
  const commit = await resolveCommit(settings.path, 'HEAD').catch(() => context.sha || undefined);
  const found = commit ? await lookUpPullRequest(settings, commit) : {};
  let result: RecordedSync;
  try {
    let prepared;
    try {
      prepared = preparePolicy(settings.path, new Date());
    } catch (error) {
      if (error instanceof SyncConfigError) throw new Error(error.message);
      throw error;
    }
    result = await syncAndRecord(prepared, {
      kind: 'sync',
      runner: { actor: settings.actor, ...(found.pullRequest ? { pullRequest: found.pullRequest } : {}) },
      env: process.env,
    });
  } catch (error) {
    // Whatever happened, a ledger or log the run did change is kept.
    await saveState(state, stateMessage(settings, commit));
    throw error;
  }
  const saved = await saveState(state, stateMessage(settings, commit));

  const auditFile = relative(settings.workspace, result.audit.path);
  await core.summary
    .addRaw(
      formatSyncSummary(result, {
        ...(result.commit ? { commit: result.commit } : {}),
        ...(found.pullRequest ? { pullRequest: found.pullRequest } : {}),
        ...(found.error ? { pullRequestError: found.error } : {}),
        ...(saved ? { state: saved } : {}),
        auditFile,
      }),
    )
    .write();
  core.setOutput('sync-status', STATUS[result.exitCode as 0 | 1 | 2] ?? 'failed');
  core.setOutput(
    'sync-outcome',
    JSON.stringify({ formatVersion: 1, asOf: result.plan.asOf, ...result.outcome }),
  );
  if (result.audit.head) core.setOutput('audit-head', result.audit.head);
  if (saved?.commit) core.setOutput('state-commit', saved.commit);

  const failures = describeFailures(result);
  if (result.ledgerError)
    core.warning(`the kill ledger could not be updated (the kills stay in force): ${result.ledgerError}`);
  if (result.audit.error)
    failures.push(
      `the sync was carried out as reported, but its audit entry could not be written: ${result.audit.error}`,
    );
  if (saved?.error) failures.push(saved.error);
  if (failures.length > 0) core.setFailed(failures.join('\n'));
}

/**
 * The merged pull request that produced the commit, for the audit entry. A lookup that fails
 * does not stop the sync (revocation is never blocked): it is noted, and the entry has no
 * pull request.
 */
async function lookUpPullRequest(
  settings: ActionSettings,
  sha: string,
): Promise<{ pullRequest?: MergedPullRequest; error?: string }> {
  const client = createGitHubClient({
    token: settings.token,
    baseUrl: settings.apiUrl,
    log: (m) => core.info(m),
  });
  try {
    const pullRequest = await findMergedPullRequest(client, { ...context.repo, sha });
    core.info(
      pullRequest
        ? `${sha} is the merge of pull request #${pullRequest.number}, approved by ${pullRequest.approvers.join(', ') || 'no one'}`
        : `${sha} was pushed directly (no merged pull request produced it)`,
    );
    return pullRequest ? { pullRequest } : {};
  } catch (error) {
    const text = `could not look up the pull request of ${sha}: ${error instanceof Error ? error.message : String(error)}`;
    core.warning(text);
    return { error: text };
  }
}

function describeFailures(result: RecordedSync): string[] {
  const out: string[] = [];
  for (const t of result.outcome.targets) {
    if (t.status === 'applied' || t.status === 'unchanged') continue;
    const what =
      t.status === 'partial'
        ? 'a change failed'
        : t.status === 'blocked'
          ? 'blocked by a guardrail'
          : t.status === 'refused'
            ? 'refused'
            : 'unreachable';
    out.push(`${t.name} (${t.type}): ${what}: ${t.message ?? ''}`);
  }
  if (result.outcome.held.length > 0) {
    out.push(
      `held back (left as they are in every target until their files are fixed): ${result.outcome.held.map((h) => h.agent).join(', ')}`,
    );
  }
  return out;
}

function stateMessage(settings: ActionSettings, commit: string | undefined): string {
  const url = runUrl(settings, context.repo, context.runId);
  return `leash sync${commit ? ` ${commit}` : ''} by ${settings.actor}${url ? `\n\n${url}` : ''}\n`;
}
