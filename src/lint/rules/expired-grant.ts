import { parseLeashDate } from '../../compile/policy-index.js';
import type { Grant } from '../../model/generated.js';
import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';

function describeGrant(g: Grant): string {
  return `${g.system}/${g.resource} [${g.actions.join(', ')}]`;
}

export default createRule({
  id: 'expired-grant',
  meta: {
    description: 'A grant or template reference carries an expiry that has already passed.',
    severity: 'warning',
    hint: 'Remove the lapsed grant (it no longer gives access), or renew it with a new expiry in a reviewed change.',
    category: 'expiry',
  },
  check({ index, now, report }) {
    const nowMs = now.getTime();
    const expired = (value: string | undefined): value is string =>
      value !== undefined && parseLeashDate(value).getTime() < nowMs;
    for (const agent of index.agents) {
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!expired(entry.expires)) return;
        report({
          file: agent.file,
          pointer: toPointer('spec', 'grants', i, 'expires'),
          message:
            'template' in entry
              ? `the use of template '${entry.template}' by agent '${agent.name}' expired on ${entry.expires}`
              : `the grant ${describeGrant(entry)} of agent '${agent.name}' expired on ${entry.expires}`,
        });
      });
    }
    // Reported once where it is written, however many agents include the template.
    for (const template of index.templates.values()) {
      template.data.spec.grants.forEach((grant, i) => {
        if (!expired(grant.expires)) return;
        report({
          file: template.file,
          pointer: toPointer('spec', 'grants', i, 'expires'),
          message: `the grant ${describeGrant(grant)} of template '${template.name}' expired on ${grant.expires}`,
        });
      });
    }
  },
});
