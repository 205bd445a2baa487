/**
 * Crash safety: `leash sync` is killed (SIGKILL, no clean-up) right after each change of a plan
 * in turn, at every mutation boundary, then run again. Every time the targets must converge on
 * exactly what the repository says: `leash drift` finds nothing (no removal lost), every read
 * succeeds (a duplicate would make a read fail) and a further sync changes nothing.
 * Runs the built CLI (npm run build) against real PostgreSQL, slapd, a SCIM service provider
 * and the local store.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapServer } from '../helpers/servers/ldap.js';
import { startLdap } from '../helpers/servers/ldap.js';
import type { PostgresServer } from '../helpers/servers/postgres.js';
import { startPostgres } from '../helpers/servers/postgres.js';
import type { ScimServer } from '../helpers/servers/scim.js';
import { startScimServer } from '../helpers/servers/scim.js';

const BIN = fileURLToPath(new URL('../../bin/leash.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/leash.js', import.meta.url));
const NOW = '2026-11-22T10:00:00Z';

let pg: PostgresServer;
let ldap: LdapServer;
let scim: ScimServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('the crash test runs the built CLI: run npm run build first');
  [pg, ldap, scim] = await Promise.all([startPostgres(), startLdap(), startScimServer()]);
  dir = join(tmpdir(), `leash-crash-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), ldap?.stop(), scim?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ PG_PASSWORD: pg.password, LDAP_PASSWORD: ldap.password, SCIM_TOKEN: scim.token });

function config(): string {
  return `apiVersion: leash/v1
kind: Config
metadata: { name: crash }
spec:
  environments: { production: { production: true } }
  targets:
    local: { type: local, path: state }
    pg:
      type: postgres
      host: ${pg.host}
      port: ${pg.port}
      database: ${pg.database}
      user: ${pg.user}
      passwordEnv: PG_PASSWORD
    dir:
      type: ldap
      url: ${ldap.url}
      bindDn: '${ldap.bindDn}'
      passwordEnv: LDAP_PASSWORD
      agentsDn: '${ldap.agentsDn}'
      groupsDn: '${ldap.groupsDn}'
    saas: { type: scim, url: '${scim.url}', tokenEnv: SCIM_TOKEN }
  guardrails: { maxRemovalPercent: 100, allowEmptyTarget: true }
`;
}

const FILES: Record<string, string> = {
  'tiers/std.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata: { name: std }
spec: { maxMode: execute-limited, maxRisk: critical }
`,
  'systems/db.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: db }
spec:
  target: pg
  resources:
    customers:
      enforce: { object: public.customers }
      fields: { name: {}, email: {}, phone: {} }
      actions:
        read: { risk: low, effect: read }
        update: { risk: medium, enforce: { permissions: [UPDATE] } }
    orders:
      enforce: { object: public.orders }
      actions:
        read: { risk: low, effect: read }
`,
  'systems/directory.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: directory }
spec:
  target: dir
  resources:
    app:
      actions:
        use: { risk: low, effect: read }
        admin: { risk: high, effect: read }
`,
  'systems/helpdesk.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: helpdesk }
spec:
  target: saas
  resources:
    ticket:
      actions:
        read: { risk: low, effect: read }
        reply: { risk: medium }
`,
};

function agent(name: string, status: string, grants: string[]): string {
  return `apiVersion: leash/v1
kind: Agent
metadata: { name: ${name} }
spec:
  owner: cx
  platform: internal
  environment: production
  tier: std
  status: ${status}
  identity: { kind: api-key, credentialRef: 'vault://agents/${name}' }
  grants:
${grants.map((g) => `    - ${g}`).join('\n')}
`;
}

const G = {
  customersRead:
    '{ system: db, resource: customers, actions: [read], mode: read-only, fields: [name, email] }',
  customersUpdate:
    '{ system: db, resource: customers, actions: [update], mode: execute-limited, fields: [phone] }',
  ordersRead: '{ system: db, resource: orders, actions: [read], mode: read-only }',
  appUse: '{ system: directory, resource: app, actions: [use], mode: read-only }',
  appAdmin: '{ system: directory, resource: app, actions: [admin], mode: read-only }',
  ticketRead: '{ system: helpdesk, resource: ticket, actions: [read], mode: read-only }',
  ticketReply: '{ system: helpdesk, resource: ticket, actions: [reply], mode: execute-limited }',
};

/** State A, and state B: grants lost and gained, a suspension, an agent removed and one added. */
const STATE_A: Record<string, string> = {
  'agents/alpha.yaml': agent('alpha', 'active', [G.customersRead, G.ordersRead, G.appUse, G.ticketRead]),
  'agents/bravo.yaml': agent('bravo', 'active', [G.ordersRead, G.appAdmin, G.ticketReply]),
  'agents/charlie.yaml': agent('charlie', 'active', [G.customersRead, G.appUse, G.ticketRead]),
};
const STATE_B: Record<string, string> = {
  'agents/alpha.yaml': agent('alpha', 'active', [
    G.customersRead,
    G.customersUpdate,
    G.appAdmin,
    G.ticketReply,
  ]),
  'agents/bravo.yaml': agent('bravo', 'suspended', [G.ordersRead, G.appAdmin, G.ticketReply]),
  'agents/delta.yaml': agent('delta', 'active', [G.ordersRead, G.appUse, G.ticketRead]),
};

