import rule from '../../../src/lint/rules/mode-above-tier.js';
import { testRule } from '../../helpers/rule-tester.js';

interface AgentOptions {
  environment?: string;
  tier?: string;
  status?: 'active' | 'suspended' | 'revoked';
}

/** An agent file; the first line of `grants` is line 16. */
const agent = (name: string, grants: string, o: AgentOptions = {}) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: ${o.environment ?? 'production'}
  tier: ${o.tier ?? 'limited'}
  status: ${o.status ?? 'active'}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
${grants}`;

const tier = (name: string, spec: string) => `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: ${name}
spec:
${spec}`;

const TIERS = {
  'tiers/limited.yaml': tier('limited', '  maxMode: draft-only\n  maxRisk: critical\n'),
  'tiers/gated.yaml': tier('gated', '  maxMode: execute-gated\n  maxRisk: critical\n'),
  'tiers/handoff.yaml': tier('handoff', '  maxMode: escalate\n  maxRisk: critical\n'),
};

const grant = (mode: string) => `    - system: crm
      resource: case
      actions: [read]
      mode: ${mode}
`;

testRule(rule, {
  valid: [
    { name: 'the base repository', files: {} },
    {
      name: 'modes up to the tier maximum',
      files: {
        ...TIERS,
        'agents/drafter.yaml': agent(
          'drafter',
          grant('draft-only') + grant('recommend-only') + grant('read-only') + grant('escalate'),
        ),
        'agents/gatekeeper.yaml': agent('gatekeeper', grant('execute-gated'), { tier: 'gated' }),
        'agents/handler.yaml': agent('handler', grant('escalate'), { tier: 'handoff' }),
      },
    },
    {
      name: 'an agent in an unknown tier is left to unknown-tier',
      files: { 'agents/rogue.yaml': agent('rogue', grant('execute-limited'), { tier: 'gold' }) },
    },
  ],
  invalid: [
    {
      name: 'an inline grant above the tier maximum',
      files: {
        ...TIERS,
        'agents/drafter.yaml': agent('drafter', grant('draft-only') + grant('execute-gated')),
      },
      errors: [
        {
          file: 'agents/drafter.yaml',
          line: 23,
          column: 13,
          message:
            "agent 'drafter' holds crm/case [read] in execute-gated mode, above draft-only, the highest mode its tier 'limited' allows",
        },
      ],
    },
    {
      name: 'execute-limited ranks above execute-gated; read-only above escalate',
      files: {
        ...TIERS,
        'agents/gatekeeper.yaml': agent('gatekeeper', grant('execute-limited'), { tier: 'gated' }),
        'agents/handler.yaml': agent('handler', grant('read-only'), { tier: 'handoff' }),
      },
      errors: [
        {
          file: 'agents/gatekeeper.yaml',
          line: 19,
          column: 13,
          message: 'execute-limited mode, above execute-gated',
        },
        { file: 'agents/handler.yaml', line: 19, column: 13, message: 'read-only mode, above escalate' },
      ],
    },
    {
      name: 'a template grant is reported on each including agent, suspended ones too, in staging too',
      files: {
        ...TIERS,
        'agents/drafter.yaml': agent('drafter', '    - template: support\n'),
        'agents/paused.yaml': agent(
          'paused',
          `    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
    - template: support
      expires: 2026-07-01
`,
          { status: 'suspended', environment: 'staging' },
        ),
      },
      errors: [
        {
          file: 'agents/drafter.yaml',
          line: 16,
          column: 17,
          message:
            "agent 'drafter' holds crm/case [read, create] through template 'support' in execute-limited mode, above draft-only, the highest mode its tier 'limited' allows",
        },
        {
          file: 'agents/paused.yaml',
          line: 20,
          column: 17,
          message: "agent 'paused' holds crm/case [read, create]",
        },
      ],
    },
  ],
});
