import type { Permission } from '../compile/compile.js';
import type { Conditions } from '../model/generated.js';
import type { AgentDelta, BlastRadius, PermissionChange, RiskScore } from '../diff/types.js';

/** GitHub refuses comments over 65,536 characters; the margin leaves room for the action's own additions. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MAX_LENGTH = GITHUB_COMMENT_LIMIT - 1_536;

/** Options for the blast-radius formatters. Every field is optional. */
export interface BlastFormatOptions {
  /**
   * The most characters the markdown comment may have (counted in UTF-16 code units, which
   * never undercounts what GitHub counts). Detail is dropped progressively to stay within it,
   * and the comment says what was left out. Default {@link DEFAULT_MAX_LENGTH}. The text and
   * json formats are never shortened: they are the full report.
   */
  maxLength?: number;
  /** Where the full report can be seen (e.g. the CI run). Only http(s) URLs are linked. */
  detailsUrl?: string;
  /**
   * A markdown section produced by approvals, included verbatim under a "Sign-off" heading
   * (markdown only). It is trusted markdown: its producer escapes what it quotes.
   */
  signoff?: string;
  /** ANSI colours in text output. */
  color?: boolean;
  /** The leash version, shown in the markdown footer. */
  toolVersion?: string;
}

export type ChangeKind = PermissionChange['change'];
export const CHANGE_KINDS: readonly ChangeKind[] = ['gained', 'widened', 'narrowed', 'lost'];

/** An agent's permission changes, in reading order: what it gains first, what it loses last. */
export function changesOf(agent: AgentDelta): PermissionChange[] {
  return [...agent.gained, ...agent.widened, ...agent.narrowed, ...agent.lost];
}

/** `system/resource.action`, the name the diff and the risk reasons use. */
export function permissionKey(c: { system: string; resource: string; action: string }): string {
  return `${c.system}/${c.resource}.${c.action}`;
}

/** The permission as it is after the change (or was, when lost). */
export function currentPermission(c: PermissionChange): Permission | undefined {
  return c.after ?? c.before;
}

/** The mode, or "from → to" when a widening or narrowing moved it. */
export function modeOf(c: PermissionChange): string {
  const before = c.before?.mode;
  const after = c.after?.mode;
  if (before && after && before !== after) return `${before} → ${after}`;
  return after ?? before ?? '';
}

/** What makes an action risky, in the order a reviewer weighs it: "critical", "financial", "irreversible", "external". */
export function riskFlags(p: Permission | undefined): string[] {
  if (!p) return [];
  return [
    p.risk,
    ...(p.financial ? ['financial'] : []),
    ...(p.reversible === false ? ['irreversible'] : []),
    ...(p.external ? ['external'] : []),
  ];
}

/** The conditions of a grant in words: "max 200 EUR per call", "10 calls per hour", … */
export function describeConditions(c: Conditions | undefined): string[] {
  if (!c) return [];
  const out: string[] = [];
  if (c.maxAmount) out.push(`max ${c.maxAmount.value} ${c.maxAmount.currency} per call`);
  if (c.rateLimit) out.push(`${c.rateLimit.count} calls per ${c.rateLimit.per}`);
  if (c.schedule) {
    const days = c.schedule.days ? ` ${c.schedule.days.join(', ')}` : '';
    const zone = c.schedule.timezone ? ` ${c.schedule.timezone}` : '';
    out.push(`hours ${c.schedule.hours}${days}${zone}`);
  }
  if (c.freezeWindows) out.push(plural(c.freezeWindows.length, 'freeze window'));
  return out;
}

/** What a reviewer wants to know about a permission: fields, conditions, expiry and where it comes from. */
export function describePermission(c: PermissionChange): string[] {
  if (c.change !== 'gained') return c.details;
  const p = c.after;
  const out: string[] = [];
  if (p) {
    out.push(p.fields ? `fields ${p.fields.join(', ')}` : 'all fields');
    out.push(...describeConditions(p.conditions));
    out.push(p.expires ? `expires ${p.expires}` : 'no expiry');
    const templates = [...new Set(p.sources.flatMap((s) => (s.template ? [s.template.name] : [])))];
    if (templates.length) out.push(`via template ${templates.join(', ')}`);
  }
  if (c.facts.viaWildcard) out.push(`via wildcard ${c.facts.viaWildcard}`);
  return [...out, ...c.details];
}

export function hasGovernanceChange(g: BlastRadius['governance']): boolean {
  return g.configChanged || g.approvalRulesChanged || g.approverGroupsChanged || g.tiersChanged.length > 0;
}

/** The governance changes as phrases, for a callout. */
export function governancePhrases(g: BlastRadius['governance']): string[] {
  return [
    ...(g.configChanged ? ['leash.yaml changed'] : []),
    ...(g.approvalRulesChanged ? ['approval rules changed'] : []),
    ...(g.approverGroupsChanged ? ['approver groups changed'] : []),
  ];
}

/** Whether the agent only loses access in this change. */
export function isReductionOnly(a: AgentDelta): boolean {
  return a.change === 'removed' || (a.gained.length === 0 && a.widened.length === 0 && a.change !== 'added');
}

export function isHighRisk(risk: RiskScore): boolean {
  return risk.level === 'high' || risk.level === 'critical';
}

/** "1,234": fixed grouping, independent of the machine's locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** The headline, or a fallback when the diff left it empty. */
export function headlineOf(radius: BlastRadius): string {
  if (radius.headline.trim()) return radius.headline;
  return radius.agents.length === 0
    ? 'No change in access'
    : `${plural(radius.agents.length, 'agent')} changed`;
}

/** "main (abc1234)". */
export function describeRevision(r: { revision: string; commit?: string }): string {
  return r.commit ? `${r.revision} (${r.commit.slice(0, 12)})` : r.revision;
}
