import type { GrantSite } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import type { Grant } from '../../model/generated.js';
import { createRule } from '../rule.js';
import { grantKey } from '../grant-text.js';

export default createRule({
  id: 'duplicate-grant',
  meta: {
    description:
      'The same grant is held twice: written twice, reached both inline and through a template, or through a template included twice.',
    severity: 'warning',
    hint: 'Remove the second copy; one grant (or one template reference) is enough.',
    category: 'hygiene',
  },
  check({ index, report }) {
    // Copies inside one template are the template's problem, reported there once.
    for (const template of index.templates.values()) {
      const first = new Map<string, number>();
      template.data.spec.grants.forEach((grant, j) => {
        const key = grantKey(grant);
        const i = first.get(key);
        if (i === undefined) first.set(key, j);
        else
          report({
            file: template.file,
            pointer: toPointer('spec', 'grants', j),
            message: `template '${template.name}' repeats the grant ${describeGrant(grant)} already written at /spec/grants/${i}`,
          });
      });
    }

    for (const agent of index.agents) {
      const included = new Map<string, string>();
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!('template' in entry)) return;
        const pointer = toPointer('spec', 'grants', i);
        const first = included.get(entry.template);
        if (first === undefined) {
          included.set(entry.template, pointer);
          return;
        }
        report({
          file: agent.file,
          pointer: `${pointer}/template`,
          message: `agent '${agent.name}' includes template '${entry.template}' again; it is already included at ${first}`,
        });
      });

      const seen = new Map<string, GrantSite>();
      for (const site of index.grantSites(agent)) {
        const key = grantKey(site.grant);
        const first = seen.get(key);
        if (!first) {
          seen.set(key, site);
          continue;
        }
        // Two copies from one template are the template's own finding, or, when the template is
        // included twice, the repeated inclusion's (reported once above).
        if (first.via && site.via && first.via.template === site.via.template) continue;
        report({
          file: agent.file,
          pointer: site.via ? `${site.via.pointer}/template` : site.pointer,
          message: `agent '${agent.name}' holds the grant ${describeGrant(site.grant)} twice: ${describeSite(site)} repeats ${describeSite(first)}`,
        });
      }
    }
  },
});

function describeGrant(grant: Grant): string {
  return `${grant.system} '${grant.resource}' [${grant.actions.join(', ')}] in ${grant.mode}`;
}

function describeSite(site: GrantSite): string {
  return site.via
    ? `template '${site.via.template}' (included at ${site.via.pointer}, grant ${site.pointer})`
    : `the inline grant at ${site.pointer}`;
}
