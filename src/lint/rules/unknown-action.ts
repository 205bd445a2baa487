import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';
import { forEachWrittenGrant, listNames } from '../grant-text.js';

export default createRule({
  id: 'unknown-action',
  meta: {
    description: "A grant names an action that no resource matched by the grant's resource defines.",
    severity: 'error',
    hint: "Use an action the resource defines (or '*' for all of them), or add the action to the system.",
    category: 'references',
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
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
  },
});
