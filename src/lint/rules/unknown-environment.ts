import { createRule } from '../rule.js';

const MAX_LISTED = 10;

export default createRule({
  id: 'unknown-environment',
  meta: {
    description:
      "An agent's environment is not one of the environments leash.yaml declares in spec.environments.",
    severity: 'error',
    hint: 'Use one of the environments declared in leash.yaml, or declare the new environment there.',
    category: 'references',
  },
  check({ index, report }) {
    const environments = index.config?.data.spec.environments;
    if (!environments) return;
    const declared = Object.keys(environments).sort();
    const shown =
      declared.length === 0
        ? 'none are declared'
        : `declared: ${declared.slice(0, MAX_LISTED).join(', ')}${declared.length > MAX_LISTED ? ', …' : ''}`;
    const suggestions = new Map<string, string | undefined>();
    for (const agent of index.agents) {
      const environment = agent.data.spec.environment;
      if (Object.hasOwn(environments, environment)) continue;
      if (!suggestions.has(environment)) suggestions.set(environment, closest(environment, declared));
      const guess = suggestions.get(environment);
      report({
        file: agent.file,
        pointer: '/spec/environment',
        message: `agent '${agent.name}' is in the environment '${environment}', which leash.yaml does not declare (${shown})${guess ? `; did you mean '${guess}'?` : ''}`,
      });
    }
  },
});

/** The declared name a typo most likely meant: a prefix of it (prod for production) or within two edits. */
function closest(name: string, declared: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of declared) {
    if (name.length >= 3 && candidate.startsWith(name)) return candidate;
    const d = editDistance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit) once it reaches limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length]!, limit);
}
