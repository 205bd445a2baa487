import type { ExpiringGrant, HeldAction, Inventory, InventoryAgent, Ratio } from '../inventory/inventory.js';

/** Options every inventory formatter takes. */
export interface InventoryFormatOptions {
  /** ANSI colours in text output. */
  color?: boolean;
}

/** A pure function from an inventory to its text in one format. */
export type InventoryFormatter = (inventory: Inventory, options: InventoryFormatOptions) => string;

/** C0 and C1 controls (newlines included: a value stays on its line), DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides and isolates ("Trojan Source"): they reorder what a reader sees. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A surrogate half without its partner. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Replaces what must never reach a reader raw: control characters (a terminal escape sequence, a
 * newline that would break a table row), bidirectional overrides and lone surrogates.
 */
export function sanitize(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(CONTROLS, '\ufffd').replace(BIDI, '\ufffd');
}

/** `89.2%`, or `n/a` when there was nothing to take a share of. */
export function formatPercent(percent: number | null): string {
  return percent === null ? 'n/a' : `${percent}%`;
}

/** `33 of 37 (89.2%)`; `0 of 0 (n/a)`. */
export function formatRatio(r: Ratio): string {
  return `${r.count} of ${r.total} (${formatPercent(r.percent)})`;
}

/** `payments/refund.issue (execute-gated)`. */
export function formatHeldAction(a: HeldAction): string {
  return `${a.action} (${a.mode})`;
}

/** `payments/refund [issue] in execute-gated`, and the template it came through. */
export function describeExpiringGrant(g: ExpiringGrant): string {
  const base = `${g.system}/${g.resource} [${g.actions.join(', ')}] in ${g.mode}`;
  return g.template === null ? base : `${base} through template ${g.template}`;
}

/** `9 agents (8 active, 1 suspended, 0 revoked)`. */
export function describeAgentCount(inventory: Inventory): string {
  const { total, byStatus } = inventory.figures.agents;
  return `${total} agent${total === 1 ? '' : 's'} (${byStatus.active} active, ${byStatus.suspended} suspended, ${byStatus.revoked} revoked)`;
}

/** The last review as a cell: the date or `never`, marked when overdue. */
export function describeReview(agent: InventoryAgent): string {
  const last = agent.lastReviewed ?? 'never';
  return agent.review.overdue ? `${last} (overdue)` : last;
}

/**
 * The headline figures as label/value pairs, in the order the text and markdown reports show
 * them. Values hold user text (environment and platform names): formatters escape them.
 */
export function figureRows(inventory: Inventory): [label: string, value: string][] {
  const f = inventory.figures;
  const counts = (list: readonly { name: string; count: number }[]) =>
    list.length === 0 ? 'none' : list.map((c) => `${c.name} ${c.count}`).join(', ');
  return [
    ['Agents', describeAgentCount(inventory)],
    ['Agents by environment', counts(f.agents.byEnvironment)],
    ['Agents by platform', counts(f.agents.byPlatform)],
    ['Shared credential references', String(f.sharedCredentials.length)],
    ['Write permissions with a field list', formatRatio(f.leastPrivilege.writeGrantsWithFields)],
    ['High/critical permissions gated', formatRatio(f.leastPrivilege.highRiskGated)],
    ['High-risk executions needing approval', formatRatio(f.highRiskApproval)],
    ['Grants with an expiry', formatRatio(f.expiry.grantsWithExpiry)],
    ['Stale permissions (review overdue)', formatRatio(f.stalePermissions)],
    ['Expired grants', String(f.expiry.expired.length)],
    [`Grants expiring within ${inventory.soonDays} days`, String(f.expiry.soonExpiring.length)],
    ['Agents without a sponsor', String(f.accountability.withoutSponsor.length)],
    ['Agents overdue for review', String(f.accountability.reviewOverdue.length)],
  ];
}
