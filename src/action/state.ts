/**
 * The Action's side of the state branch: which files it keeps (the kill ledger and the audit
 * log of the policy folder, nothing else: the local target's store is not state to carry
 * around), the credentials git uses for it, and how a save is reported.
 */
import * as core from '@actions/core';
import { auditLogPath } from '../audit/path.js';
import { killLedgerPath } from '../revoke/ledger.js';
import { findRepository } from '../source/git.js';
import { readConfigOnly } from '../sync/config.js';
import { gitAuthEnv, remoteUrl } from './git-remote.js';
import type { ActionSettings } from './settings.js';
import type { StateBranch } from './state-branch.js';
import { restoreStateBranch } from './state-branch.js';
import type { StateNote } from './summary.js';

/** The remote the checkout came from. */
export const REMOTE = 'origin';

/** The kill ledger and the audit log of the policy folder, where leash.yaml puts them. */
export function stateFiles(dir: string): { ledger: string; audit: string } {
  const spec = readConfigOnly(dir)?.data.spec;
  return { ledger: killLedgerPath(dir, spec), audit: auditLogPath(dir, spec) };
}

/** The repository's top folder, and the environment git needs to push to its origin with the token. */
export async function remoteAccess(
  settings: ActionSettings,
): Promise<{ top: string; env: Record<string, string> }> {
  const { top } = await findRepository(settings.path);
  core.setSecret(Buffer.from(`x-access-token:${settings.token}`, 'utf8').toString('base64'));
  return { top, env: gitAuthEnv(await remoteUrl(top, REMOTE), settings.serverUrl, settings.token) };
}

/** Restores the state from the branch, when the Action keeps one. */
export async function restoreState(
  settings: ActionSettings,
  files: { ledger: string; audit: string },
): Promise<StateBranch | undefined> {
  if (!settings.stateBranch) return undefined;
  const { env } = await remoteAccess(settings);
  const state = await restoreStateBranch({
    dir: settings.path,
    branch: settings.stateBranch,
    remote: REMOTE,
    files: [files.ledger, files.audit],
    remoteEnv: env,
  });
  core.info(
    state.tip
      ? `state: restored ${state.restored.join(', ') || 'nothing'} from ${settings.stateBranch} at ${state.tip}`
      : `state: the branch ${settings.stateBranch} does not exist yet; it is created when this run saves`,
  );
  return state;
}

/** Saves the state to the branch; a failure is reported in the note (and fails the job). */
export async function saveState(
  state: StateBranch | undefined,
  message: string,
): Promise<StateNote | undefined> {
  if (!state) return undefined;
  try {
    const commit = await state.save(message);
    core.info(commit ? `state: saved to ${state.branch} as ${commit}` : `state: nothing changed`);
    return { branch: state.branch, ...(commit ? { commit } : {}) };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    core.error(text);
    return { branch: state.branch, error: text };
  }
}

/** The run's page, for links. */
export function runUrl(
  settings: ActionSettings,
  repo: { owner: string; repo: string },
  runId: number,
): string | undefined {
  return runId ? `${settings.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}` : undefined;
}
