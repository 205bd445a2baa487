import type { CoveredAction } from '../../compile/policy-index.js';
import { isWrite } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import type { Grant } from '../../model/generated.js';
import { rankMode } from '../../model/modes.js';
import { createRule } from '../rule.js';

// The same test the policy index uses to tell a glob from a literal resource name.
const GLOB = /[*?[\]{}!+@()]/;
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
      const globResource = GLOB.test(grant.resource);
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
    for (const template of index.templates.values()) {
      template.data.spec.grants.forEach((grant, i) =>
        check(template.file, `template '${template.name}'`, grant, i),
      );
    }
    for (const agent of index.agents) {
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!('template' in entry)) check(agent.file, `agent '${agent.name}'`, entry, i);
      });
    }
  },
});

function listWrites(writes: readonly CoveredAction[]): string {
  const names = writes.slice(0, MAX_LISTED).map((c) => `${c.resourceName}.${c.actionName}`);
  const more = writes.length - names.length;
  return names.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
