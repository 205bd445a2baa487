import rule from '../../../src/lint/rules/secret-value.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent whose metadata labels (given as YAML lines) start on line 6; spec starts after them. */
const agent = (
  labels: string,
  specExtra = '',
  credentialRef = 'vault://kv/agents/bot',
) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: bot
  labels:
${labels}spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: ${credentialRef}
${specExtra}  grants:
    - template: support
`;

/** The exact message for a kind and preview: proves the secret itself is not printed. */
const exactly = (kind: string, preview: string) =>
  new RegExp(`^this value looks like a ${kind} \\(${preview}…\\); policy files must not hold secrets$`);

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'references, addresses, placeholders, prose and identifiers',
      files: {
        'agents/bot.yaml': agent(
          `    a: 'Rotate the secret: monthly, see runbook'
    b: 'password=\${DB_PASSWORD}'
    c: 'token: <redacted>'
    d: 'https://user@example.com/path'
    e: 'postgres://app:\${PGPASSWORD}@db/main'
    f: 'MyCompanyProductionDatabaseServer01'
    g: '4e1243bd22c66e76c2ba9eddc1f91394e57f9f83'
    h: 'customer-support-agent-escalations-2024'
    i: 'AKIA keys are forbidden here'
    j: 'Serves ASIA-Pacific customers'
    k: 'the api-key: see the runbook'
    token-kind: 'oauth-client'
    token: 'rotating'
    l: 'eyJ is how a JWT starts'
    m: 'https://docs.example.com/runbooks/CustomerSupportAgentRotation2024'
    n: 'Passwords: never stored here'
    o: 'secret: vault://kv/agents/bot'
    p: 'x7k2m9p4q8r3t6w1y5z0a2b4c6d8e1f3g5@example.com'
`,
          '',
          '1password://vaults/x7k2m9p4q8r3t6w1y5z0a2b4c6d8e1f3g5/items/Q9w8E7r6T5y4U3i2O1p0',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'every kind of secret in an agent, each shown by kind and a short preview only',
      files: {
        'agents/bot.yaml': agent(
          `    a: 'AKIAIOSFODNN7EXAMPLE'
    b: 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'
    c: 'xoxb-1234567890-abcdefghij'
    d: 'sk_live_abcdefghijklmnop12345678'
    e: 'postgres://app:s3cr3tPass@db.internal:5432/main'
    f: 'connect with password=hunter2 please'
    password: 'Tr0ub4dor&3'
    g: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    h: 'github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123'
`,
          `  description: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEA
    -----END RSA PRIVATE KEY-----
`,
        ),
      },
      errors: [
        { file: 'agents/bot.yaml', line: 6, column: 8, message: exactly('AWS access key id', 'AKIA') },
        { file: 'agents/bot.yaml', line: 7, column: 8, message: exactly('GitHub token', 'ghp_') },
        { file: 'agents/bot.yaml', line: 8, column: 8, message: exactly('Slack token', 'xoxb') },
        { file: 'agents/bot.yaml', line: 9, column: 8, message: exactly('Stripe key', 'sk_l') },
        { file: 'agents/bot.yaml', line: 10, column: 8, message: exactly('URL with a password', 'post') },
        { file: 'agents/bot.yaml', line: 11, column: 8, message: exactly('password assignment', 'pass') },
        { file: 'agents/bot.yaml', line: 12, column: 15, message: exactly("value of 'password'", 'Tr') },
        { file: 'agents/bot.yaml', line: 13, column: 8, message: exactly('high-entropy string', 'wJal') },
        { file: 'agents/bot.yaml', line: 14, column: 8, message: exactly('GitHub token', 'gith') },
        { file: 'agents/bot.yaml', line: 24, column: 16, message: exactly('private key', '----') },
      ],
    },
    {
      name: 'secrets in templates, tiers, systems and leash.yaml',
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
      reason: 'uses eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
`,
        'tiers/sandbox.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: sandbox
spec:
  description: 'test key rk_live_0123456789abcdefABCDEF'
  maxMode: read-only
  maxRisk: low
`,
        'systems/chat.yaml': `apiVersion: leash/v1
kind: System
metadata:
  name: chat
spec:
  vendor: 'Slack xoxp-0000000000-1111111111-abcdef'
  resources:
    channel:
      actions:
        post: { risk: low }
`,
        'leash.yaml': `apiVersion: leash/v1
kind: Config
metadata:
  name: test
  description: 'deploy key ASIAQWERTYUIOPASDFGH'
spec:
  environments:
    production: { production: true }
    staging: { production: false }
`,
      },
      errors: [
        { file: 'leash.yaml', line: 5, column: 16, message: exactly('AWS access key id', 'ASIA') },
        { file: 'systems/chat.yaml', line: 6, column: 11, message: exactly('Slack token', 'xoxp') },
        { file: 'templates/support.yaml', line: 11, column: 15, message: exactly('JSON Web Token', 'eyJh') },
        { file: 'tiers/sandbox.yaml', line: 6, column: 16, message: exactly('Stripe key', 'rk_l') },
      ],
    },
  ],
});
