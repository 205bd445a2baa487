import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SCHEMA_DIR, SCHEMA_FILES } from '../schema/schemas.js';
import type { CliIo } from './io.js';
import { CliError, EXIT } from './io.js';

/** `leash init [dir]`: a small policy repository that validates cleanly, with editor schemas. */
export function initCommand(dir: string, opts: { force?: boolean }, io: CliIo): number {
  const root = resolve(io.cwd, dir);
  if (existsSync(join(root, 'leash.yaml')) && !opts.force) {
    throw new CliError(
      `${join(dir, 'leash.yaml')} already exists; use --force to overwrite the scaffold files`,
    );
  }
  const today = new Date().toISOString().slice(0, 10);
  const files = scaffoldFiles(today);
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  // Editors read the $schema comment on each file; keep a copy of the schemas beside the policy.
  mkdirSync(join(root, '.leash/schemas'), { recursive: true });
  for (const file of Object.values(SCHEMA_FILES))
    copyFileSync(join(SCHEMA_DIR, file), join(root, '.leash/schemas', file));
  io.stdout(
    `Created a leash policy repository in ${dir}:\n` +
      Object.keys(files)
        .map((f) => `  ${f}\n`)
        .join('') +
      `  .leash/schemas/ (JSON Schemas for your editor)\n\nNext: leash validate ${dir}\n`,
  );
  return EXIT.ok;
}

const header = (kind: string, depth: number, what: string) =>
  `# yaml-language-server: $schema=${'../'.repeat(depth)}.leash/schemas/${kind}.schema.json\n# ${what}\n`;

/** The scaffold, as path -> text. Exported for the test that validates it. */
export function scaffoldFiles(today: string): Record<string, string> {
  return {
    'leash.yaml': `${header('config', 0, 'Repository settings: environments, approvers, sync targets, lint severities.')}apiVersion: leash/v1
kind: Config
metadata:
  name: policy
spec:
  environments:
    production: { production: true }
    staging: { production: false }
  approverGroups:
    security:
      users: [security-lead]
  approvals:
    rules:
      - name: default
        require: [{ ownerTeam: true, count: 1 }]
      - name: production-high-risk
        when: { environments: [production], risks: [high, critical] }
        require: [{ group: security, count: 1 }]
  targets:
    local: { type: local, path: .leash/state }
  lint:
    rules: {}
`,
    'tiers/standard.yaml': `${header('risk-tier', 1, 'A risk tier: the most an agent in it may hold.')}apiVersion: leash/v1
kind: RiskTier
metadata:
  name: standard
spec:
  description: Customer-facing agents that may act on low and medium risk actions.
  maxMode: execute-limited
  maxRisk: high
  gatedRisks: [high, critical]
  expiry:
    requiredFor: [high, critical]
    maxDays: 90
  sponsorRequired: true
  reviewEvery: 90d
`,
    'systems/helpdesk.yaml': `${header('system', 1, 'A system agents reach: its resources, their data and how risky each action is.')}apiVersion: leash/v1
kind: System
metadata:
  name: helpdesk
spec:
  description: The ticketing system.
  target: local
  resources:
    ticket:
      dataClasses: [pii]
      fields:
        subject: {}
        body: { dataClasses: [pii] }
        status: {}
      actions:
        read: { risk: low, effect: read }
        comment: { risk: low }
        close: { risk: medium }
`,
    'templates/ticket-triage.yaml': `${header('template', 1, 'A reusable set of grants.')}apiVersion: leash/v1
kind: Template
metadata:
  name: ticket-triage
spec:
  description: Read tickets and suggest how to route them.
  grants:
    - system: helpdesk
      resource: ticket
      actions: [read]
      mode: read-only
      reason: Triage needs to read the ticket.
`,
    'agents/triage-bot.yaml': `${header('agent', 1, 'One agent identity in one environment.')}apiVersion: leash/v1
kind: Agent
metadata:
  name: triage-bot
spec:
  description: Triage assistant for the support queue.
  owner: support-team
  sponsor: support-lead@example.com
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/triage-bot
    rotation: { every: 90d, lastRotated: ${today} }
  lastReviewed: ${today}
  grants:
    - template: ticket-triage
    - system: helpdesk
      resource: ticket
      actions: [comment]
      fields: [status]
      mode: draft-only
      reason: Drafts an internal note for a human to post.
`,
    '.gitignore': '.leash-cache/\n.leash/state/\n',
  };
}
