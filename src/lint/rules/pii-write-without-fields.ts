import type { CoveredAction } from '../../compile/policy-index.js';
import { isWrite } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import type { Grant } from '../../model/generated.js';
import { rankMode } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { forEachWrittenGrant } from '../grant-text.js';

type Resource = CoveredAction['resource'];

const LEAST_CHANGING_MODE = rankMode('draft-only');
const MAX_LISTED = 5;

export default createRule({
  id: 'pii-write-without-fields',
  meta: {
    description:
      'A grant that can change data (draft-only and up) writes to a resource holding pii without limiting itself to a fields list.',
    severity: 'error',
    hint: 'Add a fields list naming only the fields the agent must change.',
    category: 'least-privilege',
  },
  check({ index, report }) {
    const piiCache = new WeakMap<Resource, string[] | undefined>();
    const piiOf = (resource: Resource): string[] | undefined => {
      if (piiCache.has(resource)) return piiCache.get(resource);
      const fields = Object.entries(resource.fields ?? {})
        .filter(([, f]) => f.dataClasses?.includes('pii'))
        .map(([name]) => name);
      const hit = resource.dataClasses?.includes('pii') || fields.length > 0 ? fields : undefined;
      piiCache.set(resource, hit);
      return hit;
    };

    const check = (file: string, owner: string, grant: Grant, i: number) => {
      if (grant.fields || rankMode(grant.mode) < LEAST_CHANGING_MODE) return;
      const hits = new Map<string, { actions: string[]; piiFields: string[] }>();
      for (const c of index.coveredActions(grant)) {
        if (!isWrite(c.action)) continue;
        const piiFields = piiOf(c.resource);
        if (!piiFields) continue;
        const hit = hits.get(c.resourceName) ?? { actions: [], piiFields };
        hit.actions.push(c.actionName);
        hits.set(c.resourceName, hit);
      }
      if (hits.size === 0) return;
      const described = [...hits].slice(0, MAX_LISTED).map(([name, { actions, piiFields }]) => {
        const where = piiFields.length > 0 ? `pii in ${piiFields.join(', ')}` : 'pii';
        return `'${name}' (${actions.join(', ')}; ${where})`;
      });
      const more = hits.size - described.length;
      report({
        file,
        pointer: toPointer('spec', 'grants', i, 'resource'),
        message: `${owner} may write to ${described.join(', ')}${more > 0 ? ` and ${more} more resources` : ''} in system '${grant.system}' in ${grant.mode} mode with no fields list`,
      });
    };
    forEachWrittenGrant(index, check);
  },
});
