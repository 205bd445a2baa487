/**
 * `leash authorize` (Cedar over the local store) against an independent evaluation of the
 * effective model, on 100,000 random requests over random policy repositories: every decision
 * must be identical. The evaluator below is written from the documented semantics alone; it
 * shares no code with src/sync/targets/local.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EffectiveModel, Permission } from '../../src/compile/compile.js';
import { compileModel } from '../../src/compile/compile.js';
import { readPolicyDir } from '../../src/source/files.js';
import { applySync, closeSessions, planSync, preparePolicy } from '../../src/sync/run.js';
import { Authorizer } from '../../src/sync/targets/local/authorize.js';
import type { LocalStore } from '../../src/sync/targets/local/index.js';
import { localAdapter } from '../../src/sync/targets/local/index.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { writeTempRepo } from '../helpers/cli.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const REQUESTS = 100_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Random = ReturnType<typeof random>;

const MODES = ['read-only', 'recommend-only', 'draft-only', 'execute-limited', 'execute-gated', 'escalate'];
const ZONES = ['UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const SYSTEMS = ['crm', 'payments', 'tickets'];
const RESOURCES = ['account', 'case', 'refund'];
const ACTIONS: Record<string, 'read' | 'write'> = {
  read: 'read',
  list: 'read',
  update: 'write',
  issue: 'write',
};

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function randomRepo(r: Random): Record<string, string> {
  const files: Record<string, string> = {
    'leash.yaml': `apiVersion: leash/v1
kind: Config
metadata: { name: random }
spec:
  environments: { production: { production: true } }
  targets: { local: { type: local, path: state } }
  guardrails: { maxRemovalPercent: 100, allowEmptyTarget: true }
  lint: { rules: { overlapping-grants: off, wildcard-write: off, duplicate-grant: off, expired-grant: off } }
`,
    'tiers/open.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata: { name: open }
spec: { maxMode: execute-limited, maxRisk: critical }
`,
  };
  for (const system of SYSTEMS) {
    const resources = RESOURCES.map(
      (res) =>
        `    ${res}:\n      fields: { a: {}, b: {} }\n      actions:\n` +
        Object.entries(ACTIONS)
          .map(([action, effect]) => `        ${action}: { risk: low, effect: ${effect} }`)
          .join('\n'),
    ).join('\n');
    files[`systems/${system}.yaml`] =
      `apiVersion: leash/v1\nkind: System\nmetadata: { name: ${system} }\nspec:\n  target: local\n  resources:\n${resources}\n`;
  }
  for (let i = 0; i < 30; i++) {
    const grants: string[] = [];
    const count = 1 + r.int(7);
    for (let g = 0; g < count; g++) {
      const actions = r.chance(0.2) ? ['*'] : Object.keys(ACTIONS).filter(() => r.chance(0.5));
      const lines = [
        `    - system: ${r.pick(SYSTEMS)}`,
        `      resource: '${r.chance(0.15) ? '*' : r.pick(RESOURCES)}'`,
        `      actions: [${(actions.length ? actions : ['read']).map((a) => `'${a}'`).join(', ')}]`,
        `      mode: ${r.pick(MODES)}`,
      ];
      const when: string[] = [];
      if (r.chance(0.35)) {
        const start = r.int(24 * 4) * 15;
        const end = r.chance(0.1) ? 24 * 60 : r.int(24 * 4) * 15;
        if (start !== end) {
          const days = DAYS.filter(() => r.chance(0.6));
          when.push(
            `        schedule:`,
            ...(days.length && r.chance(0.7) ? [`          days: [${days.join(', ')}]`] : []),
            `          hours: '${hhmm(start)}-${hhmm(end)}'`,
            ...(r.chance(0.8) ? [`          timezone: ${r.pick(ZONES)}`] : []),
          );
        }
      }
      if (r.chance(0.25)) {
        const from = new Date(NOW.getTime() + (r.int(60) - 10) * 86_400_000);
        const to = new Date(
          from.getTime() + r.int(5) * 86_400_000 + (r.chance(0.5) ? r.int(86_400) * 1000 : 0),
        );
        const fmt = (d: Date) => (r.chance(0.5) ? d.toISOString().slice(0, 10) : d.toISOString());
        when.push(`        freezeWindows:`, `          - { from: '${fmt(from)}', to: '${fmt(to)}' }`);
      }
      if (r.chance(0.3)) {
        when.push(
          `        maxAmount: { value: ${1 + r.int(500) + (r.chance(0.5) ? 0.25 : 0)}, currency: ${r.pick(['EUR', 'USD'])} }`,
        );
      }
      if (r.chance(0.15)) when.push(`        rateLimit: { count: ${1 + r.int(100)}, per: hour }`);
      if (when.length) lines.push('      when:', ...when);
      if (r.chance(0.3)) {
        const at = new Date(NOW.getTime() + (r.int(90) - 20) * 86_400_000);
        lines.push(`      expires: '${r.chance(0.5) ? at.toISOString().slice(0, 10) : at.toISOString()}'`);
      }
      grants.push(lines.join('\n'));
    }
    const status = r.chance(0.8) ? 'active' : r.pick(['suspended', 'revoked']);
    files[`agents/agent-${i}.yaml`] = `apiVersion: leash/v1
kind: Agent
metadata: { name: agent-${i} }
spec:
  owner: team
  platform: internal
  environment: production
  tier: open
  status: ${status}
  identity: { kind: api-key, credentialRef: 'vault://agents/${i}' }
  grants:
${grants.join('\n')}
`;
  }
  return files;
}

// ---- the independent evaluator: the effective model and the documented semantics ----

function endOfDay(value: string): number {
  return value.length === 10 ? Date.parse(`${value}T23:59:59.999Z`) : Date.parse(value);
}
function startOfDay(value: string): number {
  return value.length === 10 ? Date.parse(`${value}T00:00:00.000Z`) : Date.parse(value);
}
const formats = new Map<string, Intl.DateTimeFormat>();
function localClock(zone: string, at: Date) {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hour12: false,
    });
    formats.set(zone, format);
  }
  const text = format.format(at);
  // e.g. "Tue 09:05"
  const [weekday = '', time = ''] = text.split(' ');
  const [h = '0', m = '0'] = time.split(':');
  return { day: weekday.toLowerCase(), minute: (Number(h) % 24) * 60 + Number(m) };
}

function conditionsHold(
  p: Permission,
  at: Date,
  amount: number | undefined,
  currency: string | undefined,
): boolean {
  if (p.expires && at.getTime() > endOfDay(p.expires)) return false;
  const c = p.conditions;
  if (!c) return true;
  if (c.schedule) {
    const { day, minute } = localClock(c.schedule.timezone ?? 'UTC', at);
    if (c.schedule.days && !(c.schedule.days as string[]).includes(day)) return false;
    const [from, to] = c.schedule.hours
      .split('-')
      .map((hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3))) as [number, number];
    const inside = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    if (!inside) return false;
  }
  for (const w of c.freezeWindows ?? []) {
    if (at.getTime() >= startOfDay(w.from) && at.getTime() <= endOfDay(w.to)) return false;
  }
  if (c.maxAmount) {
    if (amount === undefined || currency === undefined) return false;
    if (currency !== c.maxAmount.currency || amount > c.maxAmount.value) return false;
  }
  return true;
}

function expectedDecision(
  model: EffectiveModel,
  q: {
    agent: string;
    system: string;
    resource: string;
    action: string;
    at: Date;
    amount?: number;
    currency?: string;
  },
): string {
  const agent = model.agents.find((a) => a.name === q.agent);
  if (!agent || agent.status !== 'active') return 'deny';
  const p = agent.permissions.find(
    (x) => x.system === q.system && x.resource === q.resource && x.action === q.action,
  );
  if (!p) return 'deny';
  if (p.mode === 'read-only' && p.effect === 'write') return 'deny';
  if (!conditionsHold(p, q.at, q.amount, q.currency)) return 'deny';
  return {
    'read-only': 'allow',
    'execute-limited': 'allow',
    'execute-gated': 'needs-approval',
    escalate: 'escalate',
    'recommend-only': 'recommend-only',
    'draft-only': 'draft-only',
  }[p.mode];
}

describe('leash authorize against an independent evaluation of the effective model', () => {
  it(`agrees on ${REQUESTS.toLocaleString('en')} random requests over random repositories`, async () => {
    const repos = 4;
    const mismatches: string[] = [];
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= repos; seed++) {
      const r = random(seed);
      const dir = writeTempRepo(randomRepo(r));
      dirs.push(dir);
      const read = readPolicyDir(dir);
      const validated = validatePolicyFiles(read, { now: NOW });
      expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const model = compileModel(validated.index, { now: NOW });

      const prepared = preparePolicy(dir, NOW);
      const { plan, sessions } = await planSync(prepared, { env: {} });
      const outcome = await applySync(plan, sessions, { verifyFingerprint: false });
      await closeSessions(sessions);
      expect(outcome.targets.map((t) => t.status)).toEqual(['applied']);

      const store = (await localAdapter.connect({
        name: 'local',
        settings: { type: 'local', path: 'state' },
        env: {},
        baseDir: dir,
      })) as LocalStore;
      const authorizer = new Authorizer(store);
      for (let i = 0; i < REQUESTS / repos; i++) {
        const q = {
          agent: r.chance(0.02) ? 'nobody' : `agent-${r.int(30)}`,
          system: r.pick(SYSTEMS),
          resource: r.pick(RESOURCES),
          action: r.chance(0.02) ? 'purge' : r.pick(Object.keys(ACTIONS)),
          at: new Date(
            NOW.getTime() + (r.int(80) - 10) * 86_400_000 + r.int(96) * 900_000 + (r.chance(0.1) ? -1 : 0),
          ),
          ...(r.chance(0.9) ? { amount: r.int(60_000) / 100 } : {}),
          ...(r.chance(0.9) ? { currency: r.chance(0.7) ? 'EUR' : 'USD' } : {}),
        };
        const context: Record<string, string> = {};
        if (q.amount !== undefined) context.amount = String(q.amount);
        if (q.currency !== undefined) context.currency = q.currency;
        const got = await authorizer.authorize({ ...q, context });
        const want = expectedDecision(model, q);
        seen.set(want, (seen.get(want) ?? 0) + 1);
        if (got.decision !== want && mismatches.length < 10) {
          mismatches.push(
            `seed ${seed}: ${JSON.stringify(q)} -> cedar ${got.decision} (${got.reason}), expected ${want}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Every decision occurs often enough for the comparison to mean something.
    for (const decision of ['allow', 'deny', 'needs-approval', 'escalate', 'recommend-only', 'draft-only']) {
      expect(seen.get(decision) ?? 0, decision).toBeGreaterThan(500);
    }
  }, 240_000);
});
