import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildPolicyIndex } from '../compile/policy-index.js';
import { sortDiagnostics } from '../model/diagnostic.js';
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
  const strings = reachNames(baseShared, headShared, cache);
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
  const needed = sharedFilesNeeded([baseShared, headShared], [baseAgents, headAgents], cache);
  const pick = (r: ReadResult): ReadResult => ({
    files: r.files.filter((f) => needed.has(f.path)),
    diagnostics: r.diagnostics.filter((d) => needed.has(d.file)),
  });
  return diffSides(
    loadSide(merge(pick(baseShared), baseAgents), options.base, baseCommit, cache),
    loadSide(merge(pick(headShared), headAgents), headLabel, headCommit, cache),
    { now: options.now, headAgentCount },
  );
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');

/**
 * The shared files a targeted diff must load, the same set on both sides: leash.yaml, every
 * tier, every shared file that differs between the sides, and the templates and systems the
 * agents read reach (directly, or through their templates). The rest are unchanged and feed no
 * agent in the radius, so they are never parsed.
 */
function sharedFilesNeeded(shared: ReadResult[], agents: ReadResult[], cache: LoadCache): Set<string> {
  const texts = shared.map((r) => new Map(r.files.map((f) => [f.path, f.text])));
  const paths = new Set(shared.flatMap((r) => r.files.map((f) => f.path)));
  const byName = (folder: string) => {
    const m = new Map<string, string[]>();
    for (const p of paths) {
      if (!p.startsWith(folder + '/')) continue;
      m.set(baseName(p), [...(m.get(baseName(p)) ?? []), p]);
    }
    return m;
  };
  const templates = byName('templates');
  const systems = byName('systems');
  const needed = new Set<string>();
  for (const p of paths) {
    if (p === 'leash.yaml' || p.startsWith('tiers/') || texts[0]!.get(p) !== texts[1]!.get(p)) needed.add(p);
  }
  // The problems of shared files that could not be decoded are reported with the rest.
  for (const r of shared) for (const d of r.diagnostics) needed.add(d.file);
  const systemNames = new Set<string>();
  const templateNames = new Set<string>();
  for (const side of agents) {
    for (const doc of loadPolicyFiles(side.files, { cache }).documents) {
      if (doc.kind !== 'Agent') continue;
      for (const g of doc.data.spec.grants ?? []) {
        if ('template' in g) templateNames.add(g.template);
        else systemNames.add(g.system);
      }
    }
  }
  for (const name of templateNames) for (const p of templates.get(name) ?? []) needed.add(p);
  for (const r of shared) {
    const picked = r.files.filter((f) => f.path.startsWith('templates/') && needed.has(f.path));
    for (const doc of loadPolicyFiles(picked, { cache }).documents) {
      if (doc.kind === 'Template') for (const g of doc.data.spec.grants) systemNames.add(g.system);
    }
  }
  for (const name of systemNames) for (const p of systems.get(name) ?? []) needed.add(p);
  return needed;
}

function merge(a: ReadResult, b: ReadResult): ReadResult {
  return { files: [...a.files, ...b.files], diagnostics: [...a.diagnostics, ...b.diagnostics] };
}

/**
 * Names whose mention in an agent file may put the agent in the blast radius: changed
 * templates, tiers and systems (any shared file whose text differs, broken or not: its file
 * name is its name), templates that mention a changed system, and environments whose
 * production flag changed. grepPolicyFiles also returns every file holding a backslash, so a
 * name written with escapes ("supp\x6frt") cannot hide an agent. Only leash.yaml is parsed
 * here; hits are parsed before anything is concluded from them.
 */
function reachNames(base: ReadResult, head: ReadResult, cache: LoadCache): string[] {
  const bt = new Map(base.files.map((f) => [f.path, f.text]));
  const at = new Map(head.files.map((f) => [f.path, f.text]));
  const names = new Set<string>();
  const changedSystems = new Set<string>();
  const unreadable = new Set([...base.diagnostics, ...head.diagnostics].map((d) => d.file));
  for (const path of new Set([...bt.keys(), ...at.keys(), ...unreadable])) {
    if (path === 'leash.yaml' || (bt.get(path) === at.get(path) && !unreadable.has(path))) continue;
    names.add(baseName(path));
    if (path.startsWith('systems/')) changedSystems.add(baseName(path));
  }
  // Templates that mention a changed system reach its agents through the template.
  if (changedSystems.size > 0) {
    const mention = new RegExp(
      `(^|[^a-z0-9-])(${[...changedSystems].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})($|[^a-z0-9-])`,
    );
    for (const texts of [bt, at]) {
      for (const [path, text] of texts)
        if (path.startsWith('templates/') && mention.test(text)) names.add(baseName(path));
    }
  }
  // Environments whose production flag changed reach every agent in them.
  const config = (r: ReadResult) => {
    const loaded = loadPolicyFiles(
      r.files.filter((f) => f.path === 'leash.yaml'),
      { cache },
    );
    return {
      present: r.files.some((f) => f.path === 'leash.yaml'),
      doc: loaded.documents.find((d) => d.kind === 'Config'),
    };
  };
  const cb = config(base);
  const ca = config(head);
  const envs = (c: typeof cb) =>
    c.doc?.kind === 'Config' ? (c.doc.data.spec.environments ?? {}) : undefined;
  const eb = envs(cb);
  const ea = envs(ca);
  if (canonicalJson(eb ?? null) !== canonicalJson(ea ?? null)) {
    const prod = (e: typeof eb, n: string) =>
      e?.[n]?.production ?? (e ? false : n === 'production' || n === 'prod');
    for (const n of new Set([...Object.keys(eb ?? {}), ...Object.keys(ea ?? {}), 'production', 'prod'])) {
      if (prod(eb, n) !== prod(ea, n)) names.add(n);
    }
  }
  // A leash.yaml broken on one side hides which environments are production: every agent
  // ('environment' is a key of every agent file).
  const broken = (c: typeof cb) => c.present && !c.doc;
  if (broken(cb) !== broken(ca)) names.add('environment');
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
