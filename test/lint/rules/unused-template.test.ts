import rule from '../../../src/lint/rules/unused-template.js';
import { testRule } from '../../helpers/rule-tester.js';

const template = (name: string) => `apiVersion: leash/v1
kind: Template
metadata:
  name: ${name}
spec:
  grants:
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
`;

const agent = (name: string, status: string, grants: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: standard
  status: ${status}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
${grants}`;

testRule(rule, {
  valid: [
    { name: 'the base repository: bot uses support', files: {} },
    {
      name: 'a template used only by a revoked agent is still referenced',
      files: {
        'templates/triage.yaml': template('triage'),
        'agents/old.yaml': agent('old', 'revoked', '    - template: triage\n'),
      },
    },
    {
      name: 'nothing is reported while an agent file is broken: it may be the one using the template',
      files: {
        'templates/triage.yaml': template('triage'),
        'agents/broken.yaml':
          'apiVersion: leash/v1\nkind: Agent\nmetadata:\n  name: broken\nspec:\n  grants:\n    - template: triage\n',
      },
      brokenFiles: true,
    },
    {
      name: 'nor while an agent file is too broken to have a name',
      files: {
        'templates/triage.yaml': template('triage'),
        'agents/garbled.yaml': 'apiVersion: leash/v1\nkind: Agent\nspec: [unclosed\n',
      },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'a template no agent references',
      files: { 'templates/triage.yaml': template('triage') },
      errors: [
        {
          file: 'templates/triage.yaml',
          line: 4,
          column: 9,
          message: "template 'triage' (1 grant) is not referenced by any agent",
        },
      ],
    },
    {
      name: 'every unreferenced template, counting its grants',
      files: {
        'templates/triage.yaml': `${template('triage')}    - system: crm
      resource: case
      actions: [read]
      mode: read-only
`,
        'agents/bot.yaml': agent(
          'bot',
          'active',
          `    - system: crm
      resource: case
      actions: [read]
      mode: read-only
`,
        ),
      },
      errors: [
        { file: 'templates/support.yaml', line: 4, column: 9, message: "template 'support' (1 grant)" },
        { file: 'templates/triage.yaml', line: 4, column: 9, message: "template 'triage' (2 grants)" },
      ],
    },
  ],
});
