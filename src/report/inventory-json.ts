import type { Inventory } from '../inventory/inventory.js';
import type { InventoryFormatOptions } from './inventory-common.js';

/**
 * The inventory as JSON, exactly as built: the shape is schemas/inventory.schema.json and
 * `formatVersion` changes only when it does.
 */
export function formatInventoryJson(inventory: Inventory, _options: InventoryFormatOptions): string {
  return JSON.stringify(inventory, null, 2) + '\n';
}
