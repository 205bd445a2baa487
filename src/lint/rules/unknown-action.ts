import type { Grant, TemplateRef } from '../../model/generated.js';
import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';

const LISTED = 8;

/** Names for a message: the first few, then how many more. */
function listNames(names: readonly string[]): string {
  if (names.length <= LISTED) return names.join(', ');
  return `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}

export default createRule({
  id: 'unknown-action',
  meta: {
    description: "A grant names an action that no resource matched by the grant's resource defines.",
    severity: 'error',
    hint: "Use an action the resource defines (or '*' for all of them), or add the action to the system.",
    category: 'references',
  },
  check({ index, report }) {
    const check = (file: string, grants: readonly (Grant | TemplateRef)[] | undefined) =>
      (grants ?? []).forEach((entry, i) => {
        if ('template' in entry) return;
        const system = index.systems.get(entry.system);
        if (!system) return;
        const matched = index.matchResources(entry.system, entry.resource);
        // No match at all is unknown-resource's finding; every action would be unknown too.
        if (matched.length === 0) return;
        const resources = system.data.spec.resources;
        entry.actions.forEach((action, j) => {
          if (action === '*') return;
          if (matched.some((r) => Object.hasOwn(resources[r]!.actions, action))) return;
          const where =
            matched.length === 1 && matched[0] === entry.resource
              ? `${entry.system}/${entry.resource} (its actions: ${listNames(Object.keys(resources[entry.resource]!.actions))})`
              : `any resource '${entry.resource}' matches in '${entry.system}' (${listNames(matched)})`;
          report({
            file,
            pointer: toPointer('spec', 'grants', i, 'actions', j),
            message: `'${action}' is not an action of ${where}`,
          });
        });
      });
    for (const agent of index.agents) check(agent.file, agent.data.spec.grants);
    for (const template of index.templates.values()) check(template.file, template.data.spec.grants);
  },
});
