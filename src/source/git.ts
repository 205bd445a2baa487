import { isAscii } from 'node:buffer';
import { spawn } from 'node:child_process';
import type { ChildProcess, ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  close,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  realpathSync,
  rmdirSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
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

/** One entry of a git tree listing, its path relative to the policy folder. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
  /** The blob's size in bytes, when the listing gave it (ls-tree -l). */
  size?: number;
}

/**
 * Reads the policy files of one revision straight from git objects, without touching the work
 * tree or the index: one `git ls-tree -l` for the listing, streamed as it comes into one
 * `git cat-file --batch` for the blobs. Symbolic links (mode 120000) and submodules (mode
 * 160000, or a .gitmodules file) are reported, never followed; blobs over the size limit are
 * reported without being read. Throws GitError for a revision that is not a plain revision name or
 * does not name a commit.
 */
export async function readPolicyRevision(
  repoDir: string,
  revision: string,
  options: { prefix?: string; folders?: readonly string[] } = {},
): Promise<ReadResult> {
  checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  const blobs = new BlobReader(repoDir, { spool: true });
  blobs.start();
  const read = listPolicyRevision(repoDir, blobs, revision, { prefix, folders: options.folders });
  return finishReads(blobs, [read]).then(([result]) => result!);
}

/**
 * Lists a revision's policy files (`git ls-tree -r`) and asks `blobs` for each as its entry
 * arrives; the result is complete once `blobs` has been ended and has answered.
 */
export function listPolicyRevision(
  repoDir: string,
  blobs: BlobReader,
  revision: string,
  options: { prefix: string; folders?: readonly string[] | undefined; keepEntries?: boolean },
): PendingRead {
  const under = (path: string) => (options.prefix ? `${options.prefix}/${path}` : path);
  const folders = options.folders ?? POLICY_FOLDERS;
  const collector = new ReadCollector(options.prefix, blobs, revision);
  collector.keepEntries = options.keepEntries === true;
  const listed = streamGit(
    repoDir,
    [
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
    ],
    (record) => collector.accept(parseTreeRecord(record)),
    () => blobs.flush(),
  );
  return pending(listed, collector);
}

/**
 * Reads named policy files of a revision: one `git ls-tree` for their entries (so links and
 * submodules are refused as everywhere), streamed into one `git cat-file --batch`. Absent paths
 * are skipped.
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
  const blobs = new BlobReader(repoDir, { spool: true });
  blobs.start();
  const read = listPolicyPaths(repoDir, blobs, revision, paths, prefix);
  return finishReads(blobs, [read]).then(([result]) => result!);
}

/** listPolicyRevision for named paths (no recursion into folders). */
export function listPolicyPaths(
  repoDir: string,
  blobs: BlobReader,
  revision: string,
  paths: readonly string[],
  prefix: string,
): PendingRead {
  const under = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const collector = new ReadCollector(prefix, blobs, revision);
  const listed =
    paths.length === 0
      ? Promise.resolve()
      : streamGit(
          repoDir,
          [
            'ls-tree',
            '-z',
            '-l',
            '--full-tree',
            '--end-of-options',
            `${revision}^{commit}`,
            '--',
            ...paths.map(under),
          ],
          (record) => collector.accept(parseTreeRecord(record)),
          () => blobs.flush(),
        );
  return pending(listed, collector);
}

/**
 * Reads entries already listed (by `git diff-tree`, say) through `blobs`: the same checks as a
 * listing's entries. Paths are relative to the policy folder.
 */
export function readTreeEntries(blobs: BlobReader, entries: readonly TreeEntry[]): PendingRead {
  const collector = new ReadCollector('', blobs, '');
  for (const entry of entries) collector.accept(entry);
  blobs.flush();
  return pending(Promise.resolve(), collector);
}

/** A read in progress: its listing, and its result once the blob reader has answered. */
export interface PendingRead {
  listed: Promise<void>;
  /**
   * The entries listed (complete once `listed` has settled, and kept only when asked for),
   * paths relative to the policy folder.
   */
  entries: () => readonly TreeEntry[];
  result: () => ReadResult;
}

