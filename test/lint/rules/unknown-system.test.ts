import rule from '../../../src/lint/rules/unknown-system.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'a reference to a system whose file is broken is left to that file',
      files: { 'systems/crm.yaml': 'apiVersion: leash/v1\nkind: System\nmetadata:\n  name: crm\nspec: {}\n' },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'an agent grant names a missing system',
      files: {
        'agents/bot.yaml': `apiVersion: leash/v1
kind: Agent
metadata:
  name: bot
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/bot
  grants:
    - system: crn
      resource: contact
      actions: [read]
      mode: read-only
`,
      },
      errors: [{ file: 'agents/bot.yaml', line: 15, column: 15, message: "'crn'" }],
    },
    {
      name: 'a template grant names a missing system',
      files: {
        'templates/support.yaml': `apiVersion: leash/v1
kind: Template
metadata:
  name: support
spec:
  grants:
    - system: ticketing
      resource: case
      actions: [read]
      mode: read-only
`,
      },
      errors: [{ file: 'templates/support.yaml', line: 7, column: 15 }],
    },
  ],
});
