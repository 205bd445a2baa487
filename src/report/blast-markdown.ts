import type { Diagnostic } from '../model/diagnostic.js';
import type { AgentDelta, BlastRadius, DocumentChange, PermissionChange, RiskScore } from '../diff/types.js';
import type { BlastFormatOptions, ChangeKind } from './blast-common.js';
import {
  DEFAULT_MAX_LENGTH,
  changesOf,
  currentPermission,
  describePermission,
  formatCount,
  governancePhrases,
  hasGovernanceChange,
  headlineOf,
  isHighRisk,
  isReductionOnly,
  modeOf,
  permissionKey,
  plural,
  riskFlags,
} from './blast-common.js';
import { escapeMarkdown as esc, mdCode as code, safeUrl } from './blast-escape.js';

/** The first line of every blast-radius comment: the action finds its comment by it and updates it in place. */
export const BLAST_RADIUS_MARKER = '<!-- leash:blast-radius -->';

const RISK_ICON: Record<RiskScore['level'], string> = {
  none: '⚪',
  low: '🟢',
  medium: '🟡',
  high: '🟠',
  critical: '🔴',
};

const CHANGE_LABEL: Record<ChangeKind, string> = {
  gained: '➕ gained',
  widened: '⬆️ widened',
  narrowed: '⬇️ narrowed',
  lost: '➖ lost',
};

/** Fixed caps: each keeps one runaway list from crowding out the rest; each says what it left out. */
const LIMITS = {
  /** Permission rows per agent table. */
  rows: 40,
  /** Risk reasons per agent (and overall). */
  reasons: 8,
  overallReasons: 5,
  /** Items per call-out (new systems, critical actions, …) and per "changed by" list. */
  items: 10,
  /** Agent names per document's fan-out. */
  fanOut: 10,
  /** Aspects listed in one permission's details cell. */
  details: 6,
  /** Tier names in the governance call-out. */
  tiers: 20,
} as const;

/** How much of each shrinkable part is kept. Agents are in the radius's order: riskiest first. */
interface Keep {
  /** Agents (from the riskiest) whose section keeps its permission table. */
  tables: number;
  /** Agents (from the riskiest) that keep a section. */
  sections: number;
  /** Rows of the summary table. */
  rows: number;
  documents: number;
  diagnostics: number;
  /** False when the sign-off section alone would not fit and is replaced by a note. */
  signoff: boolean;
}

/**
 * The comment cut into parts. List items (rows, sections, documents, problems) are rendered on
 * first use and kept, so fitting 50,000 agents renders only the few hundred that can fit.
 */
interface Parts {
  radius: BlastRadius;
  maxLength: number;
  /** Where the full report is, as markdown: a link and/or the local command. */
  seeFull: string;
  top: string[];
  governance?: string;
  summaryRow: (i: number) => string;
  unchanged: string;
  section: (i: number) => { full: string; withoutTable: string };
  /** Per agent: whether its section has a permission table to drop. */
  hasTable: boolean[];
  /** Agents at high or critical risk: their sections outlast every table. */
  highRisk: number;
  document: (i: number) => string;
  diagnostic: (i: number) => string;
  signoff?: string;
  footer: string;
}

/**
 * The PR comment. It opens with {@link BLAST_RADIUS_MARKER} on its own line, then the headline
 * and overall risk, governance changes, a summary table of changed agents, a section per agent
 * (riskiest first) with the reasons for its risk and a collapsible table of its permission
 * changes, changed documents with their fan-out, the unchanged count, unreadable files, the
 * sign-off section when given, and a footer.
 *
 * Every piece of user text is escaped for markdown and HTML (see escapeMarkdown). The result is
 * never longer than `options.maxLength`: detail is dropped in a fixed order (permission tables
 * of lower-risk agents, their sections, the tables of high-risk agents, then whole sections
 * beyond the riskiest N, keeping the summary table; then summary rows, then
 * documents and unreadable files) and the comment says what was left out and where to see it.
 */
