import type { Permission } from '../compile/compile.js';
import type { Mode, Risk } from '../model/modes.js';
import type { AgentDelta, RiskScore } from './types.js';

/**
 * Risk of a change, explained. Only what is gained or widened scores: a reduction never adds
 * risk. Per newly held action: the action's risk, times how far the mode lets the agent go,
 * plus its irreversible, financial and external properties when the agent can carry it out;
 * doubled in production. Data classes and systems newly in reach, a new agent and a tier move
 * add to it. See docs/diff.md for the table.
 */
export const RISK_POINTS: Record<Risk, number> = { low: 1, medium: 3, high: 8, critical: 15 };
export const MODE_FACTOR: Record<Mode, number> = {
  escalate: 0,
  'read-only': 0.25,
  'recommend-only': 0.25,
  'draft-only': 0.5,
  'execute-gated': 0.75,
  'execute-limited': 1,
};
const PROPERTY_POINTS = { irreversible: 5, financial: 5, external: 3 } as const;
const DATA_CLASS_POINTS: Record<string, number> = { pii: 3, payment: 5, health: 5, credentials: 8 };
const NEW_SYSTEM_POINTS = 2;
const NEW_AGENT_POINTS = 2;
const TIER_MOVE_POINTS = 5;
const GOVERNANCE_POINTS = 20;

export function levelOf(score: number): RiskScore['level'] {
  return score <= 0 ? 'none' : score < 10 ? 'low' : score < 30 ? 'medium' : score < 60 ? 'high' : 'critical';
}

function actionPoints(p: Permission, production: boolean): { points: number; why: string } {
  const executes = p.mode === 'execute-limited' || p.mode === 'execute-gated';
  let points = RISK_POINTS[p.risk] * MODE_FACTOR[p.mode];
  const props: string[] = [p.risk];
  if (executes) {
    if (!p.reversible && p.effect === 'write') {
      points += PROPERTY_POINTS.irreversible;
      props.push('irreversible');
    }
    if (p.financial) {
      points += PROPERTY_POINTS.financial;
      props.push('financial');
    }
    if (p.external) {
      points += PROPERTY_POINTS.external;
      props.push('external');
    }
  }
  if (production) {
    points *= 2;
    props.push('production');
  }
  return { points, why: `${p.mode}: ${props.join(', ')}` };
}

export function scoreAgent(delta: AgentDelta): RiskScore {
  const parts: [number, string][] = [];
  for (const c of delta.gained) {
    const { points, why } = actionPoints(c.after!, delta.production);
    parts.push([points, `${c.system}/${c.resource}.${c.action} gained in ${why}`]);
  }
  for (const c of delta.widened) {
    // Only the growth counts: the new holding's points less the old one's, at least 1.
    const now = actionPoints(c.after!, delta.production);
    const was = actionPoints(c.before!, delta.production);
    parts.push([
      Math.max(1, now.points - was.points),
      `${c.system}/${c.resource}.${c.action} widened (${c.details.join('; ')})`,
    ]);
  }
  for (const dc of delta.newDataClasses)
    parts.push([DATA_CLASS_POINTS[dc] ?? 1, `data class ${dc} newly in reach`]);
  for (const s of delta.newSystems) parts.push([NEW_SYSTEM_POINTS, `system ${s} newly in reach`]);
  if (delta.change === 'added') parts.push([NEW_AGENT_POINTS, 'new agent']);
  if (delta.change === 'changed' && delta.tier.before !== delta.tier.after) {
    parts.push([TIER_MOVE_POINTS, `tier ${delta.tier.before} → ${delta.tier.after}`]);
  }
  return explain(parts);
}

/** The change's risk: its riskiest agent, plus a tenth of the others, plus governance changes. */
export function scoreChange(agents: readonly AgentDelta[], governanceChanged: boolean): RiskScore {
  const parts: [number, string][] = [];
  const sorted = [...agents].filter((a) => a.risk.score > 0).sort((a, b) => b.risk.score - a.risk.score);
  if (sorted[0])
    parts.push([
      sorted[0].risk.score,
      `agent ${sorted[0].name}: ${sorted[0].risk.level} (${sorted[0].risk.score})`,
    ]);
  const rest = sorted.slice(1).reduce((sum, a) => sum + a.risk.score, 0);
  if (rest > 0)
    parts.push([
      rest / 10,
      `${sorted.length - 1} more agents gaining access (a tenth of their ${round(rest)})`,
    ]);
  if (governanceChanged)
    parts.push([
      GOVERNANCE_POINTS,
      'the rules themselves change (leash.yaml, approval rules, approver groups or tiers)',
    ]);
  return explain(parts);
}

function explain(parts: [number, string][]): RiskScore {
  parts.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
  const score = round(parts.reduce((sum, [p]) => sum + p, 0));
  return {
    score,
    level: levelOf(score),
    reasons: parts.filter(([p]) => p > 0).map(([p, why]) => `+${round(p)} ${why}`),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
