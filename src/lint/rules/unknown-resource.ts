import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';
import { forEachWrittenGrant, listNames } from '../grant-text.js';

export default createRule({
  id: 'unknown-resource',
  meta: {
    description: "A grant's resource (a name or a glob) matches no resource of its system.",
    severity: 'error',
    hint: 'Use a resource the system defines in spec.resources, or add the resource to the system.',
    category: 'references',
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
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
  },
});
