import { toPointer } from '../../model/diagnostic.js';
import { forEachWrittenGrant } from '../grant-text.js';
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
    forEachWrittenGrant(index, (file, _owner, grant, i) => {
      if (index.exists('System', grant.system)) return;
      report({
        file,
        pointer: toPointer('spec', 'grants', i, 'system'),
        message: `the system '${grant.system}' is not defined`,
      });
    });
  },
});
