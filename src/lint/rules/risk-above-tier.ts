import type { CoveredAction } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import { rankRisk } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { describeHeldGrant } from '../grant-text.js';

// coveredActions returns one cached array per distinct grant, so the riskiest action is too.
const riskiestCache = new WeakMap<readonly CoveredAction[], CoveredAction | undefined>();

function riskiest(covered: readonly CoveredAction[]): CoveredAction | undefined {
  if (riskiestCache.has(covered)) return riskiestCache.get(covered);
  let top: CoveredAction | undefined;
  for (const c of covered) if (!top || rankRisk(c.action.risk) > rankRisk(top.action.risk)) top = c;
  riskiestCache.set(covered, top);
  return top;
}

export default createRule({
  id: 'risk-above-tier',
  meta: {
    description: "An agent holds a grant covering an action riskier than its RiskTier's maxRisk.",
    severity: 'error',
    hint: 'Drop the risky action from the grant (list actions instead of a wildcard), or move the agent to a tier that allows the risk (a reviewed change).',
    category: 'tier-bounds',
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxRisk = tier.data.spec.maxRisk;
      const maxRank = rankRisk(maxRisk);
      for (const site of index.grantSites(agent)) {
        // An escalate grant hands the action to a human: it holds no authority over it.
        if (site.grant.mode === 'escalate') continue;
        const top = riskiest(index.coveredActions(site.grant));
        if (!top || rankRisk(top.action.risk) <= maxRank) continue;
        let location: { file: string; pointer: string };
        if (site.via) location = { file: site.via.file, pointer: `${site.via.pointer}/template` };
        else {
          // Point at the action that brings the risk in: its own entry, or the wildcard.
          const named = site.grant.actions.indexOf(top.actionName);
          const at = named >= 0 ? named : site.grant.actions.indexOf('*');
          location = { file: site.file, pointer: `${site.pointer}${toPointer('actions', Math.max(at, 0))}` };
        }
        report({
          ...location,
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)}, which covers ${site.grant.system}/${top.resourceName}.${top.actionName} (${top.action.risk} risk), above ${maxRisk}, the highest risk its tier '${tier.name}' allows`,
        });
      }
    }
  },
});
