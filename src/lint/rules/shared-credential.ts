import type { AgentDocument } from '../../model/document.js';
import { createRule } from '../rule.js';

const POINTER = '/spec/identity/credentialRef';
const MAX_LISTED = 5;

export default createRule({
  id: 'shared-credential',
  meta: {
    description: 'Two or more agents use the same identity.credentialRef, so they share one credential.',
    severity: 'error',
    hint: 'Give every agent, in every environment, its own credential and its own credentialRef.',
    category: 'identity',
  },
  check({ index, report }) {
    const byRef = new Map<string, AgentDocument[]>();
    for (const agent of index.agents) {
      const ref = agent.data.spec.identity.credentialRef;
      const group = byRef.get(ref);
      if (group) group.push(agent);
      else byRef.set(ref, [agent]);
    }
    for (const [ref, group] of byRef) {
      if (group.length < 2) continue;
      const environments = [...new Set(group.map((a) => a.data.spec.environment))].sort();
      const crossed = environments.length > 1;
      for (const agent of group) {
        // At most MAX_LISTED names: a credential shared by thousands must not cost n² work.
        const named: string[] = [];
        for (const other of group) {
          if (named.length === MAX_LISTED) break;
          if (other === agent) continue;
          named.push(crossed ? `'${other.name}' (${other.data.spec.environment})` : `'${other.name}'`);
        }
        const more = group.length - 1 - named.length;
        const list = more > 0 ? `${named.join(', ')} and ${more} more` : joinAnd(named);
        report({
          file: agent.file,
          pointer: POINTER,
          message: crossed
            ? `${joinAnd(environments)} share ${ref}: agent '${agent.name}' (${agent.data.spec.environment}) uses the same credential as ${list}`
            : `agent '${agent.name}' shares ${ref} with ${list}, all in ${environments[0]}`,
        });
      }
    }
  },
});

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
