import type { Inventory, InventoryAgent } from '../inventory/inventory.js';
import type { InventoryFormatOptions } from './inventory-common.js';
import { formatHeldAction } from './inventory-common.js';

const join = (values: readonly string[]) => values.join('; ');

/** The columns, in order: header and cell. */
export const INVENTORY_CSV_COLUMNS: readonly [header: string, cell: (a: InventoryAgent) => string][] = [
  ['name', (a) => a.name],
  ['file', (a) => a.file],
  ['status', (a) => a.status],
  ['owner', (a) => a.owner],
  ['sponsor', (a) => a.sponsor ?? ''],
  ['platform', (a) => a.platform],
  ['environment', (a) => a.environment],
  ['production', (a) => String(a.production)],
  ['tier', (a) => a.tier],
  ['highest_mode', (a) => a.highestMode ?? ''],
  ['permission_count', (a) => String(a.permissionCount)],
  ['systems', (a) => join(a.systems)],
  ['data_classes', (a) => join(a.dataClasses)],
  ['gated_actions', (a) => join(a.gatedActions)],
  ['critical_actions', (a) => join(a.criticalActions.map(formatHeldAction))],
  ['soonest_expiry', (a) => a.soonestExpiry ?? ''],
  ['templates', (a) => join(a.templates)],
  ['credential_ref', (a) => a.credentialRef],
  ['last_reviewed', (a) => a.lastReviewed ?? ''],
  ['review_every', (a) => a.review.every ?? ''],
  ['review_due_by', (a) => a.review.dueBy ?? ''],
  ['review_overdue', (a) => String(a.review.overdue)],
];

/** A cell a spreadsheet would run as a formula (or a DDE call) starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): always quoted, embedded quotes doubled. A value a spreadsheet would
 * take for a formula gets a leading apostrophe (OWASP "CSV injection"), so opening the file in
 * Excel, LibreOffice or Google Sheets never evaluates user text.
 */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * RFC 4180 CSV for spreadsheets: a header, then one row per agent (lists joined with "; "),
 * CRLF line breaks. Governance figures are not in it; use json or text for those.
 */
export function formatInventoryCsv(inventory: Inventory, _options: InventoryFormatOptions): string {
  const rows = [
    INVENTORY_CSV_COLUMNS.map(([header]) => header),
    ...inventory.agents.map((a) => INVENTORY_CSV_COLUMNS.map(([, cell]) => cell(a))),
  ];
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}