function pending(listed: Promise<void>, collector: ReadCollector): PendingRead {
  // Awaited later (finishReads): a failure before then must not count as unhandled.
  listed.catch(() => undefined);
  return { listed, entries: () => collector.entries, result: () => collector.result() };
}

/**
 * Waits for every listing, ends the blob reader and returns each read's result. When any git
 * process fails, the others are stopped and the first failure is thrown.
 */
export async function finishReads(blobs: BlobReader, reads: readonly PendingRead[]): Promise<ReadResult[]> {
  try {
    await Promise.all(reads.map((r) => r.listed));
  } catch (error) {
    blobs.abort();
    throw error;
  }
  await blobs.end();
  return reads.map((r) => r.result());
}

/**
 * Sorts tree entries into blobs to read and problems to report as they arrive: submodules
 * (mode 160000, or a .gitmodules file) and symbolic links (120000) are reported, never
 * followed; blobs over the size limit are reported and never kept. Paths lose the policy
 * folder's prefix, so they read as readPolicyDir reports them. The result lists files by path,
 * then the listing's problems in listing order, then the files that could not be decoded.
 */
class ReadCollector {
  /** Every entry accepted, its path relative to the policy folder (when asked to keep them). */
  readonly entries: TreeEntry[] = [];
  keepEntries = false;
  /** Problems in listing order; a slot is filled later when the blob turns out too large. */
  private readonly listed: (Diagnostic | undefined)[] = [];
  private readonly files: SourceFile[] = [];
  private readonly undecodable: Diagnostic[] = [];
  private wanted = 0;

  constructor(
    private readonly prefix: string,
    private readonly blobs: BlobReader,
    private readonly revision: string,
  ) {}

  accept(raw: TreeEntry): void {
    const path =
      this.prefix && raw.path.startsWith(this.prefix + '/')
        ? raw.path.slice(this.prefix.length + 1)
        : raw.path;
    if (this.keepEntries) this.entries.push(path === raw.path ? raw : { ...raw, path });
    if (path === '.gitmodules') {
      this.listed.push(
        fileProblem(path, 'submodule', 'the policy repository declares git submodules', {
          hint: SUBMODULE_HINT,
        }),
      );
    } else if (raw.mode === '160000') {
      this.listed.push(
        fileProblem(path, 'submodule', `${path} is a git submodule; submodules are not read`, {
          hint: SUBMODULE_HINT,
        }),
      );
    } else if (raw.mode === '120000') {
      this.listed.push(
        fileProblem(path, 'symlink', `${path} is a symbolic link; links are not followed`, {
          hint: SYMLINK_HINT,
        }),
      );
    } else if (raw.type === 'blob' && (path === CONFIG_FILE || isPolicyFileName(path))) {
      if (++this.wanted > LIMITS.maxFiles) {
        throw new GitError(
          `revision ${this.revision} holds more than ${LIMITS.maxFiles} policy files; at most ${LIMITS.maxFiles} are read`,
        );
      }
      if (raw.size !== undefined && raw.size > LIMITS.maxFileBytes) {
        this.listed.push(tooLarge(path, raw.size));
        return;
      }
      const slot = this.listed.push(undefined) - 1;
      this.blobs.read(raw.oid, raw.size, (blob) => {
        if (blob.text !== undefined) this.files.push({ path, text: blob.text, blob: blob.oid });
        else if (blob.bytes === undefined) this.listed[slot] = tooLarge(path, blob.size);
        else this.undecodable.push(decodeSource(path, blob.bytes) as Diagnostic);
      });
    }
  }

  result(): ReadResult {
    const byPath =
      <T>(key: (x: T) => string) =>
      (a: T, b: T) =>
        comparePaths(key(a), key(b));
    // Files come in listing order, which is git's (by path bytes): sorted by path already but
    // for names beyond ASCII and blobs read once for two paths. One pass to check spares a sort.
    const { files } = this;
    let sorted = true;
    for (let i = 1; i < files.length && sorted; i++)
      sorted = comparePaths(files[i - 1]!.path, files[i]!.path) < 0;
    return {
      files: sorted ? files : files.sort(byPath((f) => f.path)),
      diagnostics: [
        ...this.listed.filter((d): d is Diagnostic => d !== undefined),
        ...this.undecodable.sort(byPath((d) => d.file)),
      ],
    };
  }
}

