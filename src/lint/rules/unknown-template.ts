import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';

export default createRule({
  id: 'unknown-template',
  meta: {
    description: 'An agent includes a Template that no file in templates/ defines.',
    severity: 'error',
    hint: 'Add templates/<name>.yaml for the template, or correct the name in the agent.',
    category: 'references',
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!('template' in entry) || index.exists('Template', entry.template)) return;
        report({
          file: agent.file,
          pointer: toPointer('spec', 'grants', i, 'template'),
          message: `agent '${agent.name}' includes the template '${entry.template}', which is not defined`,
        });
      });
    }
  },
});
