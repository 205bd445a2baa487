import type { EffectiveAgent, Permission } from '../compile/compile.js';
import { compileModel } from '../compile/compile.js';
import type { PolicyIndex } from '../compile/policy-index.js';
import { isGlob, parseLeashDate } from '../compile/policy-index.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyDocument } from '../model/document.js';
import { isExecutingMode, rankMode } from '../model/modes.js';
import { canonicalJson } from '../lint/grant-text.js';
import { scoreAgent, scoreChange } from './risk.js';
import type { AgentDelta, BlastRadius, DocumentChange, PermissionChange } from './types.js';

/** One side of a diff: a revision's loaded documents and their index. */
export interface DiffSide {
  revision: string;
  commit?: string;
  documents: readonly PolicyDocument[];
  index: PolicyIndex;
  /** Problems reading this side; errors in files the change touches go into the blast radius. */
  diagnostics: readonly Diagnostic[];
  /** The text of every file read, by path: which files the change touches. */
  texts: ReadonlyMap<string, string>;
}

/**
 * The blast radius of base..head: which documents changed, which agents they reach (fan-out),
 * and for each of those agents what it gains, loses, and holds more or less of. Pure: the
 * same sides and `now` give the same result.
 */
export function diffSides(
  base: DiffSide,
  head: DiffSide,
  options: { now: Date; /** Agents in head, when head holds only some of them. */ headAgentCount?: number },
): BlastRadius {
  const documents = diffDocuments(base, head);
  const fanOut = new Map<string, Set<string>>();
  for (const change of documents) {
    change.agents = [...agentsReachedBy(change, base.index, head.index)].sort();
    for (const agent of change.agents) {
      const set = fanOut.get(agent) ?? new Set<string>();
      set.add(describeDocument(change));
      fanOut.set(agent, set);
    }
  }
  // An agent fed by a document broken on either side (its own file, a template, its tier, a
  // system) cannot be compared: the diagnostic and the document change say so, and a broken
  // file is never taken for a loss, a removal or an addition.
  const isBroken = (change: DocumentChange) =>
    (base.index.brokenNames.get(change.kind)?.has(change.name) ?? false) ||
    (head.index.brokenNames.get(change.kind)?.has(change.name) ?? false);
  for (const change of documents) {
    if (isBroken(change)) for (const name of change.agents) fanOut.delete(name);
  }
  for (const change of documents) {
    if (change.kind === 'Agent') change.agents = change.agents.filter((a) => fanOut.has(a));
  }
  const only = new Set(fanOut.keys());
  const before = byName(compileModel(base.index, { now: options.now, only }).agents);
  const after = byName(compileModel(head.index, { now: options.now, only }).agents);
  const agents: AgentDelta[] = [];
  for (const name of [...only].sort()) {
    const delta = diffAgent(name, before.get(name), after.get(name), [...(fanOut.get(name) ?? [])].sort());
    if (delta) agents.push(delta);
  }
  agents.sort((a, b) => b.risk.score - a.risk.score || (a.name < b.name ? -1 : 1));
  const governance = diffGovernance(base, head, documents);
  const governanceChanged =
    governance.configChanged ||
    governance.approvalRulesChanged ||
    governance.approverGroupsChanged ||
    governance.tiersChanged.length > 0;
  // A tier move of a kept agent may loosen its bounds, so it is no removal; an agent removed
  // has a tier only before, which is no move.
  const grants = agents.some(
    (a) =>
      a.change === 'added' ||
      a.gained.length > 0 ||
      a.widened.length > 0 ||
      (a.change === 'changed' && a.tier.before !== a.tier.after),
  );
  const removes = agents.some((a) => a.change === 'removed' || a.lost.length > 0 || a.narrowed.length > 0);
  const headAgents = options.headAgentCount ?? head.index.agents.length;
  // A file broken before the change is not this change's problem; one it breaks or touches is.
  const touched = (file: string) => base.texts.get(file) !== head.texts.get(file);
  const radius: BlastRadius = {
    formatVersion: 1,
    base: { revision: base.revision, ...(base.commit ? { commit: base.commit } : {}) },
    head: { revision: head.revision, ...(head.commit ? { commit: head.commit } : {}) },
    asOf: options.now.toISOString(),
    documents,
    agents,
    unchangedAgents: headAgents - agents.filter((a) => a.change !== 'removed').length,
    governance,
    removalOnly: removes && !grants && !governanceChanged,
    risk: scoreChange(agents, governanceChanged),
    headline: '',
    diagnostics: [
      ...base.diagnostics
        .filter((d) => d.severity === 'error' && touched(d.file))
        .map((d) => ({ ...d, message: `in ${base.revision}: ${d.message}` })),
      ...head.diagnostics
        .filter((d) => d.severity === 'error' && touched(d.file))
        .map((d) => ({ ...d, message: `in ${head.revision}: ${d.message}` })),
    ],
  };
  radius.headline = headline(radius);
  return radius;
}

