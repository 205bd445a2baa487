import type { Diagnostic } from '../model/diagnostic.js';
import type { AgentDelta, BlastRadius, DocumentChange, PermissionChange } from '../diff/types.js';
import type { BlastFormatOptions, ChangeKind } from './blast-common.js';
import {
  changesOf,
  currentPermission,
  describeRevision,
  formatCount,
  governancePhrases,
  hasGovernanceChange,
  headlineOf,
  isReductionOnly,
  modeOf,
  permissionKey,
  plural,
  riskFlags,
} from './blast-common.js';
import { escapeTerminal } from './blast-escape.js';

type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold';
const STYLES: Record<Style, [string, string]> = {
  red: ['\u001b[31m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
};

const LEVEL_STYLE: Record<AgentDelta['risk']['level'], Style> = {
  none: 'green',
  low: 'green',
  medium: 'yellow',
  high: 'red',
  critical: 'red',
};

const CHANGE_LABEL: Record<ChangeKind, { label: string; style: Style }> = {
  gained: { label: '+ gained', style: 'yellow' },
  widened: { label: '↑ widened', style: 'yellow' },
  narrowed: { label: '↓ narrowed', style: 'green' },
  lost: { label: '- lost', style: 'green' },
};

/** Fan-out lists longer than this end in "…"; `--format json` lists every agent. */
const FAN_OUT_NAMES = 20;
/** Widest the permission column is padded to; longer names just push the rest of the line. */
const KEY_COLUMN = 48;

/**
 * The blast radius for a terminal: headline, governance changes, then per agent (riskiest
 * first) who it is, how its tier and status move, its risk with the reasons, and one line per
 * permission change; changed documents with their fan-out; the unchanged count; diagnostics.
 * Never shortened. User text is shown with controls made visible, so a name cannot drive the
 * terminal.
 */
export function formatBlastText(radius: BlastRadius, options: BlastFormatOptions = {}): string {
  const paint = (style: Style, s: string) => (options.color ? STYLES[style][0] + s + STYLES[style][1] : s);
  const t = escapeTerminal;
  const out: string[] = [];

  out.push(paint('bold', t(headlineOf(radius))));
  out.push(
    `risk ${paint(LEVEL_STYLE[radius.risk.level], `${radius.risk.level} (${radius.risk.score})`)}` +
      `  ·  base ${t(describeRevision(radius.base))} → head ${t(describeRevision(radius.head))}` +
      `  ·  as of ${t(radius.asOf)}`,
  );
  if (radius.agents.length === 0) out.push(paint('green', '✔ no change in access'));
  else if (radius.removalOnly)
    out.push(paint('green', '✔ only reductions: access is taken away, nothing is granted'));
  if (radius.diagnostics.length > 0) {
    out.push(
      paint('red', `✖ ${plural(radius.diagnostics.length, 'problem')} reading the revisions; see below`),
    );
  }

  if (hasGovernanceChange(radius.governance)) {
    const g = radius.governance;
    const parts = [...governancePhrases(g)];
    if (g.tiersChanged.length) parts.push(`tiers changed: ${g.tiersChanged.map(t).join(', ')}`);
    out.push('');
    out.push(`${paint('yellow', '! governance:')} ${parts.join('; ')}`);
    out.push(
      paint(
        'dim',
        '  this change is judged by the rules of the base revision; the new rules apply after merge',
      ),
    );
  }

  for (const agent of radius.agents) {
    out.push('');
    out.push(...agentLines(agent, paint));
  }

  if (radius.documents.length > 0) {
    out.push('');
    out.push(paint('bold', `${plural(radius.documents.length, 'document')} changed:`));
    for (const d of radius.documents) out.push(`  ${documentLine(d)}`);
  }

  out.push('');
  out.push(`${plural(radius.unchangedAgents, 'agent')} unchanged`);

  if (radius.diagnostics.length > 0) {
    out.push('');
    out.push(paint('bold', 'could not read:'));
    for (const d of radius.diagnostics) out.push(`  ${diagnosticLine(d, paint)}`);
  }
  return out.join('\n') + '\n';
}

function agentLines(agent: AgentDelta, paint: (style: Style, s: string) => string): string[] {
  const t = escapeTerminal;
  const env =
    agent.production && agent.environment !== 'production'
      ? `${t(agent.environment)} (production)`
      : t(agent.environment);
  const head = [paint('bold', t(agent.name)), env, `owner ${t(agent.owner)}`, changeWord(agent)];
  const moves = movesOf(agent);
  const lines = [[...head, ...moves].join('  ')];
  lines.push(`  risk ${paint(LEVEL_STYLE[agent.risk.level], `${agent.risk.level} (${agent.risk.score})`)}`);
  for (const r of agent.risk.reasons) lines.push(`    ${paint('dim', t(r))}`);
  const callouts: [string, string[]][] = [
    ['new systems', agent.newSystems],
    ['new data classes', agent.newDataClasses],
    ['critical', agent.newCritical],
    ['financial', agent.newFinancial],
    ['irreversible', agent.newIrreversible],
    ['external', agent.newExternal],
  ];
  for (const [label, items] of callouts) {
    if (items.length) lines.push(`  ${paint('yellow', `${label}:`)} ${items.map(t).join(', ')}`);
  }
  if (agent.causes.length) lines.push(`  ${paint('dim', `via ${agent.causes.map(t).join(', ')}`)}`);

  const changes = changesOf(agent);
  const keyWidth = Math.min(KEY_COLUMN, Math.max(0, ...changes.map((c) => t(permissionKey(c)).length)));
  const modeWidth = Math.max(0, ...changes.map((c) => modeOf(c).length));
  for (const c of changes) lines.push(`  ${changeLine(c, keyWidth, modeWidth, paint)}`);
  return lines;
}

function changeWord(agent: AgentDelta): string {
  if (agent.change === 'added') return 'new agent';
  if (agent.change === 'removed') return 'removed';
  return isReductionOnly(agent) ? 'reduced' : 'changed';
}

function movesOf(agent: AgentDelta): string[] {
  const t = escapeTerminal;
  const out: string[] = [];
  const { tier, status } = agent;
  if (tier.before !== undefined && tier.after !== undefined && tier.before !== tier.after) {
    out.push(`tier ${t(tier.before)} → ${t(tier.after)}`);
  } else if (agent.change === 'added' && tier.after !== undefined) {
    out.push(`tier ${t(tier.after)}`);
  }
  if (status.before !== undefined && status.after !== undefined && status.before !== status.after) {
    out.push(`status ${t(status.before)} → ${t(status.after)}`);
  } else if (agent.change === 'added' && status.after !== undefined && status.after !== 'active') {
    out.push(`status ${t(status.after)}`);
  }
  return out;
}

function changeLine(
  c: PermissionChange,
  keyWidth: number,
  modeWidth: number,
  paint: (style: Style, s: string) => string,
): string {
  const t = escapeTerminal;
  const { label, style } = CHANGE_LABEL[c.change];
  const key = t(permissionKey(c));
  const mode = t(modeOf(c));
  let line = `${paint(style, label.padEnd(10))}  ${key.padEnd(keyWidth)}  ${mode.padEnd(modeWidth)}`;
  const p = currentPermission(c);
  const flags = riskFlags(p);
  const classes = p?.dataClasses.length ? ` · ${p.dataClasses.map(t).join(', ')}` : '';
  if (flags.length || classes) line += `  (${flags.map(t).join(', ')}${classes})`;
  if ((c.change === 'widened' || c.change === 'narrowed') && c.details.length) {
    line += ` : ${c.details.map(t).join('; ')}`;
  } else if (c.facts.viaWildcard) {
    line += ` : via wildcard ${t(c.facts.viaWildcard)}`;
  }
  return line.trimEnd();
}

function documentLine(d: DocumentChange): string {
  const t = escapeTerminal;
  const kind = d.kind === 'RiskTier' ? 'tier' : d.kind.toLowerCase();
  const where = d.previousFile ? `${t(d.previousFile)} → ${t(d.file)}` : t(d.file);
  const shown = d.agents.slice(0, FAN_OUT_NAMES).map(t);
  const more =
    d.agents.length > FAN_OUT_NAMES ? `, … (${formatCount(d.agents.length - FAN_OUT_NAMES)} more)` : '';
  const reach =
    d.agents.length === 0
      ? 'reaches no agent'
      : `reaches ${plural(d.agents.length, 'agent')}: ${shown.join(', ')}${more}`;
  return `${kind} ${t(d.name)} ${reach}  (${d.change}, ${where})`;
}

function diagnosticLine(d: Diagnostic, paint: (style: Style, s: string) => string): string {
  const t = escapeTerminal;
  const at = `${t(d.file)}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}`;
  const sev = d.severity === 'error' ? 'red' : d.severity === 'warning' ? 'yellow' : 'cyan';
  const hint = d.hint ? `\n    ${paint('dim', `hint: ${t(d.hint)}`)}` : '';
  return `${paint('bold', at)}  ${paint(sev, d.severity.padEnd(7))} ${t(d.message)}  ${paint('dim', t(d.ruleId))}${hint}`;
}
