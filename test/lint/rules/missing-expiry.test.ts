import rule from '../../../src/lint/rules/missing-expiry.js';
import { testRule } from '../../helpers/rule-tester.js';
import { templateYaml as template } from '../../helpers/fixtures.js';

interface AgentOptions {
  environment?: string;
  tier?: string;
  status?: 'active' | 'suspended' | 'revoked';
}

/** An agent file; the first line of `grants` is line 16. */
const agent = (name: string, grants: string, o: AgentOptions = {}) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: ${o.environment ?? 'production'}
  tier: ${o.tier ?? 'standard'}
  status: ${o.status ?? 'active'}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
${grants}`;

const tier = (name: string, spec: string) => `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: ${name}
spec:
  maxMode: execute-limited
  maxRisk: critical
${spec}`;

const grant = (resource: string, actions: string, mode: string, expires?: string) => `    - system: crm
      resource: ${resource}
      actions: ${actions}
      mode: ${mode}
${expires ? `      expires: ${expires}\n` : ''}`;

const REFUNDS = {
  'templates/refunds.yaml': template(
    'refunds',
    grant('case', '[read]', 'execute-gated') + grant('case', '[refund]', 'execute-gated'),
  ),
};

testRule(rule, {
  valid: [
    { name: 'the base repository (low-risk grants need no expiry)', files: {} },
    {
      name: 'risky grants with an expiry on the grant, the template reference or the template grant',
      files: {
        ...REFUNDS,
        'templates/deletes.yaml': template(
          'deletes',
          grant('contact', '[delete]', 'draft-only', '2026-06-30'),
        ),
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '[read, delete]', 'draft-only', '2026-07-01') +
            '    - template: refunds\n      expires: 2026-07-01\n' +
            '    - template: deletes\n',
        ),
      },
    },
    {
      name: 'read-only and escalate grants need no expiry',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          grant('c*', "['*']", 'read-only') + grant('case', '[refund]', 'escalate'),
        ),
      },
    },
    {
      name: 'a tier that requires expiry for no risk, and an unknown tier',
      files: {
        'tiers/open.yaml': tier('open', '  expiry:\n    requiredFor: []\n'),
        'agents/bot.yaml': agent('bot', grant('case', '[refund]', 'execute-gated'), { tier: 'open' }),
        'agents/rogue.yaml': agent('rogue', grant('case', '[refund]', 'execute-gated'), { tier: 'gold' }),
      },
    },
  ],
  invalid: [
    {
      name: 'an inline grant without expiry, staging and suspended agents included',
      files: {
        'agents/bot.yaml': agent('bot', grant('contact', '[read, delete]', 'draft-only')),
        'agents/paused.yaml': agent('paused', grant('case', "['*']", 'recommend-only'), {
          environment: 'staging',
          status: 'suspended',
        }),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 16,
          column: 7,
          message:
            "agent 'bot' holds crm/contact [read, delete] in draft-only mode with no expiry, but it covers crm/contact.delete (high risk) and tier 'standard' requires an expiry for high and critical risks",
        },
        {
          file: 'agents/paused.yaml',
          line: 16,
          column: 7,
          message: 'covers crm/case.refund (critical risk)',
        },
      ],
    },
    {
      name: 'a template grant without expiry, on each agent that includes it without one',
      files: {
        ...REFUNDS,
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '[read]', 'read-only') + '    - template: refunds\n',
        ),
        'agents/careful.yaml': agent('careful', '    - template: refunds\n      expires: 2026-07-01\n'),
        'agents/other.yaml': agent('other', '    - template: refunds\n'),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 20,
          column: 17,
          message:
            "agent 'bot' holds crm/case [refund] through template 'refunds' in execute-gated mode with no expiry, but it covers crm/case.refund (critical risk)",
        },
        { file: 'agents/other.yaml', line: 16, column: 17, message: "agent 'other' holds crm/case [refund]" },
      ],
    },
    {
      name: 'tier defaults (high and critical) when expiry is omitted, and a custom requiredFor',
      files: {
        'tiers/plain.yaml': tier('plain', ''),
        'tiers/careful.yaml': tier('careful', '  expiry:\n    requiredFor: [medium]\n'),
        'agents/plain.yaml': agent('plain', grant('contact', '[update, delete]', 'execute-gated'), {
          tier: 'plain',
        }),
        'agents/careful.yaml': agent('careful', grant('contact', '[update, delete]', 'execute-gated'), {
          tier: 'careful',
        }),
      },
      errors: [
        {
          file: 'agents/careful.yaml',
          line: 16,
          column: 7,
          message:
            "covers crm/contact.update (medium risk) and tier 'careful' requires an expiry for medium risks",
        },
        { file: 'agents/plain.yaml', line: 16, column: 7, message: 'covers crm/contact.delete (high risk)' },
      ],
    },
  ],
});