function byName(agents: EffectiveAgent[]): Map<string, EffectiveAgent> {
  return new Map(agents.map((a) => [a.name, a]));
}

function documentKey(doc: PolicyDocument): string {
  return `${doc.kind}\0${doc.name}`;
}

/** Documents added, removed, modified or moved, by (kind, name); data compared, not text. */
function diffDocuments(base: DiffSide, head: DiffSide): DocumentChange[] {
  const before = new Map(base.documents.map((d) => [documentKey(d), d]));
  const after = new Map(head.documents.map((d) => [documentKey(d), d]));
  const out: DocumentChange[] = [];
  for (const [key, doc] of after) {
    const old = before.get(key);
    if (!old) {
      // A document broken in base is not new: its file existed, it just could not be read.
      const broken = base.index.brokenNames.get(doc.kind)?.has(doc.name);
      out.push({
        kind: doc.kind,
        name: doc.name,
        change: broken ? 'modified' : 'added',
        file: doc.file,
        agents: [],
      });
    } else if (old.file !== doc.file) {
      out.push({
        kind: doc.kind,
        name: doc.name,
        change: 'renamed',
        file: doc.file,
        previousFile: old.file,
        agents: [],
      });
    } else if (old.data !== doc.data && canonicalJson(old.data) !== canonicalJson(doc.data)) {
      out.push({ kind: doc.kind, name: doc.name, change: 'modified', file: doc.file, agents: [] });
    }
  }
  for (const [key, doc] of before) {
    if (after.has(key)) continue;
    const broken = head.index.brokenNames.get(doc.kind)?.has(doc.name);
    out.push({
      kind: doc.kind,
      name: doc.name,
      change: broken ? 'modified' : 'removed',
      file: doc.file,
      agents: [],
    });
  }
  return out.sort((a, b) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

function describeDocument(change: DocumentChange): string {
  return change.kind === 'Config' ? 'leash.yaml' : `${change.kind} ${change.name} (${change.file})`;
}

/** The agents, on either side, whose effective permissions a changed document feeds. */
function agentsReachedBy(change: DocumentChange, base: PolicyIndex, head: PolicyIndex): Set<string> {
  const out = new Set<string>();
  for (const index of [base, head]) {
    for (const agent of index.agents) {
      const spec = agent.data.spec;
      switch (change.kind) {
        case 'Agent':
          if (agent.name === change.name) out.add(agent.name);
          break;
        case 'Template':
          if ((spec.grants ?? []).some((g) => 'template' in g && g.template === change.name))
            out.add(agent.name);
          break;
        case 'RiskTier':
          if (spec.tier === change.name) out.add(agent.name);
          break;
        case 'System':
          if (index.grantSites(agent).some((s) => s.grant.system === change.name)) out.add(agent.name);
          break;
        case 'Config':
          // Environments decide what is production; everything else in leash.yaml feeds no
          // permission. Agents whose environment changed meaning are the fan-out.
          if (base.isProduction(spec.environment) !== head.isProduction(spec.environment))
            out.add(agent.name);
          break;
      }
    }
  }
  return out;
}

function permissionKey(p: Permission): string {
  return `${p.system}/${p.resource}.${p.action}`;
}

/** What changed for one agent; undefined when its effective permissions did not change. */
export function diffAgent(
  name: string,
  before: EffectiveAgent | undefined,
  after: EffectiveAgent | undefined,
  causes: string[],
): AgentDelta | undefined {
  const subject = (after ?? before)!;
  if (!subject) return undefined;
  const old = new Map((before?.permissions ?? []).map((p) => [permissionKey(p), p]));
  const now = new Map((after?.permissions ?? []).map((p) => [permissionKey(p), p]));
  const gained: PermissionChange[] = [];
  const lost: PermissionChange[] = [];
  const widened: PermissionChange[] = [];
  const narrowed: PermissionChange[] = [];
  for (const [key, p] of now) {
    const q = old.get(key);
    if (!q) {
      const wildcard = p.sources.map((s) => s.resourcePattern).find((r) => r !== undefined && isGlob(r));
      gained.push({
        change: 'gained',
        system: p.system,
        resource: p.resource,
        action: p.action,
        after: p,
        details: [],
        facts: wildcard ? { viaWildcard: wildcard } : {},
      });
      continue;
    }
    const compared = comparePermission(q, p);
    if (compared.widened.length > 0) {
      widened.push({
        change: 'widened',
        system: p.system,
        resource: p.resource,
        action: p.action,
        before: q,
        after: p,
        ...compared.change,
      });
    } else if (compared.narrowed.length > 0) {
      narrowed.push({
        change: 'narrowed',
        system: p.system,
        resource: p.resource,
        action: p.action,
        before: q,
        after: p,
        ...compared.change,
      });
    }
  }
  for (const [key, q] of old) {
    if (!now.has(key))
      lost.push({
        change: 'lost',
        system: q.system,
        resource: q.resource,
        action: q.action,
        before: q,
        details: [],
        facts: {},
      });
  }
  const tierMoved = before?.tier !== after?.tier;
  const statusMoved = before?.status !== after?.status;
  const change = !before ? 'added' : !after ? 'removed' : 'changed';
  if (
    change === 'changed' &&
    !gained.length &&
    !lost.length &&
    !widened.length &&
    !narrowed.length &&
    !tierMoved &&
    !statusMoved
  ) {
    return undefined;
  }
  const held = (ps: Iterable<Permission>) => [...ps];
  const systemsBefore = new Set(held(old.values()).map((p) => p.system));
  const classesBefore = new Set(held(old.values()).flatMap((p) => p.dataClasses));
  // Newly held: gained, or raised into (or within) the executing modes.
  const newlyHeld = [
    ...gained.map((c) => c.after!),
    ...widened
      .filter((c) => c.facts.modeRaised && isExecutingMode(c.facts.modeRaised.to))
      .map((c) => c.after!),
  ];
  const names = (pred: (p: Permission) => boolean) =>
    [...new Set(newlyHeld.filter(pred).map(permissionKey))].sort();
  const delta: AgentDelta = {
    name,
    change,
    file: subject.file,
    owner: subject.owner,
    environment: subject.environment,
    production: subject.production,
    tier: { ...(before ? { before: before.tier } : {}), ...(after ? { after: after.tier } : {}) },
    status: { ...(before ? { before: before.status } : {}), ...(after ? { after: after.status } : {}) },
    gained: gained.sort(compareChanges),
    lost: lost.sort(compareChanges),
    widened: widened.sort(compareChanges),
    narrowed: narrowed.sort(compareChanges),
    newSystems: [...new Set(held(now.values()).map((p) => p.system))]
      .filter((s) => !systemsBefore.has(s))
      .sort(),
    newDataClasses: [...new Set(held(now.values()).flatMap((p) => p.dataClasses))]
      .filter((c) => !classesBefore.has(c))
      .sort(),
    newIrreversible: names((p) => !p.reversible && p.effect === 'write'),
    newExternal: names((p) => p.external),
    newFinancial: names((p) => p.financial),
    newCritical: names((p) => p.risk === 'critical'),
    causes,
    risk: { score: 0, level: 'none', reasons: [] },
  };
  delta.risk = scoreAgent(delta);
  return delta;
}

function compareChanges(a: PermissionChange, b: PermissionChange): number {
  const x = `${a.system}/${a.resource}.${a.action}`;
  const y = `${b.system}/${b.resource}.${b.action}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Aspect by aspect: mode, fields, conditions, expiry. */
function comparePermission(before: Permission, after: Permission) {
  const widened: string[] = [];
  const narrowed: string[] = [];
  const facts: PermissionChange['facts'] = {};
  const rb = rankMode(before.mode);
  const ra = rankMode(after.mode);
  if (ra > rb) {
    widened.push(`mode ${before.mode} → ${after.mode}`);
    facts.modeRaised = { from: before.mode, to: after.mode };
  } else if (ra < rb) narrowed.push(`mode ${before.mode} → ${after.mode}`);
  // Absent fields mean every field.
  if (before.fields && !after.fields) widened.push('fields: limited → every field');
  else if (!before.fields && after.fields) narrowed.push(`fields: every field → ${after.fields.join(', ')}`);
  else if (before.fields && after.fields) {
    const added = after.fields.filter((f) => !before.fields!.includes(f));
    const removed = before.fields.filter((f) => !after.fields!.includes(f));
    if (added.length) {
      widened.push(`fields + ${added.join(', ')}`);
      facts.fieldsAdded = added;
    }
    if (removed.length) narrowed.push(`fields − ${removed.join(', ')}`);
  }
  if (after.fields === undefined && before.fields !== undefined) facts.fieldsAdded = ['*'];
  const cb = before.conditions ?? {};
  const ca = after.conditions ?? {};
  const relaxed: string[] = [];
  for (const key of new Set([...Object.keys(cb), ...Object.keys(ca)])) {
    const b = (cb as Record<string, unknown>)[key];
    const a = (ca as Record<string, unknown>)[key];
    if (b !== undefined && a === undefined) {
      widened.push(`condition ${key} removed`);
      relaxed.push(key);
    } else if (b === undefined && a !== undefined) narrowed.push(`condition ${key} added`);
    else if (canonicalJson(a) !== canonicalJson(b)) {
      const looser =
        key === 'maxAmount' ? looserAmount(b, a) : key === 'rateLimit' ? looserRate(b, a) : undefined;
      if (looser === false) narrowed.push(`condition ${key} tightened`);
      else {
        // A changed schedule or freeze window is not comparable: count it as relaxed, so a
        // reviewer sees it.
        widened.push(`condition ${key} changed`);
        relaxed.push(key);
      }
    }
  }
  if (relaxed.length) facts.conditionsRelaxed = relaxed;
  if (before.expires !== after.expires) {
    const b = before.expires ? parseLeashDate(before.expires).getTime() : Infinity;
    const a = after.expires ? parseLeashDate(after.expires).getTime() : Infinity;
    const text = `expiry ${before.expires ?? 'none'} → ${after.expires ?? 'none'}`;
    if (a > b) {
      widened.push(text);
      facts.expiryExtended = { from: before.expires!, ...(after.expires ? { to: after.expires } : {}) };
    } else if (a < b) narrowed.push(text);
  }
  return { widened, narrowed, change: { details: [...widened, ...narrowed], facts } };
}

function looserAmount(before: unknown, after: unknown): boolean | undefined {
  const b = before as { value: number; currency: string };
  const a = after as { value: number; currency: string };
  if (a.currency !== b.currency) return undefined;
  return a.value > b.value;
}

function looserRate(before: unknown, after: unknown): boolean | undefined {
  const perMinute = { minute: 1, hour: 60, day: 1440 } as const;
  const b = before as { count: number; per: keyof typeof perMinute };
  const a = after as { count: number; per: keyof typeof perMinute };
  return a.count / perMinute[a.per] > b.count / perMinute[b.per];
}

function diffGovernance(
  base: DiffSide,
  head: DiffSide,
  documents: DocumentChange[],
): BlastRadius['governance'] {
  const spec = (side: DiffSide) => side.index.config?.data.spec ?? {};
  const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
  return {
    configChanged: documents.some((d) => d.kind === 'Config'),
    approvalRulesChanged: !same(spec(base).approvals, spec(head).approvals),
    approverGroupsChanged: !same(spec(base).approverGroups, spec(head).approverGroups),
    tiersChanged: documents.filter((d) => d.kind === 'RiskTier').map((d) => d.name),
  };
}

/** "3 agents gain access; 1 gains an irreversible financial action in production". */
export function headline(radius: BlastRadius): string {
  const { agents } = radius;
  if (agents.length === 0) {
    return radius.documents.length === 0
      ? 'No change in access'
      : `No change in access (${plural(radius.documents.length, 'document')} changed)`;
  }
  const parts: string[] = [];
  const added = agents.filter((a) => a.change === 'added').length;
  const gaining = agents.filter(
    (a) => a.change !== 'added' && (a.gained.length > 0 || a.widened.length > 0),
  ).length;
  const losing = agents.filter(
    (a) =>
      a.change === 'removed' ||
      (a.lost.length + a.narrowed.length > 0 && a.gained.length + a.widened.length === 0),
  ).length;
  if (added) parts.push(`${plural(added, 'new agent')}`);
  if (gaining) parts.push(`${plural(gaining, 'agent')} ${gaining === 1 ? 'gains' : 'gain'} access`);
  if (losing) parts.push(`${plural(losing, 'agent')} ${losing === 1 ? 'loses' : 'lose'} access`);
  const moved = agents.filter((a) => a.change === 'changed' && a.tier.before !== a.tier.after).length;
  if (moved) parts.push(`${plural(moved, 'agent')} ${moved === 1 ? 'moves' : 'move'} tier`);
  const worst = agents.filter(
    (a) => a.newIrreversible.length + a.newFinancial.length + a.newExternal.length + a.newCritical.length > 0,
  );
  const prod = worst.filter((a) => a.production);
  const pick = prod.length ? prod : worst;
  if (pick.length) {
    const kinds = new Set<string>();
    for (const a of pick) {
      if (a.newCritical.length) kinds.add('critical');
      if (a.newIrreversible.length) kinds.add('irreversible');
      if (a.newExternal.length) kinds.add('external');
      if (a.newFinancial.length) kinds.add('financial');
    }
    const what = ['critical', 'irreversible', 'external', 'financial'].filter((k) => kinds.has(k)).join(' ');
    parts.push(
      pick.length === 1
        ? `1 gains ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} action${prod.length ? ' in production' : ''}`
        : `${pick.length} gain ${what} actions${prod.length ? ' in production' : ''}`,
    );
  }
  if (parts.length === 0) parts.push(`${plural(agents.length, 'agent')} changed`);
  return parts.join('; ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