/** A blob as `git cat-file --batch` answered it. */
export interface BlobAnswer {
  oid: string;
  size: number;
  /** The blob as text, when it is UTF-8 text within the size limit. */
  text?: string;
  /** The bytes of a blob within the limit that is not UTF-8 text (for the diagnostic). */
  bytes?: Uint8Array;
}

/** Past this much output, each blob is decoded alone: one string may not grow without bound. */
const MAX_SLICED_OUTPUT = 256 * 1024 * 1024;

/** Where a blob's bytes lie in the kept output (offset -1: over the limit, not kept). */
interface BlobPlace {
  oid: string;
  size: number;
  offset: number;
}

/**
 * One `git cat-file --batch` process reading blobs by object id, its output parsed as it
 * streams: a blob over the size limit is skipped without being kept, and a blob asked for
 * twice is read once. Ask with read(), send with flush(), and end() once everything has been
 * asked: the answers come then. The output is kept whole and decoded once: when it is ASCII
 * (policy files nearly always are), every file's text is a slice of one string, which spares
 * the garbage collector copying ten thousand strings around.
 */
export class BlobReader {
  private child: ChildProcess | undefined;
  private closed: Promise<void> | undefined;
  private readonly requested = new Map<string, ((answer: BlobAnswer) => void)[]>();
  private readonly queue: string[] = [];
  private unsent: string[] = [];
  // Parser state: the chunks kept, a partial header line, the bytes left of the blob being
  // read, and bytes still to skip (the newline after a blob, or all of one over the limit).
  private readonly kept: Buffer[] = [];
  private keptLength = 0;
  private readonly places: BlobPlace[] = [];
  private header = '';
  private bodyLeft = 0;
  private skip = 0;
  private failure: Error | undefined;

  /**
   * `spool: true` sends git's output to an unlinked temporary file read once at the end: for a
   * whole revision, thousands of small pipe reads cost Node more than git takes to write them.
   * Only for blobs known to be within the size limit (listed with their sizes): a spooled blob
   * is written out whole.
   */
  constructor(
    private readonly repoDir: string,
    private readonly options: { spool?: boolean } = {},
  ) {}

  private get spool(): boolean {
    return this.options.spool === true;
  }

  /** Asks for a blob (its size, when known); `onAnswer` runs when end() has read it. */
  read(oid: string, size: number | undefined, onAnswer: (answer: BlobAnswer) => void): void {
    // A spooled blob is written out whole: only blobs known to be within the limit may be.
    if (this.spool && (size === undefined || size > LIMITS.maxFileBytes)) {
      throw new Error(`bug: blob ${oid} of unknown or excessive size asked for through a spool`);
    }
    const waiting = this.requested.get(oid);
    if (waiting) {
      waiting.push(onAnswer);
      return;
    }
    this.requested.set(oid, [onAnswer]);
    this.queue.push(oid);
    this.unsent.push(oid);
  }

  /** Sends what has been asked so far to git (starting git on the first call that has any). */
  flush(): void {
    if (this.unsent.length === 0 || this.failure) return;
    this.start().stdin!.write(this.unsent.join('\n') + '\n');
    this.unsent = [];
  }

  /**
   * Sends the rest and tells git nothing more will be asked, so it answers now (with --buffer it
   * holds its answers until then) while the caller does other work. end() does this itself.
   */
  endInput(): void {
    this.flush();
    this.child?.stdin!.end();
  }

