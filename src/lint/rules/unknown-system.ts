import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';

export default createRule({
  id: 'unknown-system',
  meta: {
    description: 'A grant names a System that no file in systems/ defines.',
    severity: 'error',
    hint: 'Add systems/<name>.yaml for the system, or correct the name in the grant.',
    category: 'references',
  },
  check({ index, report }) {
    const check = (file: string, grants: readonly object[] | undefined) =>
      (grants ?? []).forEach((grant, i) => {
        if (!('system' in grant) || typeof grant.system !== 'string') return;
        if (index.exists('System', grant.system)) return;
        report({
          file,
          pointer: toPointer('spec', 'grants', i, 'system'),
          message: `the system '${grant.system}' is not defined`,
        });
      });
    for (const agent of index.agents) check(agent.file, agent.data.spec.grants);
    for (const template of index.templates.values()) check(template.file, template.data.spec.grants);
  },
});
