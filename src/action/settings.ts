import type { Severity } from '../model/diagnostic.js';

/** The action's inputs, read and checked once. */
export interface ActionSettings {
  command: 'check' | 'approvals';
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
  const command = input('command') || 'check';
  if (command !== 'check' && command !== 'approvals') {
    throw new SettingsError(`input command: '${command}' is not one of check, approvals`);
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
  };
}

function inside(workspace: string, relativePath: string, name: string): string {
  const parts = relativePath.split('/');
  if (relativePath.startsWith('/') || relativePath.includes('\\') || parts.includes('..')) {
    throw new SettingsError(`input ${name}: '${relativePath}' must be a path inside the workspace`);
  }
  const clean = parts.filter((p) => p !== '' && p !== '.').join('/');
  return clean ? `${workspace.replace(/\/+$/, '')}/${clean}` : workspace;
}