  /** Sends the rest, waits for git, and hands every answer to whoever asked. */
  async end(): Promise<void> {
    this.endInput();
    if (!this.child) return;
    await this.closed;
    if (this.failure) throw this.failure;
    if (this.places.length !== this.queue.length || this.bodyLeft > 0) {
      throw new GitError(`git cat-file answered ${this.places.length} of ${this.queue.length} objects`);
    }
    const all = this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept, this.keptLength);
    this.kept.length = 0;
    // ASCII holds no NUL and is UTF-8: every kept blob is text, sliced from one string.
    const ascii =
      all.length < MAX_SLICED_OUTPUT && isAscii(all) && all.indexOf(0) < 0
        ? all.toString('latin1')
        : undefined;
    for (const place of this.places) {
      const answer: BlobAnswer = { oid: place.oid, size: place.size };
      if (place.offset >= 0) {
        const end = place.offset + place.size;
        if (ascii !== undefined) answer.text = ascii.slice(place.offset, end);
        else {
          const bytes = all.subarray(place.offset, end);
          const decoded = decodeSource('', bytes);
          if ('text' in decoded) answer.text = decoded.text;
          else answer.bytes = Uint8Array.from(bytes);
        }
      }
      for (const onAnswer of this.requested.get(place.oid)!) onAnswer(answer);
    }
  }

  /** Stops git; the answers never come. */
  abort(): void {
    this.failure ??= new GitError('reading blobs was stopped');
    this.child?.kill();
  }

  /** Starts git ahead of the first request, so its start-up overlaps the listing's. */
  start(): ChildProcess {
    if (this.child) return this.child;
    const spool = this.spool ? openSpool() : undefined;
    const child = spawn('git', ['cat-file', '--batch', '--buffer'], {
      cwd: this.repoDir,
      stdio: ['pipe', spool?.fd ?? 'pipe', 'pipe'],
      env: gitEnvironment(),
    });
    this.child = child;
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const take = (chunk: Buffer) => {
      if (this.failure) return;
      try {
        this.parse(chunk);
      } catch (error) {
        this.failure = error as Error;
        child.kill();
      }
    };
    child.stdout?.on('data', take);
    this.closed = new Promise((resolve) => {
      child.on('error', (e) => {
        spool?.close();
        this.failure ??= new GitError(`cannot run git: ${e.message}`, { cause: e });
        resolve();
      });
      child.on('close', (code) => {
        if (code !== 0 && !this.failure) {
          this.failure = Object.assign(
            new GitError(`git cat-file failed: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`),
            { exitCode: code ?? undefined },
          );
        }
        if (spool) {
          try {
            if (!this.failure) take(spool.read());
          } catch (error) {
            this.failure ??= new GitError(`cannot read git's output: ${(error as Error).message}`, {
              cause: error,
            });
          } finally {
            spool.close();
          }
        }
        resolve();
      });
    });
    child.stdin!.on('error', () => undefined);
    return child;
  }

  private parse(chunk: Buffer): void {
    // A chunk wholly inside a blob over the limit is dropped; any other is kept, and the blobs
    // that start in it are placed by their offset in the kept chunks.
    if (this.skip >= chunk.length) {
      this.skip -= chunk.length;
      return;
    }
    const base = this.keptLength;
    this.kept.push(chunk);
    this.keptLength += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
      } else if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - pos);
        this.bodyLeft -= n;
        pos += n;
        if (this.bodyLeft === 0) this.skip = 1;
      } else {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) {
          this.header += chunk.toString('latin1', pos);
          return;
        }
        const header = this.header + chunk.toString('latin1', pos, nl);
        this.header = '';
        pos = nl + 1;
        // "<oid> blob <size>" for the oid asked for next; anything else ("<oid> missing", a
        // tree) is a broken repository or a bug.
        const expected = this.queue[this.places.length];
        const digits = expected === undefined ? '' : header.slice(expected.length + 6);
        if (
          expected === undefined ||
          !header.startsWith(expected) ||
          !header.startsWith(' blob ', expected.length) ||
          !/^\d{1,15}$/.test(digits)
        ) {
          throw new GitError(`git cat-file returned '${printable(header)}' for ${expected ?? 'nothing'}`);
        }
        const size = Number(digits);
        if (size > LIMITS.maxFileBytes) {
          this.places.push({ oid: expected, size, offset: -1 });
          this.skip = size + 1;
        } else {
          this.places.push({ oid: expected, size, offset: base + pos });
          this.bodyLeft = size;
          if (size === 0) this.skip = 1;
        }
      }
    }
  }
}

/**
 * A temporary file for git's output, unlinked as soon as it is open (where the platform allows)
 * so nothing is left behind, readable only by this user.
 */
