import type { Inventory, InventoryAgent } from '../inventory/inventory.js';
import type { InventoryFormatOptions } from './inventory-common.js';
import {
  describeAgentCount,
  describeExpiringGrant,
  describeReview,
  figureRows,
  formatHeldAction,
  sanitize,
} from './inventory-common.js';

const STYLES = {
  bold: ['\u001b[1m', '\u001b[22m'],
  warn: ['\u001b[33m', '\u001b[39m'],
} as const;

const COLUMNS: [header: string, cell: (a: InventoryAgent) => string][] = [
  ['AGENT', (a) => a.name],
  ['STATUS', (a) => a.status],
  ['ENVIRONMENT', (a) => a.environment],
  ['PLATFORM', (a) => a.platform],
  ['TIER', (a) => a.tier],
  ['OWNER', (a) => a.owner],
  ['SPONSOR', (a) => a.sponsor ?? '-'],
  ['HIGHEST MODE', (a) => a.highestMode ?? '-'],
  ['PERMISSIONS', (a) => String(a.permissionCount)],
  ['SOONEST EXPIRY', (a) => a.soonestExpiry ?? '-'],
  ['LAST REVIEWED', describeReview],
];

/**
 * Terminal output: an aligned table with one row per agent, what each reaches, then the
 * governance figures and the lists behind them (shared credentials, expired and soon-expiring
 * grants, agents without a sponsor or overdue for review). User text is stripped of control
 * characters, so a name cannot move the cursor or recolour the terminal.
 */
export function formatInventoryText(inventory: Inventory, options: InventoryFormatOptions): string {
  const paint = (style: keyof typeof STYLES, s: string) =>
    options.color ? STYLES[style][0] + s + STYLES[style][1] : s;
  const out: string[] = [];
  out.push(paint('bold', `Agent inventory as of ${inventory.asOf}: ${describeAgentCount(inventory)}`), '');

  if (inventory.agents.length === 0) out.push('No agents.');
  else {
    const rows = inventory.agents.map((a) => COLUMNS.map(([, cell]) => sanitize(cell(a))));
    out.push(
      ...table(
        COLUMNS.map(([h]) => h),
        rows,
      ).map((line, i) => (i === 0 ? paint('bold', line) : line)),
    );
  }

  if (inventory.agents.length > 0) {
    out.push('', paint('bold', 'Reach'));
    for (const a of inventory.agents) {
      out.push(`  ${sanitize(a.name)}${a.status === 'active' ? '' : ` (${a.status}: holds nothing)`}`);
      const details: [string, readonly string[]][] = [
        ['systems', a.systems],
        ['data', a.dataClasses],
        ['gated', a.gatedActions],
        ['critical', a.criticalActions.map(formatHeldAction)],
        ['templates', a.templates],
        ['credential', [a.credentialRef]],
      ];
      for (const [label, values] of details) {
        if (values.length === 0) continue;
        out.push(`    ${label.padEnd(11)}${sanitize(values.join(', '))}`);
      }
    }
  }

  out.push('', paint('bold', 'Figures'));
  const figures = figureRows(inventory);
  const width = Math.max(...figures.map(([label]) => label.length));
  for (const [label, value] of figures) out.push(`  ${label.padEnd(width)}  ${sanitize(value)}`);

  const f = inventory.figures;
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push('', paint('warn', title), ...lines.map((l) => `  ${sanitize(l)}`));
  };
  section(
    'Shared credential references',
    f.sharedCredentials.map(
      (s) => `${s.credentialRef} is used by ${s.agents.join(', ')} (${s.environments.join(', ')})`,
    ),
  );
  const grantLines = (list: typeof f.expiry.expired) =>
    list.map((g) => `${g.expires}  ${g.agent}  ${describeExpiringGrant(g)}  (${g.file} ${g.pointer})`);
  section('Expired grants', grantLines(f.expiry.expired));
  section(`Grants expiring within ${inventory.soonDays} days`, grantLines(f.expiry.soonExpiring));
  section('Agents without a sponsor', f.accountability.withoutSponsor);
  section(
    'Agents overdue for review',
    f.accountability.reviewOverdue.map(
      (r) =>
        `${r.agent}  tier ${r.tier} requires a review every ${r.every}; ` +
        (r.lastReviewed === null
          ? 'never reviewed'
          : `last reviewed ${r.lastReviewed}, due by ${r.dueBy ?? '?'}`),
    ),
  );
  return out.join('\n') + '\n';
}

/** Left-aligned columns two spaces apart, without trailing spaces. */
function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
