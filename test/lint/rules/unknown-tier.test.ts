import rule from '../../../src/lint/rules/unknown-tier.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file with no grants; spec.tier is on line 10, its value at column 9. */
const agent = (name: string, tier: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: staging
  tier: ${tier}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'a tier whose file is broken is left to that file',
      files: {
        'tiers/gold.yaml':
          'apiVersion: leash/v1\nkind: RiskTier\nmetadata:\n  name: gold\nspec:\n  maxMode: root\n',
        'agents/helper.yaml': agent('helper', 'gold'),
      },
      brokenFiles: true,
    },
    {
      name: 'a second tier defined and used',
      files: {
        'tiers/gold.yaml':
          'apiVersion: leash/v1\nkind: RiskTier\nmetadata:\n  name: gold\nspec:\n  maxMode: read-only\n  maxRisk: low\n',
        'agents/helper.yaml': agent('helper', 'gold'),
      },
    },
  ],
  invalid: [
    {
      name: 'agents name tiers that do not exist',
      files: {
        'agents/helper.yaml': agent('helper', 'gold'),
        'agents/other.yaml': agent('other', 'standrad'),
      },
      errors: [
        {
          file: 'agents/helper.yaml',
          line: 10,
          column: 9,
          message: "agent 'helper' is in the tier 'gold', which is not defined",
        },
        { file: 'agents/other.yaml', line: 10, column: 9, message: "'standrad'" },
      ],
    },
  ],
});