function openSpool(): { fd: number; read: () => Buffer; close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'leash-spool-'));
  const path = join(dir, 'output');
  const fd = openSync(path, 'w+', 0o600);
  let removed = false;
  const remove = () => {
    if (removed) return;
    try {
      unlinkSync(path);
      rmdirSync(dir);
      removed = true;
    } catch {
      // Windows keeps an open file: removed on close.
    }
  };
  remove();
  return {
    fd,
    read: () => {
      const size = fstatSync(fd).size;
      const buf = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const n = readSync(fd, buf, at, size - at, at);
        if (n === 0) break;
        at += n;
      }
      return buf.subarray(0, at);
    },
    // Closing the last handle of a large unlinked file frees its pages, which takes a while:
    // done off the main thread.
    close: () => close(fd, () => remove()),
  };
}

// Branch and tag names, object ids, and the suffixes ~N ^N @{upstream}; no shell or pathspec
// syntax, no ranges.
const REVISION = /^[A-Za-z0-9_./@{}^~-]+$/;

/** Throws GitError unless the revision is a plain revision name (never an option or a range). */
export function checkRevision(revision: string): void {
  if (!REVISION.test(revision) || revision.startsWith('-') || revision.includes('..')) {
    throw new GitError(`'${printable(revision)}' is not a revision name`);
  }
}

/** A policy folder inside the repository: a relative POSIX path without '.', '..' or empty parts. */
export function checkPrefix(prefix: string): string {
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

/** A repository, the policy folder's place in it, and the commits of the revisions asked for. */
export interface OpenedRepository {
  top: string;
  prefix: string;
  commits: string[];
}

/**
 * findRepository and resolveCommit for every revision in one `git rev-parse`. An unknown
 * revision throws GitError naming it.
 */
export async function openRepository(dir: string, revisions: readonly string[]): Promise<OpenedRepository> {
  for (const r of revisions) checkRevision(r);
  let out: string;
  try {
    out = (
      await runGit(dir, [
        'rev-parse',
        '--show-toplevel',
        '--show-prefix',
        '--end-of-options',
        ...revisions.map((r) => `${r}^{commit}`),
        '--',
      ])
    ).toString();
  } catch (error) {
    // Which revision, in the words resolveCommit uses (or the repository's own error).
    const repo = await findRepository(dir);
    for (const r of revisions) await resolveCommit(repo.top, r);
    throw error;
  }
  const lines = out.split('\n');
  // Older git prints --end-of-options back; commits are the hex lines after the first two.
  const commits = lines.slice(2).filter((l) => /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(l));
  if (commits.length !== revisions.length) {
    throw new GitError(`git rev-parse returned ${commits.length} commits for ${revisions.length} revisions`);
  }
  return { top: lines[0]!.trim(), prefix: lines[1]!.trim().replace(/\/$/, ''), commits };
}

/**
 * Where git will find the repository of a folder, found by looking for .git upwards from its
 * real path, as git does: lets the reads start before `git rev-parse` has answered. Only a
 * guess (git has more rules); callers check it against openRepository.
 */
export function guessRepository(dir: string): { top: string; prefix: string } | undefined {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return undefined;
  }
  for (let d = real; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return { top: d, prefix: relative(d, real).split(sep).join('/') };
    if (dirname(d) === d) return undefined;
  }
}

/** Parses one `git ls-tree -z` record ("mode type oid[ size]\tpath"). */
function parseTreeRecord(record: string): TreeEntry {
  const tab = record.indexOf('\t');
  const sp1 = record.indexOf(' ');
  const sp2 = record.indexOf(' ', sp1 + 1);
  // With -l, the size follows the id, padded with spaces; '-' for what is not a blob.
  const sp3 = record.indexOf(' ', sp2 + 1);
  const oidEnd = sp3 >= 0 && sp3 < tab ? sp3 : tab;
  const size = oidEnd < tab ? record.slice(oidEnd, tab).trim() : '-';
  return {
    mode: record.slice(0, sp1),
    type: record.slice(sp1 + 1, sp2),
    oid: record.slice(sp2 + 1, oidEnd),
    path: record.slice(tab + 1),
    ...(size !== '-' ? { size: Number(size) } : {}),
  };
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
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
];

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  // Objects are read as committed: refs/replace/* cannot swap a reviewed file for another.
  env.GIT_NO_REPLACE_OBJECTS = '1';
  // Paths are paths: a file named '*.yaml' or ':(top)x' is never read as a pattern.
  env.GIT_LITERAL_PATHSPECS = '1';
  return env;
}

