import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Config } from '../model/generated.js';
import type { ReadResult } from '../source/files.js';
import { CONFIG_FILE, isPolicyFileName, readPolicyDir, readPolicyFilesAt } from '../source/files.js';
import type { ChangedPath, OpenedRepository, TreeEntry } from '../source/git.js';
import {
  BlobReader,
  changedPolicyPaths,
  checkPrefix,
  checkRevision,
  countPolicyFiles,
  findRepository,
  finishReads,
  grepPolicyFiles,
  guessRepository,
  listPolicyPaths,
  listPolicyRevision,
  openRepository,
  readPolicyPaths,
  readTreeEntries,
} from '../source/git.js';
import { loadDiffCore } from './core.js';
import type { BlastRadius } from './types.js';

export interface DiffRevisionsOptions {
  /** The policy repository: a folder inside a git work tree (the work tree's top or below). */
  dir: string;
  base: string;
  /** A revision, or undefined for the work tree as it is on disk. */
  head?: string;
  now: Date;
  /** Read both revisions whole instead of only what the change can reach (the reference). */
  full?: boolean;
}

/** Folders read whole on both sides: small, and every agent depends on them. */
const SHARED_FOLDERS = ['templates', 'tiers', 'systems'] as const;
/** Past this many agents to read, reading everything is as cheap and simpler. */
const MAX_TARGETED_AGENTS = 2000;

/**
 * The blast radius of base..head (head: a revision, or the work tree). Reads only what the
 * change can reach: `git diff-tree` names the changed files with their blob ids; leash.yaml,
 * templates, tiers and systems are read whole on both sides; the agents a changed template,
 * tier, system or environment may reach are found with `git grep -F` on their names in one
 * revision (a file the same on both sides mentions the same names on both) and read with the
 * changed agent files. Everything comes from git objects, the listings streamed into one
 * `git cat-file --batch` that reads a blob the same on both sides once, and the work tree is
 * never touched for a revision. The YAML parsers and validators load while git works. `full:
 * true` reads both revisions whole; a test holds the two equal.
 */
export async function diffRevisions(options: DiffRevisionsOptions): Promise<BlastRadius> {
  checkRevision(options.base);
  if (options.head !== undefined) checkRevision(options.head);
  const dir = resolve(options.dir);
  // Started by diffIn once its reads are under way (git rev-parse is needed last); the same
  // answer for every caller.
  let opened: Promise<OpenedRepository> | undefined;
  const open = () => {
    if (!opened) {
      opened = openRepository(
        dir,
        options.head === undefined ? [options.base] : [options.base, options.head],
      );
      opened.catch(() => undefined);
    }
    return opened;
  };
  // Where the repository is, guessed from the file system, lets every read start now instead
  // of after `git rev-parse`; the guess is checked against git's answer before it counts.
  const guess = guessRepository(dir);
  if (!guess) return diffIn(await open(), open, dir, options);
  const attempt = diffIn({ top: guess.top, prefix: checkPrefix(guess.prefix) }, open, dir, options);
  const [repo, radius] = await Promise.allSettled([open(), attempt]);
  if (repo.status === 'rejected') throw repo.reason;
  if (resolve(repo.value.top) !== resolve(guess.top) || repo.value.prefix !== guess.prefix) {
    return diffIn(repo.value, open, dir, options);
  }
  if (radius.status === 'rejected') throw radius.reason;
  return radius.value;
}

