import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildPolicyIndex } from '../compile/policy-index.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { SourceFile } from '../model/document.js';
import type { Config } from '../model/generated.js';
import { canonicalJson } from '../lint/grant-text.js';
import type { ReadResult } from '../source/files.js';
import { isPolicyFileName, readPolicyDir, readPolicyFilesAt } from '../source/files.js';
import {
  changedPolicyPaths,
  countPolicyFiles,
  findRepository,
  grepPolicyFiles,
  readPolicyPaths,
  readPolicyRevision,
  resolveCommit,
} from '../source/git.js';
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
  /** Read both revisions whole instead of only what the change can reach (the reference). */
  full?: boolean;
}

/** Folders read whole on both sides: small, and every agent depends on them. */
const SHARED_FOLDERS = ['templates', 'tiers', 'systems'] as const;
/** Past this many agents to read, reading everything is as cheap and simpler. */
const MAX_TARGETED_AGENTS = 2000;

/**
 * The blast radius of base..head (head: a revision, or the work tree). Reads only what the
 * change can reach: `git diff` names the changed files; leash.yaml, templates, tiers and systems
 * are read whole on both sides; the agents a changed template, tier, system or environment may
 * reach are found with `git grep -F` on their names and read with the changed agent files.
 * Everything comes from git objects in a few batched processes, and the work tree is never
 * touched for a revision. `full: true` reads both revisions whole; a test holds the two equal.
 */
export async function diffRevisions(options: DiffRevisionsOptions): Promise<BlastRadius> {
  const dir = resolve(options.dir);
  const repo = await findRepository(dir);
  const prefix = relative(repo.top, dir).split('\\').join('/');
  const cache = createLoadCache();
  const headLabel = options.head ?? 'work tree';
  const commits = Promise.all([
    resolveCommit(repo.top, options.base),
    options.head === undefined ? Promise.resolve(undefined) : resolveCommit(repo.top, options.head),
  ]);
  if (options.full) {
    const [[baseCommit, headCommit], baseRead, headRead] = await Promise.all([
      commits,
      readPolicyRevision(repo.top, options.base, { prefix }),
      options.head === undefined
        ? readPolicyDir(dir)
        : readPolicyRevision(repo.top, options.head, { prefix }),
    ]);
    return diffSides(
      loadSide(baseRead, options.base, baseCommit, cache),
      loadSide(headRead, headLabel, headCommit, cache),
      { now: options.now },
    );
  }
  // Independent reads at once: git processes are most of the cost of a small diff.
  const [[baseCommit, headCommit], changed, baseShared, headShared] = await Promise.all([
    commits,
    changedPolicyPaths(repo.top, options.base, options.head, { prefix }),
    readPolicyRevision(repo.top, options.base, { prefix, folders: SHARED_FOLDERS }),
    options.head === undefined
      ? readPolicyDir(dir, { folders: SHARED_FOLDERS })
      : readPolicyRevision(repo.top, options.head, { prefix, folders: SHARED_FOLDERS }),
  ]);
  const agentPaths = new Set(changed.map((c) => c.path).filter((p) => p.startsWith('agents/')));
  const strings = reachStrings(baseShared, headShared, cache);
  if (strings.length > 0) {
    const [inBase, inHead] = await Promise.all([
      grepPolicyFiles(repo.top, options.base, 'agents', strings, { prefix }),
      grepPolicyFiles(repo.top, options.head, 'agents', strings, { prefix }),
    ]);
    for (const p of [...inBase, ...inHead]) if (isPolicyFileName(p)) agentPaths.add(p);
  }
  if (agentPaths.size > MAX_TARGETED_AGENTS) return diffRevisions({ ...options, full: true });
  const paths = [...agentPaths].sort();
  const [baseAgents, headAgents, headAgentCount] = await Promise.all([
    readPolicyPaths(repo.top, options.base, paths, { prefix }),
    options.head === undefined
      ? readPolicyFilesAt(dir, paths)
      : readPolicyPaths(repo.top, options.head, paths, { prefix }),
    options.head === undefined
      ? countWorkTreeAgents(dir)
      : countPolicyFiles(repo.top, options.head, 'agents', { prefix }),
  ]);
  return diffSides(
    loadSide(merge(baseShared, baseAgents), options.base, baseCommit, cache),
    loadSide(merge(headShared, headAgents), headLabel, headCommit, cache),
    { now: options.now, headAgentCount },
  );
}

