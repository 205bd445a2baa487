/** The six permission modes, in the order DESIGN.md lists them. */
export const MODES = [
  'read-only',
  'recommend-only',
  'draft-only',
  'execute-limited',
  'execute-gated',
  'escalate',
] as const;
export type Mode = (typeof MODES)[number];

/**
 * Modes by authority, lowest first: how much the agent can do on its own. escalate hands the
 * case to a human, so it is the least; execute-gated acts only after a human approves that one
 * call, so it sits below execute-limited. See docs/adr/0002-mode-authority-order.md.
 */
export const MODES_BY_AUTHORITY: readonly Mode[] = [
  'escalate',
  'read-only',
  'recommend-only',
  'draft-only',
  'execute-gated',
  'execute-limited',
];

const modeRank = new Map(MODES_BY_AUTHORITY.map((m, i) => [m, i]));

/** Authority rank of a mode (0 = escalate). */
export function rankMode(mode: Mode): number {
  return modeRank.get(mode) ?? 0;
}

/** Whether the mode lets the agent carry out the action itself (with or without a human gate). */
export function isExecutingMode(mode: Mode): boolean {
  return mode === 'execute-limited' || mode === 'execute-gated';
}

export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

const riskRankMap = new Map(RISKS.map((r, i) => [r, i]));

/** Rank of a risk (0 = low). */
export function rankRisk(risk: Risk): number {
  return riskRankMap.get(risk) ?? 0;
}

export const AGENT_STATUSES = ['active', 'suspended', 'revoked'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** The five document kinds and the folder each lives in ('' for leash.yaml at the root). */
export const KINDS = {
  Config: '',
  Agent: 'agents',
  Template: 'templates',
  RiskTier: 'tiers',
  System: 'systems',
} as const;
export type Kind = keyof typeof KINDS;

export const API_VERSION = 'leash/v1';
