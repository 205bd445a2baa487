import rule from '../../../src/lint/rules/risk-above-tier.js';
import { testRule } from '../../helpers/rule-tester.js';
import { templateYaml as template } from '../../helpers/fixtures.js';

/** An agent file; the first line of `grants` is line 15. */
const agent = (name: string, grants: string, tier = 'modest') => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: ${tier}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
${grants}`;

const MODEST = {
  'tiers/modest.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: modest
spec:
  maxMode: execute-limited
  maxRisk: medium
`,
};

const grant = (resource: string, actions: string, mode = 'draft-only') => `    - system: crm
      resource: ${resource}
      actions: ${actions}
      mode: ${mode}
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'actions up to the tier maximum, including through a template and a glob',
      files: {
        ...MODEST,
        'agents/helper.yaml': agent(
          'helper',
          '    - template: support\n' +
            grant('contact', '[read, update]') +
            grant('c*', '[read, create, update]'),
        ),
      },
    },
    {
      name: 'a critical action in a tier that allows critical',
      files: { 'agents/helper.yaml': agent('helper', grant('case', "['*']", 'execute-gated'), 'standard') },
    },
    {
      name: 'an escalate grant hands risky actions to a human, so it holds no authority over them',
      files: {
        ...MODEST,
        'agents/helper.yaml': agent('helper', grant('c*', '[delete, refund, read]', 'escalate')),
      },
    },
    {
      name: 'an agent in an unknown tier is left to unknown-tier',
      files: { 'agents/helper.yaml': agent('helper', grant('case', '[refund]'), 'gold') },
    },
  ],
  invalid: [
    {
      name: 'a named action above the tier maximum: reported on that action',
      files: { ...MODEST, 'agents/helper.yaml': agent('helper', grant('contact', '[read, delete]')) },
      errors: [
        {
          file: 'agents/helper.yaml',
          line: 17,
          column: 23,
          message:
            "agent 'helper' holds crm/contact [read, delete], which covers crm/contact.delete (high risk), above medium, the highest risk its tier 'modest' allows",
        },
      ],
    },
    {
      name: "'*' and globs: one finding per grant naming the riskiest action, on the action that brings it",
      files: {
        ...MODEST,
        'agents/helper.yaml': agent(
          'helper',
          grant('case', "[read, '*']", 'read-only') + grant('c*', '[delete, refund, read]', 'draft-only'),
        ),
      },
      errors: [
        { file: 'agents/helper.yaml', line: 17, column: 23, message: 'crm/case.refund (critical risk)' },
        { file: 'agents/helper.yaml', line: 21, column: 25, message: 'crm/case.refund (critical risk)' },
      ],
    },
    {
      name: 'a template grant is reported on the template reference of every agent in the tier',
      files: {
        ...MODEST,
        'templates/refunds.yaml': template('refunds', grant('case', '[read]') + grant('case', '[refund]')),
        'agents/helper.yaml': agent('helper', '    - template: refunds\n      expires: 2026-07-01\n'),
        'agents/other.yaml': agent(
          'other',
          grant('contact', '[read]') + '    - template: refunds\n' + '    - template: support\n',
        ),
        'agents/senior.yaml': agent('senior', '    - template: refunds\n', 'standard'),
      },
      errors: [
        {
          file: 'agents/helper.yaml',
          line: 15,
          column: 17,
          message:
            "agent 'helper' holds crm/case [refund] through template 'refunds', which covers crm/case.refund (critical risk), above medium",
        },
        { file: 'agents/other.yaml', line: 19, column: 17, message: "agent 'other' holds crm/case [refund]" },
      ],
    },
  ],
});