export function formatBlastMarkdown(radius: BlastRadius, options: BlastFormatOptions = {}): string {
  const asked = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const maxLength = Number.isNaN(asked) ? DEFAULT_MAX_LENGTH : Math.max(0, Math.floor(asked));
  const parts = buildParts(radius, options, maxLength);
  return fit(parts);
}

// ---------------------------------------------------------------------------------------------
// Fitting

function fit(p: Parts): string {
  const n = p.radius.agents.length;
  const docs = p.radius.documents.length;
  const diags = p.radius.diagnostics.length;
  const keep: Keep = { tables: n, sections: n, rows: n, documents: docs, diagnostics: diags, signoff: true };
  const fits = () => measure(render(p, keep), p.maxLength) <= p.maxLength;
  if (fits()) return join(render(p, keep));

  // A sign-off section that cannot fit even beside the bare skeleton would push out everything
  // else and still not fit: replace it by a note up front.
  if (p.signoff !== undefined) {
    const bare: Keep = { ...keep, tables: 0, sections: 0, rows: 0, documents: 0, diagnostics: 0 };
    if (measure(render(p, bare), p.maxLength) > p.maxLength) keep.signoff = false;
  }

  // Agents are riskiest first, so "from the tail" means "least risky first". The sections of
  // high- and critical-risk agents outlast the tables of any agent: reasons and call-outs are
  // what a reviewer must not miss, and a table is one click away in the full report.
  const high = Math.min(p.highRisk, n);
  const steps: { lo: number; hi: number; set: (v: number) => void }[] = [
    // 1. permission tables of lower-risk agents
    { lo: high, hi: n, set: (v) => (keep.tables = v) },
    // 2. sections of lower-risk agents (the summary table still lists them)
    { lo: high, hi: n, set: (v) => (keep.sections = v) },
    // 3. permission tables of high-risk agents
    { lo: 0, hi: high, set: (v) => (keep.tables = v) },
    // 4. sections beyond the riskiest N
    { lo: 0, hi: high, set: (v) => (keep.sections = v) },
    // 5. the summary table, from the bottom
    { lo: 0, hi: n, set: (v) => (keep.rows = v) },
    // 6. changed documents, then unreadable files
    { lo: 0, hi: docs, set: (v) => (keep.documents = v) },
    { lo: 0, hi: diags, set: (v) => (keep.diagnostics = v) },
  ];
  for (const step of steps) {
    step.set(step.hi);
    if (fits()) return join(render(p, keep));
    step.set(step.lo);
    if (!fits()) continue;
    // lo fits and hi does not: find the most that fits.
    let lo = step.lo;
    let hi = step.hi;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      step.set(mid);
      if (fits()) lo = mid;
      else hi = mid;
    }
    step.set(lo);
    return join(render(p, keep));
  }
  keep.signoff = false;
  // Only a maxLength too small for the skeleton gets here: cut, never exceed.
  return hardCut(join(render(p, keep)), p.maxLength);
}

/** The length of the rendered text, or the first length past `max` (it stops rendering there). */
function measure(fragments: Iterable<string>, max: number): number {
  let total = 0;
  for (const f of fragments) {
    total += f.length;
    if (total > max) break;
  }
  return total;
}

function join(fragments: Iterable<string>): string {
  return [...fragments].join('');
}

