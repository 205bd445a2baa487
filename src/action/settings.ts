import type { Severity } from '../model/diagnostic.js';
import { checkAgentName } from '../revoke/killed-state.js';
import { MAX_KILL_REASON } from '../revoke/run-kill.js';
import { isBranchName } from './git-remote.js';

/** What the action does: `check` and `approvals` on pull requests, `sync` on push, `kill` on dispatch. */
export type ActionCommand = 'check' | 'approvals' | 'sync' | 'kill';
const COMMANDS: readonly ActionCommand[] = ['check', 'approvals', 'sync', 'kill'];

/** The action's inputs, read and checked once. */
export interface ActionSettings {
  command: ActionCommand;
  /** Absolute path of the policy repository. */
  path: string;
  token: string;
  failOn: Severity;
  /** Absolute path of the SARIF file, or undefined to skip it. */
  sarif?: string;
  comment: boolean;
  statusContext: string;
  workspace: string;
  apiUrl: string;
  /** The web root (GITHUB_SERVER_URL): links, and the host git sends the token to. */
  serverUrl: string;
  /** Who runs the workflow (GITHUB_ACTOR): the audit entry's actor, who a kill is by. */
  actor: string;
  /** The agent to kill (`kill` only). */
  agent?: string;
  /** Why (`kill` only). */
  reason?: string;
  /** The branch the kill ledger and audit log are kept on between runs; undefined to keep none. */
  stateBranch?: string;
}

/** Thrown for an input that is not acceptable; the action fails with its message. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Reads and validates the inputs. `input` is core.getInput in the action, a map in tests;
 * paths must stay inside the workspace.
 */
export function readSettings(
  input: (name: string) => string,
  env: Readonly<Record<string, string | undefined>>,
): ActionSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const command = (input('command') || 'check') as ActionCommand;
  if (!COMMANDS.includes(command)) {
    throw new SettingsError(`input command: '${command}' is not one of ${COMMANDS.join(', ')}`);
  }
  const failOn = input('fail-on') || 'warning';
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'info') {
    throw new SettingsError(`input fail-on: '${failOn}' is not one of error, warning, info`);
  }
  const comment = (input('comment') || 'true').toLowerCase();
  if (comment !== 'true' && comment !== 'false')
    throw new SettingsError(`input comment: '${comment}' is not true or false`);
  const token = input('token');
  if (!token) throw new SettingsError('input token is empty: pass ${{ github.token }}');
  const sarif = input('sarif');
  const kill = command === 'kill' ? readKill(input) : {};
  const stateBranch = input('state-branch').trim();
  if (stateBranch && !isBranchName(stateBranch))
    throw new SettingsError(`input state-branch: '${stateBranch}' is not a branch name`);
  return {
    command,
    path: inside(workspace, input('path') || '.', 'path'),
    token,
    failOn,
    ...(sarif ? { sarif: inside(workspace, sarif, 'sarif') } : {}),
    comment: comment === 'true',
    statusContext: input('status-context') || 'leash/sign-off',
    workspace,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    actor: env.GITHUB_ACTOR?.trim() || 'unknown',
    ...kill,
    ...(stateBranch ? { stateBranch } : {}),
  };
}

/** The agent and reason of a kill: both required, the name as the schema allows it. */
function readKill(input: (name: string) => string): { agent: string; reason: string } {
  const agent = input('agent').trim();
  if (!agent) throw new SettingsError('input agent is required for command kill: the agent to kill');
  try {
    checkAgentName(agent);
  } catch (error) {
    throw new SettingsError(`input agent: ${(error as Error).message}`);
  }
  const reason = input('reason').trim();
  if (!reason)
    throw new SettingsError('input reason is required for command kill: say why the agent is killed');
  if (reason.length > MAX_KILL_REASON)
    throw new SettingsError(`input reason is over ${MAX_KILL_REASON} characters`);
  return { agent, reason };
}

function inside(workspace: string, relativePath: string, name: string): string {
  const parts = relativePath.split('/');
  if (relativePath.startsWith('/') || relativePath.includes('\\') || parts.includes('..')) {
    throw new SettingsError(`input ${name}: '${relativePath}' must be a path inside the workspace`);
  }
  const clean = parts.filter((p) => p !== '' && p !== '.').join('/');
  return clean ? `${workspace.replace(/\/+$/, '')}/${clean}` : workspace;
}
