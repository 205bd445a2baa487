import type { ExpiringGrant, Inventory, InventoryAgent } from '../inventory/inventory.js';
import type { InventoryFormatOptions } from './inventory-common.js';
import { escapeMarkdown } from './blast-escape.js';
import { describeAgentCount, describeReview, figureRows, formatHeldAction } from './inventory-common.js';

/**
 * Escapes user text for a table cell or list item: the same escaping as the PR comment's
 * (src/report/blast-escape.ts), without shortening, since the inventory is the full record.
 */
export function escapeMarkdownText(text: string): string {
  return escapeMarkdown(text, Number.POSITIVE_INFINITY);
}

const DASH = '—';

const COLUMNS: [header: string, cell: (a: InventoryAgent) => string][] = [
  ['Agent', (a) => a.name],
  ['Status', (a) => a.status],
  ['Environment', (a) => a.environment],
  ['Platform', (a) => a.platform],
  ['Tier', (a) => a.tier],
  ['Owner', (a) => a.owner],
  ['Sponsor', (a) => a.sponsor ?? DASH],
  ['Highest mode', (a) => a.highestMode ?? DASH],
  ['Systems', (a) => list(a.systems)],
  ['Data classes', (a) => list(a.dataClasses)],
  ['Gated actions', (a) => list(a.gatedActions)],
  ['Critical actions', (a) => list(a.criticalActions.map(formatHeldAction))],
  ['Soonest expiry', (a) => a.soonestExpiry ?? DASH],
  ['Templates', (a) => list(a.templates)],
  ['Credential reference', (a) => a.credentialRef],
  ['Last reviewed', describeReview],
];

function list(values: readonly string[]): string {
  return values.length === 0 ? DASH : values.join(', ');
}

/**
 * Markdown for a wiki page, an issue or a PR comment: the agent table, the figures, then the
 * lists behind them. Every piece of user text goes through {@link escapeMarkdownText}.
 */
export function formatInventoryMarkdown(inventory: Inventory, _options: InventoryFormatOptions): string {
  const out: string[] = [];
  out.push(
    '## Agent inventory',
    '',
    `As of ${inventory.asOf}: ${escapeMarkdownText(describeAgentCount(inventory))}.`,
  );

  if (inventory.agents.length > 0) {
    out.push(
      '',
      ...table(
        COLUMNS.map(([h]) => h),
        inventory.agents.map((a) => COLUMNS.map(([, cell]) => escapeMarkdownText(cell(a)))),
      ),
    );
  }

  out.push(
    '',
    '### Figures',
    '',
    ...table(
      ['Figure', 'Value'],
      figureRows(inventory).map(([label, value]) => [label, escapeMarkdownText(value)]),
    ),
  );

  const f = inventory.figures;
  if (f.sharedCredentials.length > 0) {
    out.push(
      '',
      '### Shared credential references',
      '',
      ...table(
        ['Credential reference', 'Agents', 'Environments'],
        f.sharedCredentials.map((s) =>
          [s.credentialRef, s.agents.join(', '), s.environments.join(', ')].map(escapeMarkdownText),
        ),
      ),
    );
  }
  const grants = (title: string, grantList: readonly ExpiringGrant[], dateHeader: string) => {
    if (grantList.length === 0) return;
    out.push(
      '',
      `### ${title}`,
      '',
      ...table(
        ['Agent', 'Grant', 'Mode', 'Template', dateHeader, 'Where'],
        grantList.map((g) =>
          [
            g.agent,
            `${g.system}/${g.resource} [${g.actions.join(', ')}]`,
            g.mode,
            g.template ?? DASH,
            g.expires,
            `${g.file} ${g.pointer}`,
          ].map(escapeMarkdownText),
        ),
      ),
    );
  };
  grants('Expired grants', f.expiry.expired, 'Expired');
  grants(`Grants expiring within ${inventory.soonDays} days`, f.expiry.soonExpiring, 'Expires');
  if (f.accountability.withoutSponsor.length > 0) {
    out.push(
      '',
      '### Agents without a sponsor',
      '',
      ...f.accountability.withoutSponsor.map((name) => `- ${escapeMarkdownText(name)}`),
    );
  }
  if (f.accountability.reviewOverdue.length > 0) {
    out.push(
      '',
      '### Agents overdue for review',
      '',
      ...table(
        ['Agent', 'Tier', 'Review every', 'Last reviewed', 'Due by'],
        f.accountability.reviewOverdue.map((r) =>
          [r.agent, r.tier, r.every, r.lastReviewed ?? 'never', r.dueBy ?? DASH].map(escapeMarkdownText),
        ),
      ),
    );
  }
  return out.join('\n') + '\n';
}

/** A GitHub-flavoured markdown table; cells must already be escaped. */
function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)];
}
