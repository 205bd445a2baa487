import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';
import { forEachWrittenGrant } from '../grant-text.js';

const LISTED = 8;
const LISTED_RESOURCES = 4;

/** Names for a message: the first few, then how many more. */
function listNames(names: readonly string[]): string {
  if (names.length <= LISTED) return names.join(', ');
  return `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}

export default createRule({
  id: 'unknown-field',
  meta: {
    description:
      "A grant limits access to a field that a resource matched by the grant's resource does not define.",
    severity: 'error',
    hint: "Name only fields in the resource's spec.fields (narrow the resource if a glob matches resources without them), or add the field to the system.",
    category: 'references',
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
      if (!entry.fields) return;
      const system = index.systems.get(entry.system);
      if (!system) return;
      const matched = index.matchResources(entry.system, entry.resource);
      if (matched.length === 0) return;
      const resources = system.data.spec.resources;
      entry.fields.forEach((field, j) => {
        const lacking = matched.filter((r) => {
          const fields = resources[r]!.fields;
          return !fields || !Object.hasOwn(fields, field);
        });
        if (lacking.length === 0) return;
        const describe = (r: string) => {
          const names = Object.keys(resources[r]!.fields ?? {});
          return names.length === 0
            ? `${entry.system}/${r} (which defines no fields)`
            : `${entry.system}/${r} (its fields: ${listNames(names)})`;
        };
        const message =
          matched.length === 1
            ? `'${field}' is not a field of ${describe(lacking[0]!)}`
            : `'${field}' is not a field of every resource '${entry.resource}' matches: not of ${lacking
                .slice(0, LISTED_RESOURCES)
                .map(describe)
                .join(
                  ', ',
                )}${lacking.length > LISTED_RESOURCES ? ` and ${lacking.length - LISTED_RESOURCES} more` : ''}`;
        report({ file, pointer: toPointer('spec', 'grants', i, 'fields', j), message });
      });
    });
  },
});
