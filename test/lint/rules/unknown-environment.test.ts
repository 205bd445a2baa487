import rule from '../../../src/lint/rules/unknown-environment.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file; the environment value is on line 9, column 16. */
const agent = (name: string, environment: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: ${environment}
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
`;

const config = (environments: string) => `apiVersion: leash/v1
kind: Config
metadata:
  name: test
spec:
${environments}`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'agents in each declared environment',
      files: { 'agents/bot-staging.yaml': agent('bot-staging', 'staging') },
    },
    {
      name: 'no leash.yaml: nothing to check against',
      files: { 'leash.yaml': null, 'agents/qa-bot.yaml': agent('qa-bot', 'qa') },
    },
    {
      name: 'leash.yaml declares no environments: nothing to check against',
      files: {
        'leash.yaml': config('  guardrails: { maxRemovalPercent: 10 }\n'),
        'agents/qa-bot.yaml': agent('qa-bot', 'qa'),
      },
    },
    {
      name: 'a broken leash.yaml is left to its own diagnostics',
      files: {
        'leash.yaml': config('  environments:\n    production: {}\n'),
        'agents/qa-bot.yaml': agent('qa-bot', 'qa'),
      },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'an abbreviation of a declared environment',
      files: { 'agents/bot.yaml': agent('bot', 'prod') },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 9,
          column: 16,
          message:
            "agent 'bot' is in the environment 'prod', which leash.yaml does not declare (declared: production, staging); did you mean 'production'?",
        },
      ],
    },
    {
      name: 'a typo, and a name close to nothing declared',
      files: {
        'agents/a.yaml': agent('a', 'stagng'),
        'agents/b.yaml': agent('b', 'qa'),
      },
      errors: [
        {
          file: 'agents/a.yaml',
          line: 9,
          column: 16,
          message:
            "'stagng', which leash.yaml does not declare (declared: production, staging); did you mean 'staging'?",
        },
        {
          file: 'agents/b.yaml',
          line: 9,
          column: 16,
          message:
            /^agent 'b' is in the environment 'qa', which leash.yaml does not declare \(declared: production, staging\)$/,
        },
      ],
    },
    {
      name: 'an empty environments map declares none',
      files: { 'leash.yaml': config('  environments: {}\n') },
      errors: [{ file: 'agents/bot.yaml', line: 9, column: 16, message: '(none are declared)' }],
    },
  ],
});
