import rule from '../../../src/lint/rules/duplicate-grant.js';
import { testRule } from '../../helpers/rule-tester.js';
import { agentYaml as agent, templateYaml as template } from '../../helpers/fixtures.js';

// The same grant as the base support template's, written differently.
const CASE_GRANT = `    - system: crm
      resource: case
      actions: [create, read]
      mode: execute-limited
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'grants that differ in resource, actions, mode, fields or conditions',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: contact
      actions: [read]
      mode: execute-limited
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      fields: [segment]
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      fields: [segment, name]
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      when: { rateLimit: { count: 10, per: hour } }
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      when: { rateLimit: { count: 20, per: hour } }
    - system: crm
      resource: 'c*'
      actions: [read]
      mode: read-only
    - system: crm
      resource: case
      actions: [read]
      mode: execute-limited
`,
        ),
      },
    },
    {
      name: 'one template included once by each of several agents',
      files: { 'agents/bot2.yaml': agent('bot2', '    - template: support\n') },
    },
  ],
  invalid: [
    {
      name: 'two inline grants equal up to action order, condition key order, reason and expiry',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: contact
      actions: [read, update]
      mode: execute-limited
      fields: [segment]
      when: { rateLimit: { count: 10, per: hour }, schedule: { hours: '09:00-17:00' } }
      reason: first
    - system: crm
      resource: contact
      actions: [update, read]
      mode: execute-limited
      fields: [segment]
      when: { schedule: { hours: '09:00-17:00' }, rateLimit: { per: hour, count: 10 } }
      expires: '2026-07-01'
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 23,
          column: 7,
          message:
            "agent 'bot' holds the grant crm 'contact' [update, read] in execute-limited twice: the inline grant at /spec/grants/2 repeats the inline grant at /spec/grants/1",
        },
      ],
    },
    {
      name: 'an inline grant repeats a grant the agent already has from a template',
      files: { 'agents/bot.yaml': agent('bot', `    - template: support\n${CASE_GRANT}`) },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 16,
          column: 7,
          message:
            "the inline grant at /spec/grants/1 repeats template 'support' (included at /spec/grants/0, grant /spec/grants/0)",
        },
      ],
    },
    {
      name: 'a template brings a grant the agent already has inline: reported on the template reference',
      files: { 'agents/bot.yaml': agent('bot', `${CASE_GRANT}    - template: support\n`) },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 19,
          column: 17,
          message:
            "template 'support' (included at /spec/grants/1, grant /spec/grants/0) repeats the inline grant at /spec/grants/0",
        },
      ],
    },
    {
      name: 'the same template included twice is reported once, on the second reference',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - template: support
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
    - template: support
      reason: again
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 20,
          column: 17,
          message: "agent 'bot' includes template 'support' again; it is already included at /spec/grants/0",
        },
      ],
    },
    {
      name: 'a template with two equal grants is reported once in the template, not in its agents',
      files: {
        'templates/support.yaml': template(
          'support',
          `${CASE_GRANT}    - system: crm
      resource: case
      actions: [read, create]
      mode: execute-limited
      reason: again
`,
        ),
        'agents/bot2.yaml': agent('bot2', '    - template: support\n'),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 11,
          column: 7,
          message:
            "template 'support' repeats the grant crm 'case' [read, create] in execute-limited already written at /spec/grants/0",
        },
      ],
    },
    {
      name: 'two templates of one agent bring the same grant',
      files: {
        'templates/triage.yaml': template(
          'triage',
          `${CASE_GRANT}    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      fields: [segment]
`,
        ),
        'agents/bot.yaml': agent('bot', '    - template: support\n    - template: triage\n'),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 16,
          column: 17,
          message:
            "holds the grant crm 'case' [create, read] in execute-limited twice: template 'triage' (included at /spec/grants/1, grant /spec/grants/0) repeats template 'support' (included at /spec/grants/0, grant /spec/grants/0)",
        },
      ],
    },
  ],
});