async function diffIn(
  repo: { top: string; prefix: string },
  open: () => Promise<OpenedRepository>,
  dir: string,
  options: DiffRevisionsOptions,
): Promise<BlastRadius> {
  const { top, prefix } = repo;
  const { base, head } = options;
  const headLabel = head ?? 'work tree';
  const commits = async () => {
    const c = (await open()).commits;
    return { base: c[0]!, head: head === undefined ? undefined : c[1]! };
  };
  // A whole revision is spooled (see BlobReader); a targeted read is small, and its changed
  // files come from git diff-tree without their sizes.
  const blobs = new BlobReader(top, { spool: options.full === true });
  if (options.full) {
    const reads = [listPolicyRevision(top, blobs, base, { prefix })];
    if (head !== undefined) reads.push(listPolicyRevision(top, blobs, head, { prefix }));
    blobs.start();
    // Agents are counted as the targeted diff counts them (files, broken ones too), so the two
    // agree on how many are unchanged.
    const headCount = head === undefined ? undefined : countPolicyFiles(top, head, 'agents', { prefix });
    open();
    const sides = loadDiffCore();
    for (const p of [headCount, sides]) p?.catch(() => undefined);
    const onDisk = head === undefined ? readPolicyDir(dir) : undefined;
    const [baseRead, headRead] = await finishReads(blobs, reads);
    const [{ diffWholeReads }, c, headAgentCount] = await Promise.all([
      sides,
      commits(),
      headCount ?? countWorkTreeAgents(dir),
    ]);
    return diffWholeReads(
      { read: baseRead!, revision: base, commit: c.base },
      { read: onDisk ?? headRead!, revision: headLabel, ...(c.head ? { commit: c.head } : {}) },
      { now: options.now, headAgentCount },
    );
  }
  // Everything that does not depend on another read starts at once: git processes are most of
  // the cost of a small diff, and they run while the parsers load. Head's shared files are
  // base's listing with the changes diff-tree names applied: one ls-tree fewer.
  // The longest first: diff-tree, whose answer the last reads wait for.
  const changedRead = changedPolicyPaths(top, base, head, { prefix });
  const baseSharedRead = listPolicyRevision(top, blobs, base, {
    prefix,
    folders: SHARED_FOLDERS,
    keepEntries: true,
  });
  blobs.start();
  const headCount = head === undefined ? undefined : countPolicyFiles(top, head, 'agents', { prefix });
  // Awaited later: a failure before then must not count as unhandled.
  headCount?.catch(() => undefined);
  open();
  const headOnDisk = head === undefined ? readPolicyDir(dir, { folders: SHARED_FOLDERS }) : undefined;
  const headAgentsOnDisk = head === undefined ? countWorkTreeAgents(dir) : undefined;
  let changed: ChangedPath[];
  try {
    [changed] = await Promise.all([changedRead, baseSharedRead.listed]);
  } catch (error) {
    blobs.abort();
    throw error;
  }
  const changedAgents = changed.filter((c) => c.path.startsWith('agents/'));
  // On disk only policy files are read (readPolicyDir's rule); git's entries are sorted by
  // readTreeEntries, which reports links and submodules whatever their name.
  const changedOnDisk = changedAgents.filter((c) => c.head && isPolicyFileName(c.path)).map((c) => c.path);
  const reads = [baseSharedRead, readTreeEntries(blobs, entriesOf(changedAgents, 'base'))];
  if (head !== undefined) {
    reads.push(
      readTreeEntries(blobs, patchEntries(baseSharedRead.entries(), changed)),
      readTreeEntries(blobs, entriesOf(changedAgents, 'head')),
    );
  }
  // Everything is asked for: git answers while the parsers load (in the CLI synchronously, from
  // a code cache; earlier, they would hold up the listings on their way to git cat-file).
  blobs.endInput();
  const sides = loadDiffCore();
  sides.catch(() => undefined);
  const [baseShared, baseChanged, headSharedRead, headChangedRead] = await finishReads(blobs, reads);
  const headShared = headOnDisk ?? headSharedRead!;
  const headChanged = head === undefined ? readPolicyFilesAt(dir, changedOnDisk) : headChangedRead!;
  const { reachNames, diffTargetedReads, createLoadCache } = await sides;
  const cache = createLoadCache();
  const names = reachNames(baseShared!, headShared, cache);
  let reached: ReadResult = { files: [], diagnostics: [] };
  if (names.length > 0) {
    // A file whose blob is the same on both sides mentions the same names on both: one side is
    // searched (the revision, when head is the work tree), and a hit the change did not touch
    // is read once for both.
    const searched = head ?? base;
    const touched = new Set(changed.map((c) => c.path));
    const hits = (await grepPolicyFiles(top, searched, 'agents', names, { prefix })).filter(
      (p) => isPolicyFileName(p) && !touched.has(p),
    );
    if (hits.length + changedAgents.length > MAX_TARGETED_AGENTS) {
      return diffRevisions({ ...options, full: true });
    }
    reached = await readHits(top, searched, hits, prefix);
  }
  const [c, headAgentCount] = await Promise.all([commits(), headCount ?? headAgentsOnDisk!]);
  return diffTargetedReads(
    { revision: base, commit: c.base, shared: baseShared!, agents: merge(baseChanged!, reached) },
    {
      revision: headLabel,
      ...(c.head ? { commit: c.head } : {}),
      shared: headShared,
      agents: merge(headChanged, reached),
    },
    { now: options.now, headAgentCount, cache },
  );
}

