import rule from '../../../src/lint/rules/unknown-field.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent, templateYaml as template } from '../../helpers/fixtures.js';

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'fields the resource defines, and a glob without fields',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read]
      fields: [name, email]
      mode: read-only
    - system: crm
      resource: c*
      actions: [read]
      mode: read-only
    - system: crm
      resource: cont*
      actions: [read]
      fields: [segment]
      mode: read-only
`,
        ),
      },
    },
    {
      name: 'fields on an unknown resource or system are left to the other reference rules',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: invoice
      actions: [read]
      fields: [total]
      mode: read-only
    - system: crn
      resource: contact
      actions: [read]
      fields: [phone]
      mode: read-only
`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a field the resource does not define',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read]
      fields: [name, phone]
      mode: read-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 18,
          column: 22,
          message: "'phone' is not a field of crm/contact (its fields: name, email, segment)",
        },
      ],
    },
    {
      name: 'any field of a resource that defines no fields',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: case
      actions: [read]
      fields:
        - status
      mode: read-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 11,
          message: "'status' is not a field of crm/case (which defines no fields)",
        },
      ],
    },
    {
      name: 'a field only some resources of a glob define, in a template included twice: reported once',
      files: {
        'templates/support.yaml': template(
          'support',
          `    - system: crm
      resource: c*
      actions: [read]
      fields: [email]
      mode: read-only
`,
        ),
        'agents/other.yaml': agent('other', '    - template: support\n'),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 10,
          column: 16,
          message:
            "'email' is not a field of every resource 'c*' matches: not of crm/case (which defines no fields)",
        },
      ],
    },
  ],
});
