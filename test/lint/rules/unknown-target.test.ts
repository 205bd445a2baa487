import rule from '../../../src/lint/rules/unknown-target.js';
import { testRule } from '../../helpers/rule-tester.js';

/** A system file whose spec.target is on line 6, its value at column 11. */
const system = (name: string, target: string) => `apiVersion: leash/v1
kind: System
metadata:
  name: ${name}
spec:
  target: ${target}
  resources:
    message:
      actions:
        send: { risk: low, external: true }
`;

/** leash.yaml with the given spec body. */
const config = (spec: string) => `apiVersion: leash/v1
kind: Config
metadata:
  name: test
spec:
${spec}`;

const TARGETS = `  targets:
    local: { type: local }
    directory: { type: ldap, url: 'ldap://127.0.0.1', bindDn: cn=leash, agentsDn: ou=agents, groupsDn: ou=groups }
`;

testRule(rule, {
  valid: [
    { name: 'the base repository (no system names a target)', files: {} },
    {
      name: 'systems name declared targets',
      files: {
        'leash.yaml': config(TARGETS),
        'systems/mail.yaml': system('mail', 'local'),
        'systems/directory.yaml': system('directory', 'directory'),
      },
    },
    {
      name: 'a broken leash.yaml is left to its own diagnostic',
      files: {
        'leash.yaml': config('  targets:\n    local: { type: sqlite }\n'),
        'systems/mail.yaml': system('mail', 'local'),
      },
      brokenFiles: true,
    },
  ],
  invalid: [
    {
      name: 'a target leash.yaml does not declare',
      files: {
        'leash.yaml': config(TARGETS),
        'systems/mail.yaml': system('mail', 'postgres'),
      },
      errors: [
        {
          file: 'systems/mail.yaml',
          line: 6,
          column: 11,
          message:
            "the system 'mail' names the target 'postgres', which is not declared (leash.yaml declares 'local', 'directory')",
        },
      ],
    },
    {
      name: 'leash.yaml declares no targets',
      files: { 'systems/mail.yaml': system('mail', 'local') },
      errors: [{ file: 'systems/mail.yaml', line: 6, column: 11, message: 'leash.yaml declares no targets' }],
    },
    {
      name: 'there is no leash.yaml',
      files: { 'leash.yaml': null, 'systems/mail.yaml': system('mail', 'local') },
      errors: [{ file: 'systems/mail.yaml', line: 6, column: 11, message: 'there is no leash.yaml' }],
    },
  ],
});
