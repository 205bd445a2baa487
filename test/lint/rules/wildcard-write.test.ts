import rule from '../../../src/lint/rules/wildcard-write.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent } from '../../helpers/fixtures.js';

/** A support template whose grants (given as YAML lines) start on line 7. */
const template = (grants: string) => `apiVersion: leash/v1
kind: Template
metadata:
  name: support
spec:
  grants:
${grants}`;

const KB = `apiVersion: leash/v1
kind: System
metadata:
  name: kb
spec:
  resources:
    article:
      actions:
        read: { risk: low, effect: read }
        search: { risk: low, effect: read }
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'globs and * in modes that change nothing',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: '*'
      actions: ['*']
      mode: read-only
    - system: crm
      resource: 'c*'
      actions: ['*']
      mode: recommend-only
    - system: crm
      resource: '{contact,case}'
      actions: [update, create]
      mode: escalate
`,
        ),
      },
    },
    {
      name: 'a glob in execute-limited that covers only read actions',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: 'c*'
      actions: [read]
      mode: execute-limited
`,
        ),
      },
    },
    {
      name: '* on a resource whose actions all read',
      files: {
        'systems/kb.yaml': KB,
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: kb
      resource: article
      actions: ['*']
      mode: execute-limited
`,
        ),
      },
    },
    {
      name: 'named resources and write actions in execute-limited',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: contact
      actions: [read, update, delete]
      mode: execute-limited
      fields: [segment]
`,
        ),
      },
    },
    {
      name: 'a glob over a system leash does not know matches nothing (unknown-system reports it)',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: nowhere
      resource: '*'
      actions: ['*']
      mode: execute-limited
`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'an inline glob resource reaching a write action in draft-only',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: 'c*'
      actions: [update]
      mode: draft-only
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 17,
          column: 17,
          message:
            "agent 'bot' grants the glob resource 'c*' in system 'crm' in draft-only mode, which reaches the write actions contact.update",
        },
      ],
    },
    {
      name: 'a * action in a template is reported once, on the * entry, however many agents use it',
      files: {
        'templates/support.yaml': template(`    - system: crm
      resource: case
      actions: [read, '*']
      mode: execute-gated
`),
        'agents/bot2.yaml': agent('bot2', '    - template: support\n'),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 9,
          column: 23,
          message:
            /^template 'support' grants the '\*' action on 'case' .* execute-gated .* case\.create, case\.refund$/,
        },
      ],
    },
    {
      name: 'a glob resource with * is reported once, on the resource, listing at most five writes',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: '*'
      actions: ['*']
      mode: execute-limited
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 17,
          column: 17,
          message:
            "the glob resource '*' and the '*' action in system 'crm' in execute-limited mode, which reaches the write actions contact.update, contact.delete, case.create, case.refund",
        },
      ],
    },
    {
      name: 'brace and character-class globs count as globs',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: '{contact,case}'
      actions: [read]
      mode: execute-limited
    - system: crm
      resource: 'cas[e]'
      actions: [refund]
      mode: execute-gated
`,
        ),
      },
      errors: [{ file: 'agents/bot.yaml', line: 21, column: 17, message: 'case.refund' }],
    },
  ],
});
