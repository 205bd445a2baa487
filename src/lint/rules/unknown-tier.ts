import { createRule } from '../rule.js';

export default createRule({
  id: 'unknown-tier',
  meta: {
    description: 'An agent names a RiskTier that no file in tiers/ defines.',
    severity: 'error',
    hint: 'Add tiers/<name>.yaml for the tier, or correct spec.tier in the agent.',
    category: 'references',
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      const tier = agent.data.spec.tier;
      if (index.exists('RiskTier', tier)) continue;
      report({
        file: agent.file,
        pointer: '/spec/tier',
        message: `agent '${agent.name}' is in the tier '${tier}', which is not defined`,
      });
    }
  },
});
