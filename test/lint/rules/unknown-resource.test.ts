import rule from '../../../src/lint/rules/unknown-resource.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent, templateYaml as template } from '../../helpers/fixtures.js';

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'globs that match resources',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: c*
      actions: [read]
      mode: read-only
    - system: crm
      resource: '{case,contact}'
      actions: [read]
      mode: read-only
    - system: crm
      resource: '*'
      actions: [read]
      mode: read-only
`,
        ),
      },
    },
    {
      name: 'a grant to an unknown system is left to unknown-system',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crn
      resource: nothing
      actions: [read]
      mode: read-only
`,
        ),
      },
    },
    {
      name: 'a grant to a system whose file is broken is left to that file',
      files: {
        'systems/crm.yaml': 'apiVersion: leash/v1\nkind: System\nmetadata:\n  name: crm\nspec: {}\n',
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: nothing
      actions: [read]
      mode: read-only
`,
        ),
      },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'an inline grant names a resource the system lacks',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: contacts
      actions: [read]
      mode: read-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 17,
          column: 17,
          message: "'contacts' matches no resource of the system 'crm' (its resources: contact, case)",
        },
      ],
    },
    {
      name: 'a glob in a template matches nothing: reported once in the template, not per agent',
      files: {
        'templates/support.yaml': template(
          'support',
          `    - system: crm
      resource: case
      actions: [read]
      mode: read-only
    - system: crm
      resource: acc*
      actions: [read]
      mode: read-only
`,
        ),
        'agents/other.yaml': agent('other', '    - template: support\n'),
      },
      errors: [
        { file: 'templates/support.yaml', line: 12, column: 17, message: "'acc*' matches no resource" },
      ],
    },
  ],
});
