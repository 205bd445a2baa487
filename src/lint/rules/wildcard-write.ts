import type { CoveredAction } from '../../compile/policy-index.js';
import { isGlob, isWrite } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import type { Grant } from '../../model/generated.js';
import { rankMode } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { forEachWrittenGrant } from '../grant-text.js';

const LEAST_CHANGING_MODE = rankMode('draft-only');
const MAX_LISTED = 5;

export default createRule({
  id: 'wildcard-write',
  meta: {
    description:
      'A grant that can change data (draft-only and up) uses a glob resource or the * action and so reaches write actions nobody listed.',
    severity: 'error',
    hint: 'Name the resource and the write actions the agent needs; keep globs and * for read-only grants.',
    category: 'least-privilege',
  },
  check({ index, report }) {
    const check = (file: string, owner: string, grant: Grant, i: number) => {
      if (rankMode(grant.mode) < LEAST_CHANGING_MODE) return;
      const globResource = isGlob(grant.resource);
      const starAt = grant.actions.indexOf('*');
      if (!globResource && starAt < 0) return;
      const writes = index.coveredActions(grant).filter((c) => isWrite(c.action));
      if (writes.length === 0) return;
      const wildcard = globResource
        ? starAt >= 0
          ? `the glob resource '${grant.resource}' and the '*' action`
          : `the glob resource '${grant.resource}'`
        : `the '*' action on '${grant.resource}'`;
      report({
        file,
        pointer: globResource
          ? toPointer('spec', 'grants', i, 'resource')
          : toPointer('spec', 'grants', i, 'actions', starAt),
        message: `${owner} grants ${wildcard} in system '${grant.system}' in ${grant.mode} mode, which reaches the write actions ${listWrites(writes)}`,
      });
    };
    forEachWrittenGrant(index, check);
  },
});

function listWrites(writes: readonly CoveredAction[]): string {
  const names = writes.slice(0, MAX_LISTED).map((c) => `${c.resourceName}.${c.actionName}`);
  const more = writes.length - names.length;
  return names.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
