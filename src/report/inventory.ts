import type { InventoryFormatter } from './inventory-common.js';
import { formatInventoryCsv } from './inventory-csv.js';
import { formatInventoryJson } from './inventory-json.js';
import { formatInventoryMarkdown } from './inventory-markdown.js';
import { formatInventoryText } from './inventory-text.js';

export type { InventoryFormatOptions, InventoryFormatter } from './inventory-common.js';
export { csvField } from './inventory-csv.js';
export { escapeMarkdownText } from './inventory-markdown.js';

/** Inventory formatters by name: pure functions from an inventory to a string. */
export const INVENTORY_FORMATTERS = {
  text: formatInventoryText,
  markdown: formatInventoryMarkdown,
  json: formatInventoryJson,
  csv: formatInventoryCsv,
} as const satisfies Record<string, InventoryFormatter>;

export type InventoryFormat = keyof typeof INVENTORY_FORMATTERS;
