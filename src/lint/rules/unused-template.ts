import { createRule } from '../rule.js';

export default createRule({
  id: 'unused-template',
  meta: {
    description: 'A template that no agent references.',
    severity: 'warning',
    hint: 'Reference the template from an agent, or delete it.',
    category: 'hygiene',
  },
  check({ index, report }) {
    // A broken agent file may reference any template: unknown is not unused.
    if ((index.brokenNames.get('Agent')?.size ?? 0) > 0) return;
    const used = new Set<string>();
    for (const agent of index.agents) {
      for (const entry of agent.data.spec.grants ?? []) {
        if ('template' in entry) used.add(entry.template);
      }
    }
    for (const template of index.templates.values()) {
      if (used.has(template.name)) continue;
      const count = template.data.spec.grants.length;
      report({
        file: template.file,
        pointer: '/metadata/name',
        message: `template '${template.name}' (${count} grant${count === 1 ? '' : 's'}) is not referenced by any agent`,
      });
    }
  },
});