function merge(a: ReadResult, b: ReadResult): ReadResult {
  return { files: [...a.files, ...b.files], diagnostics: [...a.diagnostics, ...b.diagnostics] };
}

/**
 * Names whose mention in an agent file may put the agent in the blast radius: changed templates
 * and tiers, changed systems and the templates that reach them, environments whose production
 * flag changed. grepPolicyFiles also returns every file holding a backslash, so a name written
 * with escapes ("supp\x6frt") cannot hide an agent. Hits are parsed before anything is
 * concluded from them.
 */
function reachStrings(base: ReadResult, head: ReadResult, cache: LoadCache): string[] {
  const before = loadPolicyFiles(base.files, { cache });
  const after = loadPolicyFiles(head.files, { cache });
  const data = (docs: typeof before.documents) => new Map(docs.map((d) => [`${d.kind}\0${d.name}`, d]));
  const b = data(before.documents);
  const a = data(after.documents);
  const names = new Set<string>();
  const changedSystems = new Set<string>();
  const fileNames = (files: SourceFile[]) => new Map(files.map((f) => [f.path, f.text]));
  const bt = fileNames(base.files);
  const at = fileNames(head.files);
  // Any shared file that changed, broken or not, by its name (file name = metadata.name).
  for (const path of new Set([...bt.keys(), ...at.keys()])) {
    if (bt.get(path) === at.get(path) || path === 'leash.yaml') continue;
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
    names.add(name);
    if (path.startsWith('systems/')) changedSystems.add(name);
  }
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const x = b.get(key);
    const y = a.get(key);
    if (x && y && x.file === y.file && (x.data === y.data || canonicalJson(x.data) === canonicalJson(y.data)))
      continue;
    const doc = (y ?? x)!;
    if (doc.kind === 'Config') continue;
    names.add(doc.name);
    if (doc.kind === 'System') changedSystems.add(doc.name);
  }
  // Templates that reach a changed system reach its agents through the template.
  for (const docs of [before.documents, after.documents]) {
    for (const doc of docs) {
      if (doc.kind === 'Template' && doc.data.spec.grants.some((g) => changedSystems.has(g.system)))
        names.add(doc.name);
    }
  }
  // Environments whose production flag changed reach every agent in them.
  const envs = (docs: typeof before.documents) => {
    const config = docs.find((d) => d.kind === 'Config');
    return config?.kind === 'Config' ? (config.data.spec.environments ?? {}) : undefined;
  };
  const eb = envs(before.documents);
  const ea = envs(after.documents);
  if (canonicalJson(eb ?? null) !== canonicalJson(ea ?? null)) {
    const prod = (e: typeof eb, n: string) =>
      e?.[n]?.production ?? (e ? false : n === 'production' || n === 'prod');
    for (const n of new Set([...Object.keys(eb ?? {}), ...Object.keys(ea ?? {}), 'production', 'prod'])) {
      if (prod(eb, n) !== prod(ea, n)) names.add(n);
    }
  }
  // A leash.yaml broken on one side hides which environments are production: every agent.
  const brokenConfig = (r: ReadResult, l: typeof before) =>
    r.files.some((f) => f.path === 'leash.yaml') && !l.documents.some((d) => d.kind === 'Config');
  if (brokenConfig(base, before) !== brokenConfig(head, after)) names.add('environment');
  return [...names].sort();
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
    texts,
  };
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
  const read = await readPolicyPaths(repo.top, revision, ['leash.yaml'], { prefix });
  if (read.files.length === 0 && read.diagnostics.length === 0) return undefined;
  const loaded = loadPolicyFiles(read.files);
  const config = loaded.documents.find((d) => d.kind === 'Config');
  if (!config || config.kind !== 'Config') {
    const problems = [...read.diagnostics, ...loaded.diagnostics]
      .map((d) => `${d.ruleId}: ${d.message}`)
      .join('; ');
    throw new BaseConfigError(
      `leash.yaml in ${revision} cannot be read (${problems}); sign-off cannot be computed`,
    );
  }
  return config.data;
}