function spawnGit(
  cwd: string,
  args: string[],
  input = true,
  extraEnv: Readonly<Record<string, string>> = {},
): ChildProcessWithoutNullStreams {
  // Without input, no pipe for stdin: one less pipe to make per process.
  return spawn('git', args, {
    cwd,
    stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...gitEnvironment(), ...extraEnv },
  }) as ChildProcessWithoutNullStreams;
}

function gitFailed(args: string[], code: number | null, err: Buffer[]): GitError {
  const command = args.find((a) => !a.startsWith('-'));
  return Object.assign(
    new GitError(`git ${command} failed: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`),
    { exitCode: code ?? undefined },
  );
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
    const child = spawnGit(cwd, args, true, extraEnv);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitError(`cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(gitFailed(args, code, err));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/**
 * Runs git and hands its output to `onChunk` as it arrives, so the next step starts before git
 * has finished. A throw from `onChunk` stops git and rejects.
 */
function streamGitOutput(cwd: string, args: string[], onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args, false);
    const err: Buffer[] = [];
    let failed: Error | undefined;
    child.stdout.on('data', (b: Buffer) => {
      if (failed) return;
      try {
        onChunk(b);
      } catch (error) {
        failed = error as Error;
        child.kill();
      }
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitError(`cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (failed) return reject(failed);
      if (code !== 0) return reject(gitFailed(args, code, err));
      resolve();
    });
  });
}

/**
 * streamGitOutput for NUL-terminated records: each is decoded alone and handed to `onRecord`
 * (`afterChunk` after each batch of them). Splitting on NUL bytes (never part of a UTF-8
 * character) needs no decoder state and no concatenated text to split.
 */
async function streamGit(
  cwd: string,
  args: string[],
  onRecord: (record: string) => void,
  afterChunk: () => void = () => undefined,
): Promise<void> {
  let carry: Buffer | undefined;
  const take = (chunk: Buffer) => {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nul = buf.indexOf(0); nul >= 0; nul = buf.indexOf(0, start)) {
      if (nul > start) onRecord(buf.toString('utf8', start, nul));
      start = nul + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
    afterChunk();
  };
  await streamGitOutput(cwd, args, take);
  // A last record without its NUL.
  if (carry) take(Buffer.from([0]));
}

/** One side of a changed policy file: its mode and blob id, as `git diff --raw` gives them. */
export interface ChangedSide {
  mode: string;
  /** All zeros for a work-tree file git has not hashed. */
  oid: string;
}

/** A policy file that differs between two revisions (or a revision and the work tree). */
export interface ChangedPath {
  /** Relative to the policy repository. */
  path: string;
  status: 'added' | 'deleted' | 'modified';
  /** The file in base, absent when added. */
  base?: ChangedSide;
  /** The file in head, absent when deleted. */
  head?: ChangedSide;
}

