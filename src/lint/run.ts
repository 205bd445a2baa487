import type { PolicyIndex } from '../compile/policy-index.js';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import type { Rule } from './rule.js';
import { RULES } from './registry.js';

export interface LintOptions {
  now: Date;
  /** Rules to run; every registered rule when absent. */
  rules?: readonly Rule[];
}

/**
 * Runs the lint rules over an index. Severities come from the rule, overridden by leash.yaml
 * spec.lint.rules; a rule set to 'off' does not run. Unknown rule ids in the config are reported.
 */
export function runLint(index: PolicyIndex, options: LintOptions): Diagnostic[] {
  const rules = options.rules ?? RULES;
  const overrides = index.config?.data.spec.lint?.rules ?? {};
  const out: Diagnostic[] = [];
  const known = new Set(RULES.map((r) => r.id));
  for (const id of Object.keys(overrides)) {
    if (!known.has(id)) {
      out.push({
        ruleId: 'unknown-rule',
        severity: 'error',
        message: `'${id}' is not a lint rule`,
        hint: 'Run `leash rules` for the list of rule ids.',
        file: index.config!.file,
        pointer: toPointer('spec', 'lint', 'rules', id),
        on: 'key',
      });
    }
  }
  for (const rule of rules) {
    const configured = overrides[rule.id];
    if (configured === 'off') continue;
    const severity: Severity = configured ?? rule.meta.severity;
    rule.check({
      index,
      now: options.now,
      report: (finding) =>
        out.push({
          ruleId: rule.id,
          severity,
          message: finding.message,
          hint: finding.hint ?? rule.meta.hint,
          file: finding.file,
          pointer: finding.pointer,
          ...(finding.on ? { on: finding.on } : {}),
        }),
    });
  }
  return out;
}
