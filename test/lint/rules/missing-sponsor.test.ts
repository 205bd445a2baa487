import rule from '../../../src/lint/rules/missing-sponsor.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file without a sponsor; the spec key is on line 5, column 1. */
const unsponsored = (name: string, tier: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  platform: internal
  environment: production
  tier: ${tier}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
`;

const tier = (name: string, sponsorRequired?: boolean) => `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: ${name}
spec:
  maxMode: read-only
  maxRisk: low
${sponsorRequired === undefined ? '' : `  sponsorRequired: ${sponsorRequired}\n`}`;

testRule(rule, {
  valid: [
    { name: 'the base repository: the agent names its sponsor', files: {} },
    {
      name: 'tiers that do not require a sponsor, explicitly or by default',
      files: {
        'tiers/sandbox.yaml': tier('sandbox', false),
        'tiers/lab.yaml': tier('lab'),
        'agents/a.yaml': unsponsored('a', 'sandbox'),
        'agents/b.yaml': unsponsored('b', 'lab'),
      },
    },
    {
      name: 'an unknown tier is left to the reference rules',
      files: { 'agents/a.yaml': unsponsored('a', 'nonexistent') },
    },
    {
      name: 'a tier whose file is broken is left to that file',
      files: {
        'tiers/broken.yaml':
          'apiVersion: leash/v1\nkind: RiskTier\nmetadata:\n  name: broken\nspec:\n  sponsorRequired: true\n',
        'agents/a.yaml': unsponsored('a', 'broken'),
      },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'an agent in a tier that requires a sponsor names none',
      files: {
        'agents/bot.yaml': unsponsored('bot', 'standard'),
        'tiers/sandbox.yaml': tier('sandbox', false),
        'agents/lab-bot.yaml': unsponsored('lab-bot', 'sandbox'),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 5,
          column: 1,
          message: "agent 'bot' has no sponsor, but its tier 'standard' requires one",
        },
      ],
    },
    {
      name: 'each agent is reported in its own file',
      files: {
        'tiers/strict.yaml': tier('strict', true),
        'agents/a.yaml': unsponsored('a', 'strict'),
        'agents/b.yaml': unsponsored('b', 'standard'),
      },
      errors: [
        { file: 'agents/a.yaml', line: 5, column: 1, message: "tier 'strict'" },
        { file: 'agents/b.yaml', line: 5, column: 1, message: "tier 'standard'" },
      ],
    },
  ],
});
