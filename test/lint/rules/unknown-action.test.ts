import rule from '../../../src/lint/rules/unknown-action.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent, templateYaml as template } from '../../helpers/fixtures.js';

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: "'*' and an action only some resources of a glob define",
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: ['*']
      mode: read-only
    - system: crm
      resource: c*
      actions: [read, delete, refund]
      mode: draft-only
`,
        ),
      },
    },
    {
      name: 'a resource that matches nothing is left to unknown-resource, a system that is unknown to unknown-system',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: invoice
      actions: [zap]
      mode: read-only
    - system: crn
      resource: contact
      actions: [zap]
      mode: read-only
`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'an inline grant names an action the resource lacks',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read, remove, update]
      mode: draft-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 17,
          column: 23,
          message: "'remove' is not an action of crm/contact (its actions: read, update, delete)",
        },
      ],
    },
    {
      name: 'an action no resource of a glob defines',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: c*
      actions:
        - read
        - approve
      mode: draft-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 11,
          message: "'approve' is not an action of any resource 'c*' matches in 'crm' (contact, case)",
        },
      ],
    },
    {
      name: 'a template grant is reported once in the template however many agents include it',
      files: {
        'templates/support.yaml': template(
          'support',
          `    - system: crm
      resource: case
      actions: [reopen, read]
      mode: execute-gated
`,
        ),
        'agents/other.yaml': agent('other', '    - template: support\n'),
      },
      errors: [{ file: 'templates/support.yaml', line: 9, column: 17, message: "'reopen'" }],
    },
  ],
});
