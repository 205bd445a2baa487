import { spawn } from 'node:child_process';
import type { Diagnostic } from '../model/diagnostic.js';
import type { SourceFile } from '../model/document.js';
import type { ReadResult } from './files.js';
import {
  CONFIG_FILE,
  POLICY_FOLDERS,
  PolicyReadError,
  SUBMODULE_HINT,
  SYMLINK_HINT,
  comparePaths,
  decodeSource,
  fileProblem,
  isPolicyFileName,
  tooLarge,
} from './files.js';
import { LIMITS } from './limits.js';
import { printable } from './names.js';

/** Thrown when git fails (not a repository, unknown revision, git missing). */
export class GitError extends PolicyReadError {
  override name = 'GitError';
  /** git's exit code, when git ran and failed. */
  exitCode?: number;
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number;
  path: string;
}

/**
 * Reads the policy files of one revision straight from git objects, without touching the work
 * tree or the index: one `git ls-tree` for the listing and one `git cat-file --batch` for every
 * blob. Symbolic links (mode 120000) and submodules (mode 160000, or a .gitmodules file) are
 * reported, never followed; blobs over the size limit are reported without being read. Throws
 * GitError for a revision that is not a plain revision name or does not name a commit.
 */
export async function readPolicyRevision(
  repoDir: string,
  revision: string,
  options: { prefix?: string; folders?: readonly string[] } = {},
): Promise<ReadResult> {
  checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  const under = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const folders = options.folders ?? POLICY_FOLDERS;
  const listing = await runGit(repoDir, [
    'ls-tree',
    '-r',
    '-z',
    '-l',
    '--full-tree',
    '--end-of-options',
    `${revision}^{commit}`,
    '--',
    under(CONFIG_FILE),
    '.gitmodules',
    ...folders.map(under),
  ]);
  const { wanted, diagnostics } = classifyEntries(parseTree(listing), prefix);
  if (wanted.length > LIMITS.maxFiles) {
    throw new GitError(
      `revision ${revision} holds ${wanted.length} policy files; at most ${LIMITS.maxFiles} are read`,
    );
  }
  return readEntries(repoDir, wanted, diagnostics);
}

/**
 * Sorts tree entries into the blobs to read and the problems to report: submodules (mode
 * 160000, or a .gitmodules file) and symbolic links (120000) are reported, never followed;
 * blobs over the size limit are reported without being read. Paths lose the policy folder's
 * prefix, so they read as readPolicyDir reports them.
 */
function classifyEntries(
  listed: TreeEntry[],
  prefix: string,
): { wanted: TreeEntry[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const wanted: TreeEntry[] = [];
  for (const raw of listed) {
    const entry =
      prefix && raw.path.startsWith(prefix + '/') ? { ...raw, path: raw.path.slice(prefix.length + 1) } : raw;
    if (entry.path === '.gitmodules') {
      diagnostics.push(
        fileProblem(entry.path, 'submodule', 'the policy repository declares git submodules', {
          hint: SUBMODULE_HINT,
        }),
      );
    } else if (entry.mode === '160000') {
      diagnostics.push(
        fileProblem(entry.path, 'submodule', `${entry.path} is a git submodule; submodules are not read`, {
          hint: SUBMODULE_HINT,
        }),
      );
    } else if (entry.mode === '120000') {
      diagnostics.push(
        fileProblem(entry.path, 'symlink', `${entry.path} is a symbolic link; links are not followed`, {
          hint: SYMLINK_HINT,
        }),
      );
    } else if (entry.type === 'blob' && (entry.path === CONFIG_FILE || isPolicyFileName(entry.path))) {
      if (entry.size > LIMITS.maxFileBytes) diagnostics.push(tooLarge(entry.path, entry.size));
      else wanted.push(entry);
    }
  }
  return { wanted, diagnostics };
}

/** Reads the wanted blobs through one `git cat-file --batch` and decodes them, sorted by path. */
async function readEntries(
  repoDir: string,
  wanted: TreeEntry[],
  diagnostics: Diagnostic[],
): Promise<ReadResult> {
  wanted.sort((a, b) => comparePaths(a.path, b.path));
  const blobs = await readBlobs(
    repoDir,
    wanted.map((e) => e.oid),
  );
  const files: SourceFile[] = [];
  for (const entry of wanted) {
    const decoded = decodeSource(entry.path, blobs.get(entry.oid)!);
    if ('text' in decoded) files.push({ ...decoded, blob: entry.oid });
    else diagnostics.push(decoded);
  }
  return { files, diagnostics };
}

// Branch and tag names, object ids, and the suffixes ~N ^N @{upstream}; no shell or pathspec
// syntax, no ranges.
const REVISION = /^[A-Za-z0-9_./@{}^~-]+$/;

function checkRevision(revision: string): void {
  if (!REVISION.test(revision) || revision.startsWith('-') || revision.includes('..')) {
    throw new GitError(`'${printable(revision)}' is not a revision name`);
  }
}

/** A policy folder inside the repository: a relative POSIX path without '.', '..' or empty parts. */
function checkPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (
    !/^[A-Za-z0-9_.@+-]+(\/[A-Za-z0-9_.@+-]+)*$/.test(trimmed) ||
    trimmed.split('/').some((p) => p === '.' || p === '..')
  ) {
    throw new GitError(`'${printable(prefix)}' is not a folder inside the repository`);
  }
  return trimmed;
}

