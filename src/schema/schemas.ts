import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { leashPackage } from './package-root.js';
import type { Kind } from '../model/modes.js';

/** The folder holding the JSON Schemas shipped with the package (with a trailing slash). */
export const SCHEMA_DIR = join(leashPackage().root, 'schemas') + sep;

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
