// The parsing half of diffRevisions: loaded on demand (the YAML parsers and schema validators
// are most of the CLI's code) while the git reads it waits for are already under way.
import { buildPolicyIndex } from '../compile/policy-index.js';
import { canonicalJson } from '../lint/grant-text.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { Config } from '../model/generated.js';
import type { ReadResult } from '../source/files.js';
import type { LoadCache } from '../source/load.js';
import { createLoadCache, loadPolicyFiles } from '../source/load.js';
import { locateDiagnostics } from '../source/positions.js';
import { diffSides } from './diff.js';
import type { DiffSide } from './diff.js';
import type { BlastRadius } from './types.js';

export { createLoadCache };

/** One side as read: its files, the revision's name, and its commit (absent for the work tree). */
export interface SideRead {
  read: ReadResult;
  revision: string;
  commit?: string;
}

/** The blast radius of two sides each read whole. */
export function diffWholeReads(
  base: SideRead,
  head: SideRead,
  options: { now: Date; headAgentCount: number },
): BlastRadius {
  const cache = createLoadCache();
  return diffSides(loadSide(base, cache), loadSide(head, cache), options);
}

/** What a targeted diff read of each side: the shared folders whole, and some agents. */
export interface TargetedSide extends Omit<SideRead, 'read'> {
  /** leash.yaml, templates, tiers and systems. */
  shared: ReadResult;
  /** The agents the change can reach. */
  agents: ReadResult;
}

/**
 * The blast radius from the shared folders and the agents the change can reach. Only the shared
 * files those agents use (and every one that changed) are parsed; a file the same on both sides
 * is parsed once.
 */
export function diffTargetedReads(
  base: TargetedSide,
  head: TargetedSide,
  options: { now: Date; headAgentCount: number; cache: LoadCache },
): BlastRadius {
  const { cache } = options;
  const needed = sharedFilesNeeded([base.shared, head.shared], [base.agents, head.agents], cache);
  const pick = (r: ReadResult): ReadResult => ({
    files: r.files.filter((f) => needed.has(f.path)),
    diagnostics: r.diagnostics.filter((d) => needed.has(d.file)),
  });
  const side = (s: TargetedSide): SideRead => ({
    revision: s.revision,
    ...(s.commit ? { commit: s.commit } : {}),
    read: merge(pick(s.shared), s.agents),
  });
  return diffSides(loadSide(side(base), cache), loadSide(side(head), cache), {
    now: options.now,
    headAgentCount: options.headAgentCount,
  });
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
      const name = baseName(p);
      const same = m.get(name);
      if (same) same.push(p);
      else m.set(name, [p]);
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
 * production flag changed. The search for them (grepPolicyFiles) also returns every file
 * holding a backslash, so a name written with escapes ("supp\x6frt") cannot hide an agent.
 * Only leash.yaml is parsed here; hits are parsed before anything is concluded from them.
 */
export function reachNames(base: ReadResult, head: ReadResult, cache: LoadCache): string[] {
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

/** Loads one side: documents, index, and its read and load problems with positions. */
export function loadSide(side: SideRead, cache: LoadCache): DiffSide {
  const { read } = side;
  const loaded = loadPolicyFiles(read.files, { cache });
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const diagnostics = sortDiagnostics(
    locateDiagnostics([...read.diagnostics, ...loaded.diagnostics], (f) => texts.get(f), loaded.locators),
  );
  return {
    revision: side.revision,
    ...(side.commit ? { commit: side.commit } : {}),
    documents: loaded.documents,
    index: buildPolicyIndex(loaded.documents, loaded.brokenNames),
    diagnostics,
    texts,
  };
}

/**
 * The leash.yaml in a read of only that file: its data, undefined when there is none, or the
 * problems that keep it from being read.
 */
export function loadConfig(read: ReadResult): { config?: Config; problems: string[] } {
  const loaded = loadPolicyFiles(read.files);
  const config = loaded.documents.find((d) => d.kind === 'Config');
  if (config?.kind === 'Config') return { config: config.data, problems: [] };
  return {
    problems: [...read.diagnostics, ...loaded.diagnostics].map((d) => `${d.ruleId}: ${d.message}`),
  };
}
