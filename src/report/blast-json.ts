import type { BlastRadius } from '../diff/types.js';
import type { BlastFormatOptions } from './blast-common.js';

/**
 * The blast radius as JSON: `{ formatVersion: 1, ...radius }`, pretty-printed. Keys are sorted
 * (formatVersion first) so equal radii print byte-for-byte the same however they were built;
 * array order is the radius's own (riskiest agent first).
 */
export function formatBlastJson(radius: BlastRadius, _options: BlastFormatOptions = {}): string {
  const { formatVersion: _version, ...rest } = radius;
  return JSON.stringify({ formatVersion: 1, ...(sortKeys(rest) as object) }, null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // No prototype: a key named __proto__ stays a key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