/** Cuts at a code point boundary, never splitting a surrogate pair. */
function hardCut(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** The comment as fragments that concatenate to it: blocks separated by blank lines, rows by newlines. */
function* render(p: Parts, keep: Keep): Generator<string> {
  const { radius } = p;
  const n = radius.agents.length;
  let first = true;
  const block = (text: string) => {
    const out = first ? text : '\n\n' + text;
    first = false;
    return out;
  };

  for (const b of p.top) yield block(b);
  const note = omissionNote(p, keep);
  if (note) yield block(note);
  if (p.governance) yield block(p.governance);

  if (n > 0) {
    yield block(`### Changed agents (${formatCount(n)})`);
    if (keep.rows > 0) {
      yield block('| agent | environment | change | gained | lost | widened | narrowed | risk |');
      yield '\n| --- | --- | --- | ---: | ---: | ---: | ---: | --- |';
      for (let i = 0; i < Math.min(keep.rows, n); i++) yield '\n' + p.summaryRow(i);
    }
    if (keep.rows < n) {
      yield block(
        keep.rows === 0
          ? `_The summary table of ${plural(n, 'changed agent')} is left out to fit the comment; ${p.seeFull}._`
          : `_…and ${plural(n - keep.rows, 'more changed agent')} not listed here; ${p.seeFull}._`,
      );
    }
  }
  yield block(p.unchanged);

  for (let i = 0; i < Math.min(keep.sections, n); i++) {
    const s = p.section(i);
    yield block(i < keep.tables ? s.full : s.withoutTable);
  }
  if (keep.sections < n) {
    const listed = keep.rows >= n ? ' (they are in the summary table above)' : '';
    yield block(
      `_Sections for ${plural(n - keep.sections, 'more agent')} are left out to fit the comment${listed}; ${p.seeFull}._`,
    );
  }

  yield* list(block, {
    total: radius.documents.length,
    kept: keep.documents,
    heading: 'Documents changed',
    item: p.document,
    more: (k) => `_…and ${plural(k, 'more document')} left out to fit the comment; ${p.seeFull}._`,
  });
  yield* list(block, {
    total: radius.diagnostics.length,
    kept: keep.diagnostics,
    heading: 'Files that could not be read',
    item: p.diagnostic,
    more: (k) => `_…and ${plural(k, 'more problem')} left out to fit the comment; ${p.seeFull}._`,
  });

  if (p.signoff !== undefined) {
    yield block('### Sign-off');
    yield block(
      keep.signoff
        ? p.signoff
        : `_The sign-off section (${plural(p.signoff.length, 'character')}) is too long for this comment; ${p.seeFull}._`,
    );
  }
  yield block(p.footer);
  yield '\n';
}

function* list(
  block: (text: string) => string,
  l: {
    total: number;
    kept: number;
    heading: string;
    item: (i: number) => string;
    more: (k: number) => string;
  },
): Generator<string> {
  if (l.total === 0) return;
  yield block(`### ${l.heading} (${formatCount(l.total)})`);
  for (let i = 0; i < Math.min(l.kept, l.total); i++) yield i === 0 ? block(l.item(i)) : '\n' + l.item(i);
  if (l.kept < l.total) yield block(l.more(l.total - l.kept));
}

/** Says exactly what the fitting left out, or undefined when nothing was. */
function omissionNote(p: Parts, keep: Keep): string | undefined {
  const n = p.radius.agents.length;
  const left: string[] = [];
  let tablesDropped = 0;
  for (let i = keep.tables; i < Math.min(keep.sections, n); i++) if (p.hasTable[i]) tablesDropped++;
  if (tablesDropped) left.push(`the permission tables of ${plural(tablesDropped, 'agent')}`);
  if (keep.sections < n) {
    left.push(
      keep.sections === 0
        ? `the sections of all ${plural(n, 'agent')}`
        : `the sections of ${plural(n - keep.sections, 'agent')} after the riskiest ${formatCount(keep.sections)}`,
    );
  }
  if (keep.rows < n) left.push(`${plural(n - keep.rows, 'row')} of the summary table`);
  const docs = p.radius.documents.length;
  if (keep.documents < docs)
    left.push(`${formatCount(docs - keep.documents)} of ${plural(docs, 'changed document')}`);
  const diags = p.radius.diagnostics.length;
  if (keep.diagnostics < diags)
    left.push(`${formatCount(diags - keep.diagnostics)} of ${plural(diags, 'problem')} reading files`);
  if (p.signoff !== undefined && !keep.signoff) left.push('the sign-off section');
  if (left.length === 0) return undefined;
  return [
    '> [!NOTE]',
    `> **This comment is shortened** to stay under ${plural(p.maxLength, 'character')}. Left out: ${left.join('; ')}.`,
    `> For everything, ${p.seeFull}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Parts

function buildParts(radius: BlastRadius, options: BlastFormatOptions, maxLength: number): Parts {
  const url = safeUrl(options.detailsUrl);
  const seeFull = url
    ? `see the [full report](${url}) or run \`leash diff\` locally`
    : 'run `leash diff` locally for the full report';
  return {
    radius,
    maxLength,
    seeFull,
    top: topBlocks(radius),
    ...(hasGovernanceChange(radius.governance) ? { governance: governanceBlock(radius) } : {}),
    summaryRow: memo((i) => summaryRow(radius.agents[i]!)),
    unchanged:
      radius.agents.length === 0
        ? `${plural(radius.unchangedAgents, 'agent')} unchanged.`
        : `**${plural(radius.unchangedAgents, 'other agent')} unchanged.**`,
    section: memo((i) => agentSection(radius.agents[i]!, seeFull)),
    hasTable: radius.agents.map((a) => changesOf(a).length > 0),
    highRisk: radius.agents.filter((a) => isHighRisk(a.risk)).length,
    document: memo((i) => documentLine(radius.documents[i]!)),
    diagnostic: memo((i) => diagnosticLine(radius.diagnostics[i]!)),
    ...(options.signoff !== undefined
      ? // The marker must stay unique, or the action could update the wrong comment.
        { signoff: options.signoff.split(BLAST_RADIUS_MARKER).join('<!-- (leash marker removed) -->') }
      : {}),
    footer: footer(radius, options, url),
  };
}

function memo<T>(make: (i: number) => T): (i: number) => T {
  const cache = new Map<number, T>();
  return (i) => {
    let v = cache.get(i);
    if (v === undefined) cache.set(i, (v = make(i)));
    return v;
  };
}

function topBlocks(radius: BlastRadius): string[] {
  const blocks = [BLAST_RADIUS_MARKER + '\n' + `**${esc(headlineOf(radius), 300)}**`];
  const { risk } = radius;
  const counts =
    radius.agents.length === 0
      ? 'no agent changes'
      : `${plural(radius.agents.length, 'agent')} changed, ${formatCount(radius.unchangedAgents)} unchanged`;
  const riskLine =
    `**Risk: ${RISK_ICON[risk.level]} ${esc(risk.level)}** (score ${formatCount(risk.score)}) · ${counts} · ` +
    `${revision(radius.base)} → ${revision(radius.head)}`;
  blocks.push(
    risk.reasons.length > 0 && !radius.removalOnly
      ? riskLine + '\n' + bullets(risk.reasons, LIMITS.overallReasons, (r) => esc(r, 300), 'reason')
      : riskLine,
  );
  if (radius.agents.length === 0) {
    blocks.push('✅ **No change in access**: no agent gains, loses or changes any permission.');
  } else if (radius.removalOnly) {
    blocks.push('✅ **Reduction only**: this change takes access away and grants nothing new.');
  }
  if (radius.diagnostics.length > 0) {
    const files = new Set(radius.diagnostics.map((d) => d.file)).size;
    blocks.push(
      [
        '> [!WARNING]',
        `> **${plural(files, 'file')} could not be read** (${plural(radius.diagnostics.length, 'problem')}); ` +
          'what those files would change is not in this blast radius. They are listed under ' +
          '"Files that could not be read" below.',
      ].join('\n'),
    );
  }
  return blocks;
}

function revision(r: { revision: string; commit?: string }): string {
  return code(r.revision, 80) + (r.commit ? ` (${code(r.commit.slice(0, 12))})` : '');
}

function governanceBlock(radius: BlastRadius): string {
  const g = radius.governance;
  const lines = [
    '> [!IMPORTANT]',
    '> **This change edits the rules themselves.** It is judged by the rules of the base revision ' +
      `(${code(radius.base.revision, 80)}); the new rules apply to pull requests after it merges.`,
    ...governancePhrases(g).map(
      (p) => `> - ${p === 'leash.yaml changed' ? `${code('leash.yaml')} changed` : p}`,
    ),
  ];
  if (g.tiersChanged.length > 0) {
    const shown = g.tiersChanged.slice(0, LIMITS.tiers).map((t) => code(t, 80));
    const more =
      g.tiersChanged.length > LIMITS.tiers
        ? ` and ${formatCount(g.tiersChanged.length - LIMITS.tiers)} more`
        : '';
    lines.push(
      `> - risk ${g.tiersChanged.length === 1 ? 'tier' : 'tiers'} changed: ${shown.join(', ')}${more}`,
    );
  }
  return lines.join('\n');
}

function summaryRow(a: AgentDelta): string {
  const change = [changeWord(a), ...moves(a)].join(' · ');
  return (
    `| ${code(a.name, 60)} | ${environment(a)} | ${change} | ${a.gained.length} | ${a.lost.length} | ` +
    `${a.widened.length} | ${a.narrowed.length} | ${riskCell(a.risk)} |`
  );
}

function riskCell(risk: RiskScore): string {
  return `${RISK_ICON[risk.level]} ${esc(risk.level)} (${formatCount(risk.score)})`;
}

function environment(a: AgentDelta): string {
  return code(a.environment, 40) + (a.production && a.environment !== 'production' ? ' (production)' : '');
}

function changeWord(a: AgentDelta): string {
  if (a.change === 'added') return '🆕 new agent';
  if (a.change === 'removed') return '➖ removed';
  return isReductionOnly(a) ? 'reduced' : 'changed';
}

function moves(a: AgentDelta): string[] {
  const out: string[] = [];
  const { tier, status } = a;
  if (tier.before !== undefined && tier.after !== undefined && tier.before !== tier.after) {
    out.push(`tier ${code(tier.before, 40)} → ${code(tier.after, 40)}`);
  } else if (a.change === 'added' && tier.after !== undefined) {
    out.push(`tier ${code(tier.after, 40)}`);
  }
  if (status.before !== undefined && status.after !== undefined && status.before !== status.after) {
    out.push(`status ${esc(status.before)} → ${esc(status.after)}`);
  } else if (a.change === 'added' && status.after !== undefined && status.after !== 'active') {
    out.push(`status ${esc(status.after)}`);
  }
  return out;
}

function agentSection(a: AgentDelta, seeFull: string): { full: string; withoutTable: string } {
  const head: string[] = [];
  head.push(`#### ${RISK_ICON[a.risk.level]} ${code(a.name, 100)}`);
  const facts = [
    `**${changeWord(a)}**`,
    `environment ${environment(a)}`,
    `owner ${code(a.owner, 60)}`,
    ...moves(a),
    `risk **${esc(a.risk.level)}** (${formatCount(a.risk.score)})`,
    `file ${code(a.file, 120)}`,
  ];
  head.push(facts.join(' · '));
  if (a.change === 'removed') head.push('The agent is removed: everything it held is taken away.');
  else if (isReductionOnly(a)) head.push('Access is only reduced here.');

  if (a.risk.reasons.length > 0) {
    head.push(
      `**Why ${esc(a.risk.level)}:**\n` +
        bullets(a.risk.reasons, LIMITS.reasons, (r) => esc(r, 300), 'reason'),
    );
  }
  const callouts: [string, string[]][] = [
    ['🆕 **new systems**', a.newSystems],
    ['🔐 **new data classes**', a.newDataClasses],
    ['🔥 **critical** actions', a.newCritical],
    ['💰 **financial** actions', a.newFinancial],
    ['⛔ **irreversible** actions', a.newIrreversible],
    ['📤 **external** actions (send outside the company)', a.newExternal],
  ];
  const called = callouts
    .filter(([, items]) => items.length > 0)
    .map(([label, items]) => `- ${label}: ${inlineList(items, LIMITS.items)}`);
  // The label also keeps this list from merging into the reasons list above it.
  if (called.length) head.push('**New for this agent:**\n' + called.join('\n'));
  if (a.causes.length) head.push(`Reached by: ${inlineList(a.causes, LIMITS.items)}`);

  const changes = changesOf(a);
  if (changes.length === 0) return { full: head.join('\n\n'), withoutTable: head.join('\n\n') };
  const counts = (['gained', 'widened', 'narrowed', 'lost'] as const)
    .filter((k) => a[k].length > 0)
    .map((k) => `${formatCount(a[k].length)} ${k}`)
    .join(', ');
  const summary = `${plural(changes.length, 'permission change')}: ${counts}`;
  // Open for the agents a reviewer must look at; collapsed for the rest.
  const open = isHighRisk(a.risk) ? ' open' : '';
  const table = [
    `<details${open}><summary>${summary}</summary>`,
    permissionTable(changes, seeFull),
    '</details>',
  ].join('\n\n');
  return {
    full: [...head, table].join('\n\n'),
    withoutTable: [...head, `_${summary} (table left out to fit the comment)._`].join('\n\n'),
  };
}

function permissionTable(changes: PermissionChange[], seeFull: string): string {
  const rows = changes.slice(0, LIMITS.rows).map((c) => {
    const p = currentPermission(c);
    const flags = riskFlags(p).map((f) => esc(f));
    const classes = p?.dataClasses.length ? [`data ${p.dataClasses.map((d) => esc(d, 40)).join(', ')}`] : [];
    const details = describePermission(c);
    const shown = details.slice(0, LIMITS.details).map((d) => esc(d, 200));
    if (details.length > LIMITS.details)
      shown.push(`…and ${formatCount(details.length - LIMITS.details)} more`);
    return (
      `| ${CHANGE_LABEL[c.change]} | ${code(permissionKey(c), 120)} | ${esc(modeOf(c))} | ` +
      `${[...flags, ...classes].join(' · ')} | ${shown.join('<br>')} |`
    );
  });
  const lines = [
    '| change | permission | mode | risk | details |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
  if (changes.length > LIMITS.rows) {
    lines.push('', `_…and ${plural(changes.length - LIMITS.rows, 'more permission change')}; ${seeFull}._`);
  }
  return lines.join('\n');
}

function documentLine(d: DocumentChange): string {
  const kind = d.kind === 'RiskTier' ? 'tier' : d.kind === 'Config' ? 'config' : d.kind.toLowerCase();
  const where = d.previousFile ? `${code(d.previousFile, 120)} → ${code(d.file, 120)}` : code(d.file, 120);
  const reach =
    d.agents.length === 0
      ? 'reaches no agent'
      : `reaches **${plural(d.agents.length, 'agent')}**: ${inlineList(d.agents, LIMITS.fanOut)}`;
  return `- ${esc(kind)} ${code(d.name, 100)} ${esc(d.change)} (${where}) → ${reach}`;
}

function diagnosticLine(d: Diagnostic): string {
  const at = `${d.file}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}`;
  const hint = d.hint ? ` (${esc(d.hint, 300)})` : '';
  return `- ${code(at, 160)} ${esc(d.severity)}: ${esc(d.message, 400)}${hint} ${code(d.ruleId, 60)}`;
}

function footer(radius: BlastRadius, options: BlastFormatOptions, url: string | undefined): string {
  const by = options.toolVersion ? `leash ${esc(options.toolVersion, 40)}` : 'leash';
  const parts = [`Blast radius by ${by}`, `as of ${esc(radius.asOf, 40)}`, 'updated in place on every push'];
  if (url) parts.push(`[full report](${url})`);
  return `---\n<sub>${parts.join(' · ')}</sub>`;
}

/** `a`, `b`, `c` and 4 more. */
function inlineList(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).map((i) => code(i, 100));
  const more = items.length > max ? ` and ${formatCount(items.length - max)} more` : '';
  return shown.join(', ') + more;
}

function bullets(items: readonly string[], max: number, render: (s: string) => string, noun: string): string {
  const lines = items.slice(0, max).map((i) => `- ${render(i)}`);
  if (items.length > max) lines.push(`- …and ${plural(items.length - max, `more ${noun}`)}`);
  return lines.join('\n');
}
