import rule from '../../../src/lint/rules/unknown-template.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent } from '../../helpers/fixtures.js';

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'a reference to a template whose file is broken is left to that file',
      files: {
        'templates/support.yaml':
          'apiVersion: leash/v1\nkind: Template\nmetadata:\n  name: support\nspec: {}\n',
      },
      brokenFiles: true,
    },
    {
      name: 'an agent with inline grants only, and one with no grants',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
`,
        ),
        'agents/idle.yaml': agent('idle', '    []\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'every reference to a missing template is reported',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: suport
      expires: 2026-07-01
    - template: support
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
    - template: billing
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 15,
          column: 17,
          message: "agent 'bot' includes the template 'suport', which is not defined",
        },
        { file: 'agents/bot.yaml', line: 22, column: 17, message: "'billing'" },
      ],
    },
  ],
});
