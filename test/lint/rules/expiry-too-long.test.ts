import rule from '../../../src/lint/rules/expiry-too-long.js';
import { testRule } from '../../helpers/rule-tester.js';
import { templateYaml as template } from '../../helpers/fixtures.js';

// TEST_NOW is 2026-06-01T12:00Z and tier 'standard' allows 90 days: the last day is 2026-08-30.

/** An agent file; the first line of `grants` is line 15. */
const agent = (name: string, grants: string, tier = 'standard') => `apiVersion: leash/v1
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
  grants:
${grants}`;

const grant = (resource: string, expires?: string) => `    - system: crm
      resource: ${resource}
      actions: [read]
      mode: read-only
${expires ? `      expires: '${expires}'\n` : ''}`;

const ref = (name: string, expires?: string) =>
  `    - template: ${name}\n${expires ? `      expires: '${expires}'\n` : ''}`;

const OPEN_TIER = {
  'tiers/open.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: open
spec:
  maxMode: execute-limited
  maxRisk: critical
  expiry:
    requiredFor: [critical]
`,
};

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'expiries up to the end of the last allowed day, and past ones',
      files: {
        'templates/long.yaml': template('long', grant('case', '2027-01-01')),
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '2026-08-30') +
            grant('contact', '2026-08-31T01:00:00+02:00') +
            grant('case', '2026-01-01') +
            grant('case') +
            ref('support', '2026-08-30') +
            ref('long', '2026-07-01'),
        ),
      },
    },
    {
      name: 'a tier without maxDays, and an unknown tier',
      files: {
        ...OPEN_TIER,
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '2030-01-01') + ref('support', '2030-01-01'),
          'open',
        ),
        'agents/rogue.yaml': agent('rogue', grant('contact', '2030-01-01'), 'gold'),
      },
    },
  ],
  invalid: [
    {
      name: 'inline grants expiring after the last allowed day',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '2026-08-31') + grant('case', '2026-08-31T00:00:00Z'),
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 16,
          message:
            "agent 'bot' holds crm/contact [read] until 2026-08-31, after 2026-08-30, the last day tier 'standard' allows (90 days from now)",
        },
        {
          file: 'agents/bot.yaml',
          line: 24,
          column: 16,
          message: 'crm/case [read] until 2026-08-31T00:00:00Z',
        },
      ],
    },
    {
      name: 'a template reference expiring too late: one finding for all the grants it brings',
      files: {
        'templates/support.yaml': template('support', grant('case') + grant('contact')),
        'agents/bot.yaml': agent('bot', ref('support', '2026-12-31')),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 16,
          column: 16,
          message: "agent 'bot' holds template 'support' until 2026-12-31, after 2026-08-30",
        },
      ],
    },
    {
      name: "a template grant's own expiry: on the template reference of each agent whose tier it exceeds",
      files: {
        ...OPEN_TIER,
        'templates/long.yaml': template('long', grant('case') + grant('contact', '2027-01-01')),
        'agents/bot.yaml': agent('bot', ref('long')),
        'agents/lax.yaml': agent('lax', ref('long'), 'open'),
        'agents/other.yaml': agent('other', grant('contact', '2026-07-01') + ref('long', '2027-06-01')),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 15,
          column: 17,
          message:
            "agent 'bot' holds crm/contact [read] through template 'long' until 2027-01-01 (the template grant's expiry), after 2026-08-30",
        },
        {
          file: 'agents/other.yaml',
          line: 20,
          column: 17,
          message: "agent 'other' holds crm/contact [read]",
        },
        // The reference's own expiry is the one that applies to the template's grant without one.
        {
          file: 'agents/other.yaml',
          line: 21,
          column: 16,
          message: "holds template 'long' until 2027-06-01",
        },
      ],
    },
    {
      name: 'the limit moves with now',
      now: new Date('2026-12-01T12:00:00Z'),
      files: {
        'agents/bot.yaml': agent('bot', grant('contact', '2027-03-01') + grant('contact', '2027-03-02')),
      },
      errors: [
        { file: 'agents/bot.yaml', line: 24, column: 16, message: 'until 2027-03-02, after 2027-03-01' },
      ],
    },
  ],
});
