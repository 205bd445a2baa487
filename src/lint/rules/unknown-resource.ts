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
  id: 'unknown-resource',
  meta: {
    description: "A grant's resource (a name or a glob) matches no resource of its system.",
    severity: 'error',
    hint: 'Use a resource the system defines in spec.resources, or add the resource to the system.',
    category: 'references',
  },
  check({ index, report }) {
    const check = (file: string, grants: readonly (Grant | TemplateRef)[] | undefined) =>
      (grants ?? []).forEach((entry, i) => {
        if ('template' in entry) return;
        // An unknown or broken system is reported by unknown-system or by its own file.
        const system = index.systems.get(entry.system);
        if (!system) return;
        if (index.matchResources(entry.system, entry.resource).length > 0) return;
        report({
          file,
          pointer: toPointer('spec', 'grants', i, 'resource'),
          message: `'${entry.resource}' matches no resource of the system '${entry.system}' (its resources: ${listNames(Object.keys(system.data.spec.resources))})`,
        });
      });
    for (const agent of index.agents) check(agent.file, agent.data.spec.grants);
    for (const template of index.templates.values()) check(template.file, template.data.spec.grants);
  },
});
