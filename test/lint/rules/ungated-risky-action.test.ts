import rule from '../../../src/lint/rules/ungated-risky-action.js';
import { testRule } from '../../helpers/rule-tester.js';
import { templateYaml as template } from '../../helpers/fixtures.js';

/** An agent file; the first line of `grants` is line 15. */
const agent = (
  name: string,
  grants: string,
  { environment = 'production', tier = 'standard' } = {},
) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: ${environment}
  tier: ${tier}
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

const grant = (
  resource: string,
  actions: string,
  mode = 'execute-limited',
  system = 'crm',
) => `    - system: ${system}
      resource: ${resource}
      actions: ${actions}
      mode: ${mode}
`;

const MAIL = {
  'systems/mail.yaml': `apiVersion: leash/v1
kind: System
metadata:
  name: mail
spec:
  resources:
    message:
      actions:
        send: { risk: low, external: true }
        draft: { risk: low }
`,
};

testRule(rule, {
  valid: [
    { name: 'the base repository (low-risk, reversible actions in execute-limited)', files: {} },
    {
      name: 'risky actions held execute-gated or lower, and ordinary ones execute-limited',
      files: {
        ...MAIL,
        'agents/bot.yaml': agent(
          'bot',
          grant('case', '[refund]', 'execute-gated') +
            grant('contact', "['*']", 'draft-only') +
            grant('contact', '[read, update]') +
            grant('message', '[draft]', 'execute-limited', 'mail') +
            grant('message', '[send]', 'escalate', 'mail'),
        ),
      },
    },
    {
      name: 'a staging agent is not checked',
      files: { 'agents/bot.yaml': agent('bot', grant('case', '[refund]'), { environment: 'staging' }) },
    },
    {
      name: 'gatedRisks set to [critical] lets a reversible high action run execute-limited',
      files: {
        'tiers/trusted.yaml': tier('trusted', '  gatedRisks: [critical]\n'),
        'systems/crm.yaml': `apiVersion: leash/v1
kind: System
metadata:
  name: crm
spec:
  resources:
    contact:
      actions:
        merge: { risk: high }
`,
        'templates/support.yaml': null,
        'agents/bot.yaml': agent('bot', grant('contact', '[merge]'), { tier: 'trusted' }),
      },
    },
  ],
  invalid: [
    {
      name: 'an inline grant: every reason for every action that needs a gate, on the mode',
      files: {
        'agents/bot.yaml': agent('bot', grant('contact', '[read, update]') + grant('c*', "['*']")),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 22,
          column: 13,
          message:
            "agent 'bot' (production) holds crm/c* [*] in execute-limited mode, but crm/contact.delete is high and irreversible; crm/case.refund is critical, irreversible and financial; tier 'standard' requires execute-gated or lower",
        },
      ],
    },
    {
      name: 'gatedRisks defaults to high and critical; external actions need a gate whatever their risk',
      files: {
        ...MAIL,
        'tiers/plain.yaml': tier('plain', ''),
        'tiers/lax.yaml': tier('lax', '  gatedRisks: []\n'),
        'tiers/strict.yaml': tier('strict', '  gatedRisks: [medium, high, critical]\n'),
        'agents/plain.yaml': agent('plain', grant('contact', '[update, delete]'), { tier: 'plain' }),
        'agents/lax.yaml': agent(
          'lax',
          grant('contact', '[update]') + grant('message', '[send]', 'execute-limited', 'mail'),
          { tier: 'lax' },
        ),
        'agents/strict.yaml': agent('strict', grant('contact', '[update]'), { tier: 'strict' }),
      },
      errors: [
        { file: 'agents/lax.yaml', line: 22, column: 13, message: 'but mail/message.send is external;' },
        {
          file: 'agents/plain.yaml',
          line: 18,
          column: 13,
          message: 'but crm/contact.delete is high and irreversible;',
        },
        { file: 'agents/strict.yaml', line: 18, column: 13, message: 'but crm/contact.update is medium;' },
      ],
    },
    {
      name: 'a template grant, on each production agent including it; a configured production environment',
      files: {
        'leash.yaml': `apiVersion: leash/v1
kind: Config
metadata:
  name: test
spec:
  environments:
    live: { production: true }
    staging: { production: false }
`,
        'templates/refunds.yaml': template('refunds', grant('case', '[read]') + grant('case', '[refund]')),
        'agents/bot.yaml': agent('bot', '    - template: refunds\n', { environment: 'live' }),
        'agents/old.yaml': agent('old', '    - template: refunds\n', { environment: 'production' }),
        'agents/test.yaml': agent('test', '    - template: refunds\n', { environment: 'staging' }),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 15,
          column: 17,
          message:
            "agent 'bot' (live) holds crm/case [refund] through template 'refunds' in execute-limited mode, but crm/case.refund is critical, irreversible and financial",
        },
      ],
    },
  ],
});
