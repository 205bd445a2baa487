// The parsing half of diffRevisions (./sides.ts), loaded on demand: the YAML parsers and schema
// validators are most of the CLI's code. The CLI bundle replaces this module with one that
// loads that half through V8's code cache (scripts/build-cli.mjs).
import type * as Sides from './sides.js';

export type DiffCore = typeof Sides;

/** Loads the parsing half of the diff. */
export function loadDiffCore(): Promise<DiffCore> {
  return import('./sides.js');
}
