import rule from '../../../src/lint/rules/expired-grant.js';
import { testRule } from '../../helpers/rule-tester.js';
import { templateYaml as template } from '../../helpers/fixtures.js';

// TEST_NOW is 2026-06-01T12:00Z.

/** An agent file; the first line of `grants` is line 15. */
const agent = (name: string, grants: string, tier = 'standard') => `apiVersion: leash/v1
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

const grant = (resource: string, expires?: string) => `    - system: crm
      resource: ${resource}
      actions: [read]
      mode: read-only
${expires ? `      expires: '${expires}'\n` : ''}`;

const ref = (name: string, expires?: string) =>
  `    - template: ${name}\n${expires ? `      expires: '${expires}'\n` : ''}`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'expiries today (a bare date lasts to the end of the day), at this moment, and later',
      files: {
        'templates/support.yaml': template('support', grant('case', '2026-06-02')),
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '2026-06-01') +
            grant('contact', '2026-06-01T12:00:00Z') +
            ref('support', '2027-01-01'),
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a lapsed inline grant and template reference, whatever the tier',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          grant('contact', '2026-05-31') + ref('support', '2026-06-01T11:59:59Z') + grant('case'),
          'gold',
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 16,
          message: "the grant crm/contact [read] of agent 'bot' expired on 2026-05-31",
        },
        {
          file: 'agents/bot.yaml',
          line: 21,
          column: 16,
          message: "the use of template 'support' by agent 'bot' expired on 2026-06-01T11:59:59Z",
        },
      ],
    },
    {
      name: 'a lapsed template grant: once in the template, not per including agent',
      files: {
        'templates/support.yaml': template('support', grant('case') + grant('contact', '2026-01-15')),
        'agents/other.yaml': agent('other', ref('support', '2026-12-31')),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 15,
          column: 16,
          message: "the grant crm/contact [read] of template 'support' expired on 2026-01-15",
        },
      ],
    },
  ],
});
