import rule from '../../../src/lint/rules/pii-write-without-fields.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file whose grants (given as YAML lines) start on line 15, after the support template. */
const agent = (name: string, grants: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
    - template: support
${grants}`;

const HELPDESK = `apiVersion: leash/v1
kind: System
metadata:
  name: helpdesk
spec:
  resources:
    ticket:
      fields:
        requester: { dataClasses: [pii] }
        body: { dataClasses: [internal] }
      actions:
        read: { risk: low, effect: read }
        update: { risk: medium }
    note:
      dataClasses: [pii]
      actions:
        write: { risk: low }
    macro:
      dataClasses: [internal]
      actions:
        edit: { risk: low }
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'writes to pii limited by a fields list',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [update, delete]
      mode: execute-limited
      fields: [segment]
`,
        ),
      },
    },
    {
      name: 'reading pii, and writes in modes that change nothing',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read]
      mode: execute-limited
    - system: crm
      resource: contact
      actions: [update]
      mode: recommend-only
    - system: crm
      resource: '*'
      actions: ['*']
      mode: read-only
    - system: crm
      resource: contact
      actions: [delete]
      mode: escalate
`,
        ),
      },
    },
    {
      name: 'writes to resources without pii',
      files: {
        'systems/helpdesk.yaml': HELPDESK,
        'agents/bot.yaml': agent(
          'bot',
          `    - system: helpdesk
      resource: macro
      actions: [edit]
      mode: execute-limited
`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'an inline write to a pii resource in execute-gated without fields',
      files: {
        'agents/bot.yaml': agent(
          'bot',
          `    - system: crm
      resource: contact
      actions: [read, update]
      mode: execute-gated
`,
        ),
      },
      errors: [
        {
          file: 'agents/bot.yaml',
          line: 17,
          column: 17,
          message:
            "agent 'bot' may write to 'contact' (update; pii in name, email) in system 'crm' in execute-gated mode with no fields list",
        },
      ],
    },
    {
      name: 'a template grant is reported once in the template, naming only the pii resources of a glob',
      files: {
        'templates/support.yaml': `apiVersion: leash/v1
kind: Template
metadata:
  name: support
spec:
  grants:
    - system: crm
      resource: case
      actions: [read, create]
      mode: execute-limited
    - system: crm
      resource: 'c*'
      actions: ['*']
      mode: draft-only
`,
        'agents/bot2.yaml': agent('bot2', ''),
      },
      errors: [
        {
          file: 'templates/support.yaml',
          line: 12,
          column: 17,
          message:
            /^template 'support' may write to 'contact' \(update, delete; pii in name, email\) in system 'crm' in draft-only mode/,
        },
      ],
    },
    {
      name: 'pii only on a field, and pii on a resource without fields',
      files: {
        'systems/helpdesk.yaml': HELPDESK,
        'agents/bot.yaml': agent(
          'bot',
          `    - system: helpdesk
      resource: ticket
      actions: [update]
      mode: execute-limited
    - system: helpdesk
      resource: note
      actions: [write]
      mode: execute-limited
`,
        ),
      },
      errors: [
        { file: 'agents/bot.yaml', line: 17, column: 17, message: "'ticket' (update; pii in requester)" },
        { file: 'agents/bot.yaml', line: 21, column: 17, message: "'note' (write; pii)" },
      ],
    },
  ],
});
