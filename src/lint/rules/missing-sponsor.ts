import { createRule } from '../rule.js';

export default createRule({
  id: 'missing-sponsor',
  meta: {
    description:
      'An agent names no sponsor although its tier requires an accountable human (sponsorRequired: true).',
    severity: 'error',
    hint: 'Add spec.sponsor with the e-mail address of the human accountable for the agent.',
    category: 'identity',
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      if (agent.data.spec.sponsor !== undefined) continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      if (tier?.data.spec.sponsorRequired !== true) continue;
      // A missing property is reported on the object that lacks it: the spec key.
      report({
        file: agent.file,
        pointer: '/spec',
        on: 'key',
        message: `agent '${agent.name}' has no sponsor, but its tier '${tier.name}' requires one`,
      });
    }
  },
});