/** Whether a path is read with the shared folders (readPolicyRevision's listing of them). */
const isShared = (path: string) =>
  path === CONFIG_FILE || path === '.gitmodules' || SHARED_FOLDERS.some((f) => path.startsWith(`${f}/`));

/**
 * One side's shared entries from the other side's listing and the changes between them: a
 * changed file takes its entry on this side (without its size: the blob reader streams it and
 * skips it if too large), a file absent on this side goes.
 */
function patchEntries(listed: readonly TreeEntry[], changed: readonly ChangedPath[]): TreeEntry[] {
  const byPath = new Map(listed.map((e) => [e.path, e]));
  for (const c of changed) {
    if (!isShared(c.path)) continue;
    if (c.head) byPath.set(c.path, entryOf(c.path, c.head));
    else byPath.delete(c.path);
  }
  return [...byPath.values()];
}

function entryOf(path: string, side: { mode: string; oid: string }): TreeEntry {
  return { mode: side.mode, type: side.mode === '160000' ? 'commit' : 'blob', oid: side.oid, path };
}

/** The changed files' entries on one side (absent where the file does not exist there). */
function entriesOf(changed: ChangedPath[], side: 'base' | 'head'): TreeEntry[] {
  return changed.flatMap((c) => (c[side] ? [entryOf(c.path, c[side])] : []));
}

async function readHits(top: string, revision: string, paths: string[], prefix: string): Promise<ReadResult> {
  if (paths.length === 0) return { files: [], diagnostics: [] };
  const blobs = new BlobReader(top, { spool: true });
  blobs.start();
  const [read] = await finishReads(blobs, [listPolicyPaths(top, blobs, revision, paths, prefix)]);
  return read!;
}

function merge(a: ReadResult, b: ReadResult): ReadResult {
  return { files: [...a.files, ...b.files], diagnostics: [...a.diagnostics, ...b.diagnostics] };
}

function countWorkTreeAgents(dir: string): number {
  let count = 0;
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && depth < 16) walk(`${rel}/${e.name}`, depth + 1);
      else if (e.isFile() && isPolicyFileName(e.name)) count++;
    }
  };
  walk('agents', 0);
  return count;
}

/** Thrown when the base revision's leash.yaml exists but cannot be read: sign-off fails closed. */
export class BaseConfigError extends Error {
  override name = 'BaseConfigError';
}

/**
 * The leash.yaml of a revision, for sign-off rules (always the BASE revision's). Undefined when
 * the revision has none; a leash.yaml that exists but is broken throws: rules that cannot be
 * read must never mean "no sign-off needed".
 */
export async function readConfigAt(dir: string, revision: string): Promise<Config | undefined> {
  const abs = resolve(dir);
  const repo = await findRepository(abs);
  const prefix = relative(repo.top, abs).split('\\').join('/');
  const sides = loadDiffCore();
  sides.catch(() => undefined);
  const read = await readPolicyPaths(repo.top, revision, ['leash.yaml'], { prefix });
  if (read.files.length === 0 && read.diagnostics.length === 0) return undefined;
  const { config, problems } = (await sides).loadConfig(read);
  if (config) return config;
  throw new BaseConfigError(
    `leash.yaml in ${revision} cannot be read (${problems.join('; ')}); sign-off cannot be computed`,
  );
}
