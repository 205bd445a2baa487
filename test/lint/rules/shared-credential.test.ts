import rule from '../../../src/lint/rules/shared-credential.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file; credentialRef is on line 13, its value at column 20. */
const agent = (
  name: string,
  environment: string,
  credentialRef: string,
  status = 'active',
) => `apiVersion: leash/v1
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
    credentialRef: ${credentialRef}
  status: ${status}
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'every agent and environment with its own credential',
      files: {
        'agents/bot-staging.yaml': agent('bot-staging', 'staging', 'vault://kv/agents/bot-staging'),
        'agents/mailer.yaml': agent('mailer', 'production', 'aws-sm://agents/mailer'),
      },
    },
    {
      name: 'references differ by fragment or prefix only: compared exactly',
      files: {
        'agents/a.yaml': agent('a', 'production', 'vault://kv/shared#a'),
        'agents/b.yaml': agent('b', 'production', 'vault://kv/shared#b'),
        'agents/c.yaml': agent('c', 'production', 'vault://kv/agents/bot-old'),
      },
    },
  ],
  invalid: [
    {
      name: 'two agents in one environment share a credential',
      files: {
        'agents/bot-copy.yaml': agent('bot-copy', 'production', 'vault://kv/agents/bot'),
      },
      errors: [
        {
          file: 'agents/bot-copy.yaml',
          line: 13,
          column: 20,
          message: "agent 'bot-copy' shares vault://kv/agents/bot with 'bot', all in production",
        },
        {
          file: 'agents/bot.yaml',
          line: 13,
          column: 20,
          message: "agent 'bot' shares vault://kv/agents/bot with 'bot-copy', all in production",
        },
      ],
    },
    {
      name: 'production and staging share a credential, even when one agent is revoked',
      files: {
        'agents/bot-staging.yaml': agent('bot-staging', 'staging', 'vault://kv/agents/bot', 'revoked'),
      },
      errors: [
        {
          file: 'agents/bot-staging.yaml',
          line: 13,
          column: 20,
          message:
            "production and staging share vault://kv/agents/bot: agent 'bot-staging' (staging) uses the same credential as 'bot' (production)",
        },
        {
          file: 'agents/bot.yaml',
          line: 13,
          column: 20,
          message:
            "production and staging share vault://kv/agents/bot: agent 'bot' (production) uses the same credential as 'bot-staging' (staging)",
        },
      ],
    },
    {
      name: 'a credential shared by many agents names five others and counts the rest',
      files: {
        'agents/a1.yaml': agent('a1', 'production', 'vault://kv/agents/bot'),
        'agents/a2.yaml': agent('a2', 'production', 'vault://kv/agents/bot'),
        'agents/a3.yaml': agent('a3', 'production', 'vault://kv/agents/bot'),
        'agents/a4.yaml': agent('a4', 'staging', 'vault://kv/agents/bot'),
        'agents/a5.yaml': agent('a5', 'production', 'vault://kv/agents/bot'),
        'agents/a6.yaml': agent('a6', 'dev', 'vault://kv/agents/bot'),
      },
      errors: [
        { file: 'agents/a1.yaml', line: 13, column: 20, message: "agent 'a1' (production)" },
        { file: 'agents/a2.yaml', line: 13, column: 20, message: "agent 'a2' (production)" },
        { file: 'agents/a3.yaml', line: 13, column: 20, message: "agent 'a3' (production)" },
        { file: 'agents/a4.yaml', line: 13, column: 20, message: "agent 'a4' (staging)" },
        { file: 'agents/a5.yaml', line: 13, column: 20, message: "agent 'a5' (production)" },
        { file: 'agents/a6.yaml', line: 13, column: 20, message: "agent 'a6' (dev)" },
        {
          file: 'agents/bot.yaml',
          line: 13,
          column: 20,
          message:
            "dev, production and staging share vault://kv/agents/bot: agent 'bot' (production) uses the same credential as 'a1' (production), 'a2' (production), 'a3' (production), 'a4' (staging), 'a5' (production) and 1 more",
        },
      ],
    },
  ],
});
