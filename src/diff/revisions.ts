import { relative, resolve } from 'node:path';
import { buildPolicyIndex } from '../compile/policy-index.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { ReadResult } from '../source/files.js';
import { readPolicyDir } from '../source/files.js';
import { findRepository, readPolicyRevision, resolveCommit } from '../source/git.js';
import type { LoadCache } from '../source/load.js';
import { createLoadCache, loadPolicyFiles } from '../source/load.js';
import { locateDiagnostics } from '../source/positions.js';
import { diffSides } from './diff.js';
import type { DiffSide } from './diff.js';
import type { BlastRadius } from './types.js';

export interface DiffRevisionsOptions {
  /** The policy repository: a folder inside a git work tree (the work tree's top or below). */
  dir: string;
  base: string;
  /** A revision, or undefined for the work tree as it is on disk. */
  head?: string;
  now: Date;
}

/**
 * Reads base (and head, or the work tree) straight from git objects, one ls-tree and one
 * cat-file per revision, never touching the work tree for a revision; parses each file
 * unchanged between the two once; and computes the blast radius.
 */
export async function diffRevisions(options: DiffRevisionsOptions): Promise<BlastRadius> {
  const dir = resolve(options.dir);
  const repo = await findRepository(dir);
  const prefix = relative(repo.top, dir).split('\\').join('/');
  const cache = createLoadCache();
  const [baseRead, baseCommit] = await Promise.all([
    readPolicyRevision(repo.top, options.base, { prefix }),
    resolveCommit(repo.top, options.base),
  ]);
  const base = loadSide(baseRead, options.base, baseCommit, cache);
  let head: DiffSide;
  if (options.head === undefined) {
    head = loadSide(readPolicyDir(dir), 'work tree', undefined, cache);
  } else {
    const [headRead, headCommit] = await Promise.all([
      readPolicyRevision(repo.top, options.head, { prefix }),
      resolveCommit(repo.top, options.head),
    ]);
    head = loadSide(headRead, options.head, headCommit, cache);
  }
  return diffSides(base, head, { now: options.now });
}

/** Loads one side: documents, index, and its read and load problems with positions. */
export function loadSide(
  read: ReadResult,
  revision: string,
  commit: string | undefined,
  cache: LoadCache,
): DiffSide {
  const loaded = loadPolicyFiles(read.files, { cache });
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const diagnostics = sortDiagnostics(
    locateDiagnostics([...read.diagnostics, ...loaded.diagnostics], (f) => texts.get(f), loaded.locators),
  );
  return {
    revision,
    ...(commit ? { commit } : {}),
    documents: loaded.documents,
    index: buildPolicyIndex(loaded.documents, loaded.brokenNames),
    diagnostics,
  };
}