/**
 * The policy files that differ between base and head (a revision, or the work tree when
 * undefined, untracked files included): one `git diff-tree` (`git diff` for the work tree, plus
 * one `git ls-files` for untracked files). Renames come as a deletion and an addition; the diff
 * matches documents by name.
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
  // .gitmodules (at the top, as readPolicyRevision lists it) so a side built from the other's
  // listing and this diff sees submodules appear.
  const paths = [under(CONFIG_FILE), '.gitmodules', ...POLICY_FOLDERS.map(under)];
  const changed: ChangedPath[] = [];
  let meta: string | undefined;
  const diffed = streamGit(
    repoDir,
    head === undefined
      ? [
          'diff',
          '--raw',
          '-z',
          '--no-abbrev',
          '--no-renames',
          '--no-ext-diff',
          '--end-of-options',
          base,
          '--',
          ...paths,
        ]
      : [
          'diff-tree',
          '-r',
          '-z',
          '--no-renames',
          '--end-of-options',
          `${base}^{commit}`,
          `${head}^{commit}`,
          '--',
          ...paths,
        ],
    (record) => {
      if (meta === undefined) {
        meta = record;
        return;
      }
      // ":old-mode new-mode old-oid new-oid status"
      const [oldMode, newMode, oldOid, newOid, status] = meta.slice(1).split(' ');
      meta = undefined;
      const side = (mode: string, oid: string) => (/^0+$/.test(mode) ? undefined : { mode, oid });
      const before = side(oldMode!, oldOid!);
      const after = side(newMode!, newOid!);
      changed.push({
        path: record,
        status: status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified',
        ...(before ? { base: before } : {}),
        ...(after ? { head: after } : {}),
      });
    },
  );
  const others =
    head === undefined
      ? streamGit(repoDir, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...paths], (path) =>
          changed.push({ path, status: 'added', head: { mode: '100644', oid: '0'.repeat(40) } }),
        )
      : Promise.resolve();
  await Promise.all([diffed, others]);
  return changed
    .map((c) => ({
      ...c,
      path: prefix && c.path.startsWith(prefix + '/') ? c.path.slice(prefix.length + 1) : c.path,
    }))
    .sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * Policy files under a folder of a revision that may mention any of the names as a whole name,
 * or hold a backslash (so a name written with escapes is never missed): two `git grep -F`, one
 * for the names as words (git's words are [A-Za-z0-9_], so 'support' does not match
 * 'support2' but may match 'support-2': callers parse the hits to decide), one for backslashes.
 * Fixed strings keep git on its fast search: a regular expression with boundaries is ten times
 * slower over ten thousand files. Only regular files are searched (git grep skips links in a
 * tree).
 */
export async function grepPolicyFiles(
  repoDir: string,
  revision: string,
  folder: string,
  names: readonly string[],
  options: { prefix?: string } = {},
): Promise<string[]> {
  if (names.length === 0) return [];
  checkRevision(revision);
  const prefix = checkPrefix(options.prefix ?? '');
  const path = prefix ? `${prefix}/${folder}` : folder;
  // git grep takes no --end-of-options before a revision; checkRevision refused a leading '-'.
  const grep = async (patterns: string[]) => {
    const hits: string[] = [];
    const args = ['grep', '-l', '-z', '-F', '--no-color', '--no-textconv'];
    args.push(...patterns, `${revision}^{commit}`, '--', path);
    try {
      await streamGit(repoDir, args, (hit) => hits.push(hit));
    } catch (error) {
      // git grep exits 1 when nothing matches.
      if (error instanceof GitError && error.exitCode === 1) return [];
      throw error;
    }
    return hits;
  };
  const found = await Promise.all([grep(['-w', ...names.flatMap((n) => ['-e', n])]), grep(['-e', '\\'])]);
  const named = `${revision}^{commit}:`;
  return [...new Set(found.flat())]
    .map((p) => (p.startsWith(named) ? p.slice(named.length) : p))
    .map((p) => (prefix && p.startsWith(prefix + '/') ? p.slice(prefix.length + 1) : p))
    .sort(comparePaths);
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
  let count = 0;
  let carry: Buffer | undefined;
  await streamGitOutput(
    repoDir,
    [
      'ls-tree',
      '-r',
      '-z',
      '--name-only',
      '--full-tree',
      '--end-of-options',
      `${revision}^{commit}`,
      '--',
      prefix ? `${prefix}/${folder}` : folder,
    ],
    (chunk) => {
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      const end = buf.lastIndexOf(0) + 1;
      // Counted by one regular expression over the names: no loop in JavaScript, so ten
      // thousand names neither make strings nor keep the optimizing compiler busy.
      count += buf.toString('latin1', 0, end).match(POLICY_NAME_END)?.length ?? 0;
      carry = end < buf.length ? buf.subarray(end) : undefined;
    },
  );
  return count;
}

/** The end of a NUL-terminated .yaml or .yml name (isPolicyFileName). */
const POLICY_NAME_END = /\.ya?ml\0/g;
