import type { RuleInfo } from '../report/validate-report.js';
import { LOADER_CHECKS } from '../source/checks.js';
import { RULES } from './registry.js';

/** Where the docs live; rule pages are docs/rules/<id>.md, loader checks one page. */
export const DOCS_BASE = 'https://github.com/leash-dev/leash/blob/main/docs/';

/** Every lint rule and loader check, for SARIF and `leash rules`. */
export function listRuleInfo(): RuleInfo[] {
  return [
    ...Object.entries(LOADER_CHECKS).map(([id, description]) => ({
      id,
      description,
      severity: 'error' as const,
      helpUri: `${DOCS_BASE}loader-checks.md#${id}`,
    })),
    ...RULES.map((r) => ({
      id: r.id,
      description: r.meta.description,
      severity: r.meta.severity,
      helpUri: `${DOCS_BASE}rules/${r.id}.md`,
    })),
  ];
}
