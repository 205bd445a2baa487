import rule from '../../../src/lint/rules/overlapping-grants.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent } from '../../helpers/fixtures.js';

const grant = (resource: string, actions: string, mode: string, extra = '') => `    - system: crm
      resource: '${resource}'
      actions: [${actions}]
      mode: ${mode}
${extra}`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'grants on different actions or resources',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
${grant('contact', 'read', 'read-only')}${grant('contact', 'update', 'draft-only')}${grant('case', 'refund', 'execute-gated')}`,
        ),
      },
    },
    {
      name: 'identical grants and a template included twice are left to duplicate-grant',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
${grant('contact', 'read', 'read-only')}${grant('contact', 'read', 'read-only', '      reason: twice\n')}    - template: support
${grant('case', 'create, read', 'execute-limited')}`,
        ),
      },
    },
    {
      name: 'overlaps between different agents are not overlaps',
      files: {
        'agents/bot2.yaml': agent('bot2', grant('contact', 'read', 'execute-limited')),
      },
    },
  ],
  invalid: [
    {
      name: 'the same action in read-only and in execute-limited',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
${grant('contact', 'read', 'read-only')}${grant('contact', 'read, update', 'execute-limited')}`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 20,
          column: 7,
          message:
            "agent 'bot' holds crm contact.read twice: in read-only by the inline grant at /spec/grants/1 and in execute-limited by the inline grant at /spec/grants/2",
        },
      ],
    },
    {
      name: 'a glob with * overlaps a template grant after expansion',
      files: {
        'agents/bot.yaml': agent('bot', `    - template: support\n${grant('c*', "'*'", 'read-only')}`),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 16,
          column: 7,
          message:
            "agent 'bot' holds crm case.read, crm case.create twice: in execute-limited by template 'support' (included at /spec/grants/0, grant /spec/grants/0) and in read-only by the inline grant at /spec/grants/1",
        },
      ],
    },
    {
      name: 'a later template grant is reported on the template reference',
      files: {
        'agents/bot.yaml': agent('bot', `${grant('case', 'create', 'draft-only')}    - template: support\n`),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 17,
          message:
            "crm case.create twice: in draft-only by the inline grant at /spec/grants/0 and in execute-limited by template 'support'",
        },
      ],
    },
    {
      name: 'an overlap inside a template is reported once, in the template',
      files: {
        'templates/support.yaml': `apiVersion: leash/v1
kind: Template
metadata:
  name: support
spec:
  grants:
${grant('case', 'read', 'read-only')}${grant('case', 'read, create', 'execute-limited')}`,
        'agents/bot2.yaml': agent('bot2', '    - template: support\n'),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 11,
          column: 7,
          message:
            "template 'support' grants crm case.read twice: in read-only at /spec/grants/0 and in execute-limited at /spec/grants/1",
        },
      ],
    },
    {
      name: 'grants in the same mode that differ in fields still overlap',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `${grant('contact', 'update', 'execute-limited', '      fields: [segment]\n')}${grant('contact', 'update', 'execute-limited', '      fields: [name]\n')}`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 20,
          column: 7,
          message: 'in execute-limited by the inline grant at /spec/grants/0 and in execute-limited',
        },
      ],
    },
    {
      name: 'a grant overlapping two earlier ones is reported once for each',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `${grant('contact', 'read', 'read-only')}${grant('contact', 'update', 'draft-only')}${grant('contact', "'*'", 'execute-gated')}`,
        ),
      },
      errors: [
        { file: 'agents/bot.yaml', line: 23, column: 7, message: 'crm contact.read twice: in read-only' },
        { file: 'agents/bot.yaml', line: 23, column: 7, message: 'crm contact.update twice: in draft-only' },
      ],
    },
    {
      name: 'many shared pairs are listed three at a time',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `${grant('*', "'*'", 'read-only')}${grant('*', "'*'", 'execute-gated')}`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 7,
          message: 'holds crm contact.read, crm contact.update, crm contact.delete and 3 more twice',
        },
      ],
    },
  ],
});