/** The commit a revision names (full SHA-1 or SHA-256 hex). */
export async function resolveCommit(repoDir: string, revision: string): Promise<string> {
  checkRevision(revision);
  const out = await runGit(repoDir, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${revision}^{commit}`,
  ]).catch(() => {
    throw new GitError(`'${printable(revision)}' does not name a commit`);
  });
  return out.toString().trim();
}

/** The repository a folder belongs to, and the folder's path inside it ('' at the top). */
export async function findRepository(dir: string): Promise<{ top: string; prefix: string }> {
  const out = (await runGit(dir, ['rev-parse', '--show-toplevel', '--show-prefix'])).toString().split('\n');
  return { top: out[0]!.trim(), prefix: (out[1] ?? '').trim().replace(/\/$/, '') };
}

function parseTree(listing: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const record of listing.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    out.push({
      mode: mode!,
      type: type!,
      oid: oid!,
      size: size === '-' ? 0 : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return out;
}

/** Reads many blobs through one `git cat-file --batch` process. */
async function readBlobs(repoDir: string, oids: string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(oids)];
  const out = new Map<string, Buffer>();
  if (unique.length === 0) return out;
  const raw = await runGit(repoDir, ['cat-file', '--batch', '--buffer'], unique.join('\n') + '\n');
  let pos = 0;
  for (const oid of unique) {
    const nl = raw.indexOf(10, pos);
    const header = raw.subarray(pos, nl).toString();
    const [gotOid, type, size] = header.split(' ');
    if (gotOid !== oid || type !== 'blob') throw new GitError(`git cat-file returned '${header}' for ${oid}`);
    const start = nl + 1;
    const end = start + Number(size);
    out.set(oid, raw.subarray(start, end));
    pos = end + 1;
  }
  return out;
}

// Variables that would point git at another repository, index or object store than the one in
// repoDir (set, for example, when leash runs inside a git hook).
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  // Objects are read as committed: refs/replace/* cannot swap a reviewed file for another.
  env.GIT_NO_REPLACE_OBJECTS = '1';
  return env;
}

/**
 * Runs git with an argument vector (never a shell string) and returns its stdout. `extraEnv` is
 * set after the repository variables are cleared (the kill switch points GIT_INDEX_FILE at a
 * private index to commit without touching the work tree).
 */
export function runGit(
  cwd: string,
  args: string[],
  input?: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env = { ...gitEnvironment(), ...extraEnv };
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitError(`cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          Object.assign(
            new GitError(`git ${args[0]} failed: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`),
            { exitCode: code ?? undefined },
          ),
        );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** A policy file that differs between two revisions (or a revision and the work tree). */
export interface ChangedPath {
  /** Relative to the policy repository. */
  path: string;
  status: 'added' | 'deleted' | 'modified';
}

/**
 * The policy files that differ between base and head (a revision, or the work tree when
 * undefined, untracked files included): one `git diff --raw`, plus one `git ls-files` for the
 * work tree. Renames come as a deletion and an addition; the diff matches documents by name.
 */
export async function changedPolicyPaths(
  repoDir: string,
  base: string,
  head: string | undefined,
  options: { prefix?: string } = {},
): Promise<ChangedPath[]> {
  checkRevision(base);
  if (head !== undefined) checkRevision(head);
  const prefix = checkPrefix(options.prefix ?? '');
  const under = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const paths = [under(CONFIG_FILE), ...POLICY_FOLDERS.map(under)];
  const revs = head === undefined ? [base] : [base, head];
  const out = (
    await runGit(repoDir, [
      'diff',
      '--raw',
      '-z',
      '--no-renames',
      '--no-ext-diff',
      '--end-of-options',
      ...revs,
      '--',
      ...paths,
    ])
  ).toString('utf8');
  const changed: ChangedPath[] = [];
  const fields = out.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i]!;
    const path = fields[i + 1]!;
    const status = meta.trim().split(/\s+/).pop()!;
    changed.push({ path, status: status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified' });
  }
  if (head === undefined) {
    const others = (
      await runGit(repoDir, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...paths])
    ).toString('utf8');
    for (const path of others.split('\0')) if (path) changed.push({ path, status: 'added' });
  }
  return changed
    .map((c) => ({
      ...c,
      path: prefix && c.path.startsWith(prefix + '/') ? c.path.slice(prefix.length + 1) : c.path,
    }))
    .sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * Policy files under a folder whose text holds any of the names as a whole name (not inside a
 * longer one: 'support' does not match 'support-2'), or a backslash (so a name written with
 * escapes is never missed), in a revision or (undefined) the work tree: one `git grep -E`.
 * Used to find the agents a changed template, tier or system may reach without reading every
 * agent; callers parse the hits to decide.
 */
export async function grepPolicyFiles(
  repoDir: string,
  revision: string | undefined,
  folder: string,
  strings: readonly string[],
  options: { prefix?: string } = {},
): Promise<string[]> {
  if (strings.length === 0) return [];
  if (revision !== undefined) checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  const path = prefix ? `${prefix}/${folder}` : folder;
  // Names are [a-z0-9-]; anything else around one ends it. ERE metacharacters are escaped.
  const names = strings.map((s) => s.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');
  const pattern = `(^|[^a-z0-9-])(${names})($|[^a-z0-9-])|\\\\`;
  const args = ['grep', '-l', '-z', '-E', '--no-color', '-e', pattern];
  if (revision === undefined) args.push('--untracked');
  // git grep takes no --end-of-options before a revision; checkRevision refused a leading '-'.
  else args.push(revision);
  args.push('--', path);
  let out: string;
  try {
    out = (await runGit(repoDir, args)).toString('utf8');
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (error instanceof GitError && error.exitCode === 1) return [];
    throw error;
  }
  return out
    .split('\0')
    .filter(Boolean)
    .map((p) => (revision !== undefined && p.startsWith(`${revision}:`) ? p.slice(revision.length + 1) : p))
    .map((p) => (prefix && p.startsWith(prefix + '/') ? p.slice(prefix.length + 1) : p));
}

/**
 * Reads named policy files of a revision: one `git ls-tree` for their entries (so links and
 * submodules are refused as everywhere) and one `git cat-file --batch`. Absent paths are skipped.
 */
export async function readPolicyPaths(
  repoDir: string,
  revision: string,
  paths: readonly string[],
  options: { prefix?: string } = {},
): Promise<ReadResult> {
  checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  if (paths.length === 0) return { files: [], diagnostics: [] };
  const under = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const listing = await runGit(repoDir, [
    'ls-tree',
    '-z',
    '-l',
    '--full-tree',
    '--end-of-options',
    `${revision}^{commit}`,
    '--',
    ...paths.map(under),
  ]);
  const { wanted, diagnostics } = classifyEntries(parseTree(listing), prefix);
  return readEntries(repoDir, wanted, diagnostics);
}

/** How many .yaml/.yml files a revision holds under a policy folder (one `git ls-tree`). */
export async function countPolicyFiles(
  repoDir: string,
  revision: string,
  folder: string,
  options: { prefix?: string } = {},
): Promise<number> {
  checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  const out = await runGit(repoDir, [
    'ls-tree',
    '-r',
    '-z',
    '--name-only',
    '--full-tree',
    '--end-of-options',
    `${revision}^{commit}`,
    '--',
    prefix ? `${prefix}/${folder}` : folder,
  ]);
  return out
    .toString('utf8')
    .split('\0')
    .filter((p) => isPolicyFileName(p)).length;
}
