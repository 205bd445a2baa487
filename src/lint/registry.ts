import type { Rule } from './rule.js';
import unknownSystem from './rules/unknown-system.js';

/** Every lint rule, in id order. A meta-test checks each has a test and a docs/rules page. */
export const RULES = [unknownSystem] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