function writeState(state: Record<string, string>): void {
  rmSync(join(dir, 'agents'), { recursive: true, force: true });
  const files = { 'leash.yaml': config(), ...FILES, ...state };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function leash(args: string[], extraEnv: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, ...env(), ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
}

async function syncTo(state: Record<string, string>): Promise<void> {
  writeState(state);
  const r = await leash(['sync', dir, '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code, r.stdout).toBe(0);
}

describe('crash safety', () => {
  it('converges after being killed at every mutation boundary, with nothing duplicated or lost', async () => {
    await syncTo(STATE_A);
    writeState(STATE_B);
    const plan = JSON.parse((await leash(['plan', dir, '--now', NOW, '--format', 'json'])).stdout) as {
      targets: { name: string; changes: unknown[] }[];
    };
    const total = plan.targets.reduce((n, t) => n + t.changes.length, 0);
    // Every target has changes of every kind to be interrupted in.
    expect(plan.targets.map((t) => [t.name, t.changes.length > 0])).toEqual([
      ['dir', true],
      ['local', true],
      ['pg', true],
      ['saas', true],
    ]);
    expect(total).toBeGreaterThan(20);

    for (let k = 1; k < total; k++) {
      await syncTo(STATE_A);
      writeState(STATE_B);
      const killed = await leash(['sync', dir, '--now', NOW], { LEASH_FAILPOINT_KILL_AFTER: String(k) });
      expect(killed.signal, `run stopped after change ${k}`).toBe('SIGKILL');
      const resumed = await leash(['sync', dir, '--now', NOW]);
      expect(resumed.code, `after a kill at change ${k}: ${resumed.stdout}${resumed.stderr}`).toBe(0);
      const drift = await leash(['drift', dir, '--now', NOW]);
      expect(drift.code, `drift after a kill at change ${k}: ${drift.stdout}${drift.stderr}`).toBe(0);
      expect(drift.stdout).toMatch(/^No drift/);
    }
    // The end state holds B exactly: suspended bravo's SCIM user inactive, charlie gone everywhere.
    const users = [...scim.users.values()];
    expect(
      users
        .filter((u) => String(u.externalId).startsWith('leash:'))
        .map((u) => [u.userName, u.active])
        .sort(),
    ).toEqual([
      ['alpha', true],
      ['bravo', false],
      ['delta', true],
    ]);
  }, 600_000);
});
