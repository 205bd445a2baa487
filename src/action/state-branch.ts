/**
 * The state a fresh runner lacks, kept on a branch of the repository itself: the kill ledger
 * (kills stay sticky from one run to the next) and the audit log (its hash chain continues).
 * Before a run the files are restored from the branch's tip; afterwards they are committed back
 * on top of that tip with git plumbing and a private index (the work tree, the index and the
 * checked-out branch are left alone) and pushed, never forced: when another run pushed
 * meanwhile, the push is rejected and the run fails, asking for runs to be serialized.
 */
import { mkdtemp, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { GitError, runGit } from '../source/git.js';
import { PushError, isBranchName, pushBranch } from './git-remote.js';

/** Raised when the state branch cannot be read or written; the message says what to do. */
export class StateBranchError extends Error {
  override name = 'StateBranchError';
}

export interface StateBranchOptions {
  /** A folder inside the repository's work tree (the policy folder). */
  dir: string;
  /** The branch, e.g. `leash-state`. */
  branch: string;
  /** The remote, `origin` unless told otherwise. */
  remote?: string;
  /** Absolute paths of the files kept on the branch, inside the work tree; stored at their repository paths. */
  files: readonly string[];
  /** Extra environment for git commands that reach the remote (credentials, see gitAuthEnv). */
  remoteEnv?: Readonly<Record<string, string>>;
  /** Who the state commits are by; github-actions[bot] unless told otherwise. */
  committer?: { name: string; email: string };
}

/** The state restored from the branch, and the way to save it back. */
export interface StateBranch {
  branch: string;
  /** The branch's tip when restored; undefined when the branch did not exist yet. */
  tip: string | undefined;
  /** Repository paths of the files restored from the branch. */
  restored: string[];
  /**
   * Commits the files as they are now on top of `tip` and pushes the commit. Returns the new
   * commit, or undefined when nothing changed. Throws StateBranchError; `rejected` says another
   * run pushed meanwhile.
   */
  save(message: string): Promise<string | undefined>;
}

const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

/**
 * Restores the files from the branch's tip on `remote` (those the tip holds; the others are left
 * as they are). A branch that does not exist is an empty state; a remote that cannot be asked is
 * an error, never taken for an empty state (that would lose the kills).
 */
export async function restoreStateBranch(options: StateBranchOptions): Promise<StateBranch> {
  const remote = options.remote ?? 'origin';
  const { branch } = options;
  if (!isBranchName(branch)) throw new StateBranchError(`'${branch}' is not a branch name`);
  const remoteEnv = options.remoteEnv ?? {};
  const top = await repositoryTop(options.dir);
  const files = await Promise.all(
    options.files.map(async (file) => ({ file, path: await repoPath(top, file) })),
  );
  const git = (args: string[], env: Readonly<Record<string, string>> = {}) =>
    runGit(top, args, undefined, env).then((b) => b.toString().trim());

  const unreadable = (error: unknown) =>
    new StateBranchError(
      `cannot read the state branch ${branch} from ${remote}: ${(error as Error).message}`,
      { cause: error },
    );
  let exists = true;
  try {
    await git(['ls-remote', '--exit-code', '--heads', '--', remote, `refs/heads/${branch}`], remoteEnv);
  } catch (error) {
    // ls-remote --exit-code exits 2 when the remote answered and has no such ref: the first run.
    if (error instanceof GitError && error.exitCode === 2) exists = false;
    else throw unreadable(error);
  }
  let tip: string | undefined;
  if (exists) {
    try {
      // Only the tip is needed: a shallow checkout (actions/checkout's default) stays shallow.
      const shallow = (await git(['rev-parse', '--is-shallow-repository'])) === 'true';
      const tracking = `refs/remotes/${remote}/${branch}`;
      await git(
        [
          'fetch',
          '--quiet',
          '--no-tags',
          ...(shallow ? ['--depth=1'] : []),
          '--',
          remote,
          `+refs/heads/${branch}:${tracking}`,
        ],
        remoteEnv,
      );
      tip = await git(['rev-parse', '--verify', `${tracking}^{commit}`]);
    } catch (error) {
      throw unreadable(error);
    }
  }

  const restored: string[] = [];
  if (tip) {
    const listing = await runGit(top, [
      'ls-tree',
      '-z',
      '--full-tree',
      tip,
      '--',
      ...files.map((f) => f.path),
    ]);
    const entries = new Map<string, { mode: string; oid: string }>();
    for (const record of listing.toString('utf8').split('\0')) {
      if (!record) continue;
      const tab = record.indexOf('\t');
      const [mode, , oid] = record.slice(0, tab).split(' ');
      entries.set(record.slice(tab + 1), { mode: mode!, oid: oid! });
    }
    for (const { file, path } of files) {
      const entry = entries.get(path);
      if (!entry) continue;
      if (entry.mode !== '100644') {
        throw new StateBranchError(`${path} on the state branch ${branch} is not a regular file`);
      }
      const blob = await runGit(top, ['cat-file', 'blob', entry.oid]);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.restore`;
      await writeFile(tmp, blob);
      await rename(tmp, file);
      restored.push(path);
    }
  }

  const save = async (message: string): Promise<string | undefined> => {
    const scratch = await mkdtemp(join(tmpdir(), 'leash-state-'));
    try {
      const index = { GIT_INDEX_FILE: join(scratch, 'index') };
      await git(tip ? ['read-tree', tip] : ['read-tree', '--empty'], index);
      for (const { file, path } of files) {
        if (!existsSync(file)) continue;
        const blob = await git(['hash-object', '-w', '--', file]);
        await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], index);
      }
      const tree = await git(['write-tree'], index);
      if (tip && tree === (await git(['rev-parse', `${tip}^{tree}`]))) return undefined;
      const who = options.committer ?? BOT;
      const commit = (
        await runGit(top, ['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-F', '-'], message, {
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
        })
      )
        .toString()
        .trim();
      await pushBranch(top, { remote, source: commit, branch, env: remoteEnv });
      return commit;
    } catch (error) {
      if (error instanceof PushError && error.rejected) {
        throw new StateBranchError(
          `the state branch ${branch} moved on while this run worked (another leash run pushed to it), so this run's kill ledger and audit entry were not saved there. Run leash sync and kill one at a time: give their jobs the same \`concurrency:\` group (e.g. \`concurrency: leash-state\`), then re-run this job`,
          { cause: error },
        );
      }
      throw new StateBranchError(
        `cannot save the state to the branch ${branch}: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  return { branch, tip, restored, save };
}

async function repositoryTop(dir: string): Promise<string> {
  try {
    return (await runGit(dir, ['rev-parse', '--show-toplevel'])).toString().trim();
  } catch (error) {
    throw new StateBranchError(
      `${dir} is not in a git repository: check the repository out with actions/checkout to keep state on a branch`,
      { cause: error },
    );
  }
}

/** The file's path inside the repository, with '/' separators; refuses a file outside the work tree. */
async function repoPath(top: string, file: string): Promise<string> {
  const realTop = await realpath(top);
  // The file may not exist yet; its folder may not either: resolve the nearest existing parent.
  let existing = file;
  const rest: string[] = [];
  for (;;) {
    try {
      existing = await realpath(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      rest.unshift(existing.slice(parent.length + 1));
      existing = parent;
    }
  }
  const rel = relative(realTop, join(existing, ...rest));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) {
    throw new StateBranchError(`${file} is not inside the repository ${top}`);
  }
  return rel.split(sep).join('/');
}
