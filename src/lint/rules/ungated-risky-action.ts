import type { CoveredAction } from '../../compile/policy-index.js';
import type { Risk } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { DEFAULT_GATED_RISKS, describeHeldGrant, joinAnd } from '../grant-text.js';

const LISTED = 5;

/** Why an action must be gated, or undefined when it need not be. */
function reasonsFor(c: CoveredAction, gated: ReadonlySet<Risk>): string | undefined {
  const reasons: string[] = [];
  if (gated.has(c.action.risk)) reasons.push(c.action.risk);
  if (c.action.reversible === false) reasons.push('irreversible');
  if (c.action.external === true) reasons.push('external');
  if (c.action.financial === true) reasons.push('financial');
  return reasons.length === 0 ? undefined : joinAnd(reasons);
}

export default createRule({
  id: 'ungated-risky-action',
  meta: {
    description:
      "A production agent holds execute-limited on an action that must be gated: a risk in its tier's gatedRisks, or irreversible, external or financial.",
    severity: 'error',
    hint: 'Use execute-gated (a human approves each call) or a lower mode for these actions; split them into their own grant if the rest may stay execute-limited.',
    category: 'gating',
  },
  check({ index, report }) {
    const gatedByTier = new Map<string, ReadonlySet<Risk>>();
    for (const agent of index.agents) {
      const environment = agent.data.spec.environment;
      if (!index.isProduction(environment)) continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      let gated = gatedByTier.get(tier.name);
      if (!gated) {
        gated = new Set(tier.data.spec.gatedRisks ?? DEFAULT_GATED_RISKS);
        gatedByTier.set(tier.name, gated);
      }
      for (const site of index.grantSites(agent)) {
        if (site.grant.mode !== 'execute-limited') continue;
        const found: string[] = [];
        for (const c of index.coveredActions(site.grant)) {
          const reasons = reasonsFor(c, gated);
          if (reasons) found.push(`${site.grant.system}/${c.resourceName}.${c.actionName} is ${reasons}`);
        }
        if (found.length === 0) continue;
        const listed =
          found.length <= LISTED
            ? found.join('; ')
            : `${found.slice(0, LISTED).join('; ')}; and ${found.length - LISTED} more`;
        report({
          ...(site.via
            ? { file: site.via.file, pointer: `${site.via.pointer}/template` }
            : { file: site.file, pointer: `${site.pointer}/mode` }),
          message: `agent '${agent.name}' (${environment}) holds ${describeHeldGrant(site)} in execute-limited mode, but ${listed}; tier '${tier.name}' requires execute-gated or lower`,
        });
      }
    }
  },
});
