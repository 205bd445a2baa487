import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kind } from '../model/modes.js';

/** The folder holding the JSON Schemas shipped with the package. */
export const SCHEMA_DIR = fileURLToPath(
  // Compiled code runs from dist/src/schema/, the sources from src/schema/.
  new URL(import.meta.url.includes('/dist/src/') ? '../../../schemas/' : '../../schemas/', import.meta.url),
);

export const SCHEMA_FILES: Record<Kind | 'common', string> = {
  common: 'common.schema.json',
  Agent: 'agent.schema.json',
  Template: 'template.schema.json',
  RiskTier: 'risk-tier.schema.json',
  System: 'system.schema.json',
  Config: 'config.schema.json',
};

/** Reads one shipped schema. */
export function readSchema(kind: Kind | 'common'): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_DIR + SCHEMA_FILES[kind], 'utf8')) as Record<string, unknown>;
}
