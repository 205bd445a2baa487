import { rankMode } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { describeHeldGrant, locateHeldGrant } from '../grant-text.js';

export default createRule({
  id: 'mode-above-tier',
  meta: {
    description: 'An agent holds a grant in a mode above the highest mode its RiskTier allows (maxMode).',
    severity: 'error',
    hint: "Lower the grant's mode to the tier's maxMode, or move the agent to a tier that allows the mode (a reviewed change).",
    category: 'tier-bounds',
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      // An unknown tier is unknown-tier's finding; without it there is no bound to check.
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxMode = tier.data.spec.maxMode;
      const maxRank = rankMode(maxMode);
      for (const site of index.grantSites(agent)) {
        const mode = site.grant.mode;
        if (rankMode(mode) <= maxRank) continue;
        report({
          ...locateHeldGrant(site, 'mode'),
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)} in ${mode} mode, above ${maxMode}, the highest mode its tier '${tier.name}' allows`,
        });
      }
    }
  },
});
