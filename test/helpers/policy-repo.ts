import type { SourceFile } from '../../src/model/document.js';

/** A small repository that is clean under every rule; tests override or add files to it. */
export const BASE_FILES: Readonly<Record<string, string>> = {
  'leash.yaml': `apiVersion: leash/v1
kind: Config
metadata:
  name: test
spec:
  environments:
    production: { production: true }
    staging: { production: false }
`,
  'tiers/standard.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: standard
spec:
  maxMode: execute-limited
  maxRisk: critical
  gatedRisks: [high, critical]
  expiry:
    requiredFor: [high, critical]
    maxDays: 90
  sponsorRequired: true
`,
  'systems/crm.yaml': `apiVersion: leash/v1
kind: System
metadata:
  name: crm
spec:
  resources:
    contact:
      dataClasses: [pii]
      fields:
        name: { dataClasses: [pii] }
        email: { dataClasses: [pii] }
        segment: {}
      actions:
        read: { risk: low, effect: read }
        update: { risk: medium }
        delete: { risk: high, reversible: false }
    case:
      actions:
        read: { risk: low, effect: read }
        create: { risk: low }
        refund: { risk: critical, financial: true, reversible: false }
`,
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
`,
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
    - template: support
    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
`,
};

/** The moment rule tests judge expiries against. */
export const TEST_NOW = new Date('2026-06-01T12:00:00Z');

/** BASE_FILES with some files replaced or added (a string) or removed (null). */
export function repoFiles(overrides: Record<string, string | null> = {}, base = BASE_FILES): SourceFile[] {
  const merged: Record<string, string | null> = { ...base, ...overrides };
  return Object.entries(merged)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([path, text]) => ({ path, text }));
}
