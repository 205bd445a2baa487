/**
 * `command: kill` (on workflow_dispatch with the agent and a reason): pull all of the agent's
 * access in every target exactly as `leash kill` does, push the branch that makes the
 * repository agree and open its pull request, write the receipts to the job summary and the
 * outputs, and keep the kill ledger and audit log on the state branch so the kill stays sticky
 * for every later sync. The job fails when a target was not revoked, after the branch is pushed
 * and the pull request opened: the repository side must not wait for a target that is down.
 */
import { relative } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { createGitHubClient } from '../github/client.js';
import type { OpenedPullRequest } from '../github/open-pull-request.js';
import { openPullRequest } from '../github/open-pull-request.js';
import type { KillRun } from '../revoke/run-kill.js';
import { describeReceipt, runKill } from '../revoke/run-kill.js';
import { pushBranch } from './git-remote.js';
import type { ActionSettings } from './settings.js';
import type { StateBranch } from './state-branch.js';
import { REMOTE, remoteAccess, restoreState, runUrl, saveState, stateFiles } from './state.js';
import type { StateNote } from './summary.js';
import { formatKillPullRequestBody, formatKillSummary } from './summary.js';

/** The label the kill's pull request gets, so reviewers find it at once. */
export const KILL_LABEL = 'leash-kill';

export async function runKillAction(settings: ActionSettings): Promise<void> {
  const agent = settings.agent!;
  const reason = settings.reason!;
  const files = stateFiles(settings.path);
  // Revocation is never blocked: a state branch that cannot be read does not stop the kill, but
  // the state is then not saved over (it would drop earlier kills) and the job fails, saying so.
  let state: StateBranch | undefined;
  let stateNote: StateNote | undefined;
  try {
    state = await restoreState(settings, files);
  } catch (error) {
    const text = `${error instanceof Error ? error.message : String(error)}; the kill goes ahead, but its ledger entry is not kept on the state branch: merge its pull request before the next sync runs on a fresh runner`;
    core.error(text);
    stateNote = { branch: settings.stateBranch!, error: text };
  }
  let run: KillRun;
  try {
    run = await runKill({
      dir: settings.path,
      agent,
      reason,
      by: settings.actor,
      env: process.env,
      onReceipt: (r) => core.info(describeReceipt(r)),
    });
  } catch (error) {
    await saveState(state, stateMessage(settings, agent));
    throw error;
  }

  const opened = await pushAndOpen(settings, run);
  stateNote ??= await saveState(state, stateMessage(settings, agent, run.kill.id));

  await core.summary
    .addRaw(
      formatKillSummary(run, {
        ...(opened.pullRequest ? { pullRequest: opened.pullRequest } : {}),
        ...(opened.error ? { pullRequestError: opened.error } : {}),
        ...(opened.pullRequest?.labelError ? { labelError: opened.pullRequest.labelError } : {}),
        ...(stateNote ? { state: stateNote } : {}),
        auditFile: relative(settings.workspace, run.auditPath),
      }),
    )
    .write();
  core.setOutput('kill-id', run.kill.id);
  core.setOutput(
    'receipts',
    JSON.stringify(
      run.receipts.map((r) => ({
        target: r.target,
        type: r.type,
        status: r.status,
        ...(r.message ? { message: r.message } : {}),
        before: r.before,
        attempts: r.attempts,
        ms: r.ms,
      })),
    ),
  );
  core.setOutput('revoked', String(run.receipts.every((r) => r.status === 'revoked')));
  if (run.agreement?.kind === 'branch') core.setOutput('branch', run.agreement.branch);
  if (opened.pullRequest) core.setOutput('pull-request', opened.pullRequest.url);

  const failures: string[] = [];
  const notRevoked = run.receipts.filter((r) => r.status !== 'revoked');
  if (notRevoked.length > 0) {
    failures.push(
      `not revoked in ${notRevoked.map((r) => `${r.target} (${r.status}${r.message ? `: ${r.message}` : ''})`).join('; ')}; run the kill again once they are reachable`,
    );
  }
  if (run.unknown)
    failures.push(
      `no target held anything for ${agent} and the repository has no file for it: check the name`,
    );
  if (run.agreementError) failures.push(`the repository was not brought to agree: ${run.agreementError}`);
  if (opened.error) failures.push(opened.error);
  if (run.ledgerError) failures.push(run.ledgerError);
  if (run.auditError)
    failures.push(`the kill was carried out, but its audit entry could not be written: ${run.auditError}`);
  if (stateNote?.error) failures.push(stateNote.error);
  if (failures.length > 0) core.setFailed(failures.join('\n'));
}

/** Pushes the kill's branch to origin and opens its pull request into the branch the run checked out. */
async function pushAndOpen(
  settings: ActionSettings,
  run: KillRun,
): Promise<{ pullRequest?: OpenedPullRequest & { url: string }; error?: string }> {
  if (run.agreement?.kind !== 'branch') return {};
  const { branch } = run.agreement;
  try {
    const { top, env } = await remoteAccess(settings);
    await pushBranch(top, { remote: REMOTE, source: `refs/heads/${branch}`, branch, env });
  } catch (error) {
    return { error: `the branch ${branch} could not be pushed: ${(error as Error).message}` };
  }
  try {
    const client = createGitHubClient({
      token: settings.token,
      baseUrl: settings.apiUrl,
      log: (m) => core.info(m),
    });
    const url = runUrl(settings, context.repo, context.runId);
    const pullRequest = await openPullRequest(client, context.repo, {
      head: branch,
      base: baseBranch(),
      title: `Revoke ${run.kill.agent}: killed by ${run.kill.by}`,
      body: formatKillPullRequestBody(run, url ? { runUrl: url } : {}),
      labels: [KILL_LABEL],
    });
    if (pullRequest.labelError)
      core.warning(`the label ${KILL_LABEL} could not be added: ${pullRequest.labelError}`);
    core.info(`opened pull request #${pullRequest.number}: ${pullRequest.url}`);
    return { pullRequest };
  } catch (error) {
    return {
      error: `the branch ${branch} was pushed, but its pull request could not be opened: ${(error as Error).message}; open it by hand`,
    };
  }
}

/** The branch the workflow ran on (the dispatch's ref), else the repository's default branch. */
function baseBranch(): string {
  if (context.ref.startsWith('refs/heads/')) return context.ref.slice('refs/heads/'.length);
  const repository = context.payload.repository as { default_branch?: string } | undefined;
  return repository?.default_branch ?? 'main';
}

function stateMessage(settings: ActionSettings, agent: string, id?: string): string {
  const url = runUrl(settings, context.repo, context.runId);
  return `leash kill ${agent} by ${settings.actor}${id ? ` (${id})` : ''}${url ? `\n\n${url}` : ''}\n`;
}
