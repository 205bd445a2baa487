/**
 * Talking to the repository's remote from the Action: which credentials git sends, and pushing a
 * ref with a clear error when the push is rejected. Git runs through source/git's runGit (an
 * argument vector, never a shell string).
 */
import { GitError, runGit } from '../source/git.js';

/** Raised when a push is refused or fails; `rejected` when the remote has moved on (not a fast-forward). */
export class PushError extends Error {
  override name = 'PushError';
  constructor(
    message: string,
    readonly rejected: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The environment that makes git send `token` to the GitHub server, whatever actions/checkout
 * persisted: an empty value first resets the `http.<server>/.extraheader` list (git's documented
 * reset), then our header is the only one. Passed through GIT_CONFIG_* rather than `-c`, so the
 * token never shows in a process listing. Empty for a remote elsewhere (a local path in tests).
 */
export function gitAuthEnv(remoteUrl: string, serverUrl: string, token: string): Record<string, string> {
  const server = serverUrl.replace(/\/+$/, '');
  if (!token || !remoteUrl.toLowerCase().startsWith(`${server.toLowerCase()}/`)) return {};
  const key = `http.${server}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
  };
}

/** The URL git fetches `remote` from. */
export async function remoteUrl(top: string, remote: string): Promise<string> {
  return (await runGit(top, ['remote', 'get-url', '--', remote])).toString().trim();
}

/** Git's ref-name rules for a branch, as far as leash needs them (git check-ref-format). */
export function isBranchName(name: string): boolean {
  return (
    /^[A-Za-z0-9._/-]+$/.test(name) &&
    !name.startsWith('-') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')) &&
    name !== '@'
  );
}

/**
 * Pushes `source` (a commit or a ref) to `refs/heads/<branch>` of `remote`, never forced. A
 * push the remote refuses because it moved on throws PushError with `rejected`.
 */
export async function pushBranch(
  top: string,
  options: { remote: string; source: string; branch: string; env: Readonly<Record<string, string>> },
): Promise<void> {
  try {
    await runGit(
      top,
      [
        'push',
        '--quiet',
        '--no-verify',
        '--',
        options.remote,
        `${options.source}:refs/heads/${options.branch}`,
      ],
      undefined,
      options.env,
    );
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // " ! [rejected] … (fetch first)" or "(non-fast-forward)": someone else pushed meanwhile.
    // "[remote rejected]" (a hook, branch protection) is a refusal of another kind.
    const rejected = / ! \[rejected\]/.test(text);
    throw new PushError(
      `git push ${options.remote} ${options.branch} failed: ${text.replace(/^git push failed: /, '')}`,
      rejected,
      { cause: error instanceof GitError ? error : undefined },
    );
  }
}
