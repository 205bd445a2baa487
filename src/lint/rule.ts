import type { PolicyIndex } from '../compile/policy-index.js';
import type { Severity } from '../model/diagnostic.js';

/** What a rule knows about itself: shown in docs, SARIF and `leash rules`. */
export interface RuleMeta {
  /** One sentence: what the rule catches. */
  description: string;
  /** Severity unless leash.yaml spec.lint.rules says otherwise. */
  severity: Severity;
  /** How to fix a finding, in a sentence; printed under each finding. */
  hint: string;
  /** The group the rule belongs to, for the docs. */
  category: 'references' | 'tier-bounds' | 'gating' | 'expiry' | 'least-privilege' | 'identity' | 'hygiene';
}

/** A finding as a rule reports it: a JSON pointer into a file, resolved to a position later. */
export interface RuleReport {
  file: string;
  pointer: string;
  message: string;
  /** Point at the mapping key rather than its value. */
  on?: 'key' | 'value';
  /** Overrides meta.hint for this finding. */
  hint?: string;
}

export interface RuleContext {
  index: PolicyIndex;
  /** The moment the check runs; rules never read the clock. */
  now: Date;
  report(finding: RuleReport): void;
}

/** A lint rule: one file in src/lint/rules/, one test, one page in docs/rules/. */
export interface Rule {
  id: string;
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Declares a rule; the identity function keeps rule files uniform and type-checked. */
export function createRule(rule: Rule): Rule {
  return rule;
}
