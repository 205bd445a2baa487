import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import type { Inventory, InventoryOptions } from '../../src/inventory/inventory.js';
import { buildInventory, ratio } from '../../src/inventory/inventory.js';
import type { SourceFile } from '../../src/model/document.js';
import { readPolicyDir } from '../../src/source/files.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { BASE_FILES, repoFiles } from '../helpers/policy-repo.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

/** Validates, compiles and inventories; fails the test on a load problem it did not ask for. */
function inventoryOf(files: SourceFile[], options: InventoryOptions): Inventory {
  const { index } = validatePolicyFiles({ files, diagnostics: [] }, { now: options.now });
  return buildInventory(index, compileModel(index, { now: options.now }), options);
}

function inventoryOfExample(now: Date): Inventory {
  const { index, diagnostics } = validatePolicyFiles(readPolicyDir(POLICIES), { now });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildInventory(index, compileModel(index, { now }), { now });
}

// ---------------------------------------------------------------------------------------------
// An independent reading of the example, straight from the YAML with js-yaml: it shares no code
// with the loader, the index or the compiler, so the figures below are checked, not echoed.
// ---------------------------------------------------------------------------------------------

interface YGrant {
  system: string;
  resource: string;
  actions: string[];
  mode: string;
  fields?: string[];
  expires?: string;
}
interface YAction {
  risk: string;
  effect?: string;
}
interface YAgent {
  metadata: { name: string };
  spec: {
    owner: string;
    sponsor?: string;
    platform: string;
    environment: string;
    status?: string;
    identity: { credentialRef: string };
    grants?: (YGrant | { template: string; expires?: string })[];
  };
}

function readYamlFolder<T>(folder: string): T[] {
  const dir = `${POLICIES}${folder}/`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => load(readFileSync(dir + f, 'utf8'), { schema: CORE_SCHEMA }) as T); // dates stay strings
}

const AUTHORITY = [
  'escalate',
  'read-only',
  'recommend-only',
  'draft-only',
  'execute-gated',
  'execute-limited',
];
const endOfDay = (d: string) => (d.length === 10 ? `${d}T23:59:59.999Z` : d);
const time = (d: string) => new Date(endOfDay(d)).getTime();

function readExample() {
  const agents = readYamlFolder<YAgent>('agents');
  const templates = new Map(
    readYamlFolder<{ metadata: { name: string }; spec: { grants: YGrant[] } }>('templates').map((t) => [
      t.metadata.name,
      t.spec.grants,
    ]),
  );
  const systems = new Map(
    readYamlFolder<{
      metadata: { name: string };
      spec: { resources: Record<string, { actions: Record<string, YAction> }> };
    }>('systems').map((s) => [s.metadata.name, s.spec.resources]),
  );
  /** Per agent: each grant as held, with its effective expiry. */
  const sites = new Map<string, { grant: YGrant; expires?: string }[]>();
  for (const agent of agents) {
    const held: { grant: YGrant; expires?: string }[] = [];
    for (const entry of agent.spec.grants ?? []) {
      if ('template' in entry) {
        for (const grant of templates.get(entry.template)!) {
          const dates = [grant.expires, entry.expires].filter((d): d is string => d !== undefined);
          const expires = dates.sort((a, b) => time(a) - time(b))[0];
          held.push({ grant, ...(expires ? { expires } : {}) });
        }
      } else held.push({ grant: entry, ...(entry.expires ? { expires: entry.expires } : {}) });
    }
    sites.set(agent.metadata.name, held);
  }
  /** Per agent: the merged permissions, keyed system/resource.action. */
  const permissions = new Map<
    string,
    Map<
      string,
      {
        system: string;
        mode: string;
        fields?: string[];
        risk: string;
        write: boolean;
        expires?: string | null;
      }
    >
  >();
  for (const agent of agents) {
    const merged = new Map<
      string,
      {
        system: string;
        mode: string;
        fields?: string[];
        risk: string;
        write: boolean;
        expires?: string | null;
      }
    >();
    for (const { grant, expires } of sites.get(agent.metadata.name)!) {
      // The example uses no globs and no '*': a literal resource and its listed actions.
      expect(grant.resource).toMatch(/^[a-z-]+$/);
      expect(grant.actions).not.toContain('*');
      if (expires !== undefined && time(expires) < NOW.getTime()) continue;
      for (const action of grant.actions) {
        const meta = systems.get(grant.system)![grant.resource]!.actions[action]!;
        const key = `${grant.system}/${grant.resource}.${action}`;
        const prev = merged.get(key);
        const next = {
          system: grant.system,
          mode: grant.mode,
          ...(grant.fields ? { fields: grant.fields } : {}),
          risk: meta.risk,
          write: meta.effect !== 'read',
          expires: expires ?? null,
        };
        if (!prev) merged.set(key, next);
        else {
          merged.set(key, {
            ...next,
            mode: AUTHORITY.indexOf(prev.mode) >= AUTHORITY.indexOf(next.mode) ? prev.mode : next.mode,
            ...(prev.fields && next.fields
              ? { fields: [...prev.fields, ...next.fields] }
              : { fields: undefined }),
            expires:
              prev.expires === null || next.expires === null
                ? null
                : time(prev.expires!) >= time(next.expires!)
                  ? prev.expires
                  : next.expires,
          });
        }
      }
    }
    permissions.set(agent.metadata.name, merged);
  }
  return { agents, sites, permissions };
}

const pct = (count: number, total: number) => ratio(count, total);

describe('buildInventory on the example repository', () => {
  const inventory = inventoryOfExample(NOW);
  const example = readExample();
  const all = [...example.permissions.values()].flatMap((m) => [...m.values()]);

  it('lists every agent of the example, sorted, with its accountability as written', () => {
    const names = example.agents.map((a) => a.metadata.name).sort();
    expect(inventory.agents.map((a) => a.name)).toEqual(names);
    expect(inventory.agents).toHaveLength(9);
    for (const agent of example.agents) {
      const row = inventory.agents.find((a) => a.name === agent.metadata.name)!;
      expect(row).toMatchObject({
        owner: agent.spec.owner,
        sponsor: agent.spec.sponsor ?? null,
        platform: agent.spec.platform,
        environment: agent.spec.environment,
        status: agent.spec.status ?? 'active',
        credentialRef: agent.spec.identity.credentialRef,
      });
    }
  });

  it('counts agents by status, environment and platform', () => {
    const by = (key: 'environment' | 'platform') => {
      const counts = new Map<string, number>();
      for (const a of example.agents) counts.set(a.spec[key], (counts.get(a.spec[key]) ?? 0) + 1);
      return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, count]) => ({ name, count }));
    };
    expect(inventory.figures.agents).toEqual({
      total: 9,
      byStatus: { active: 9, suspended: 0, revoked: 0 },
      byEnvironment: by('environment'),
      byPlatform: by('platform'),
    });
    expect(inventory.figures.agents.byEnvironment).toEqual([
      { name: 'production', count: 8 },
      { name: 'staging', count: 1 },
    ]);
  });

  it('computes least-privilege coverage as the YAML implies', () => {
    const writes = all.filter((p) => p.write && AUTHORITY.indexOf(p.mode) >= AUTHORITY.indexOf('draft-only'));
    const high = all.filter((p) => p.risk === 'high' || p.risk === 'critical');
    const executing = high.filter((p) => p.mode === 'execute-gated' || p.mode === 'execute-limited');
    expect(inventory.figures.leastPrivilege).toEqual({
      writeGrantsWithFields: pct(writes.filter((p) => p.fields).length, writes.length),
      highRiskGated: pct(high.filter((p) => p.mode !== 'execute-limited').length, high.length),
    });
    expect(inventory.figures.highRiskApproval).toEqual(
      pct(executing.filter((p) => p.mode === 'execute-gated').length, executing.length),
    );
    // The example's own numbers, so a change to it is noticed here.
    expect(inventory.figures.leastPrivilege.writeGrantsWithFields).toEqual({
      count: 33,
      total: 37,
      percent: 89.2,
    });
    expect(inventory.figures.leastPrivilege.highRiskGated).toEqual({ count: 11, total: 11, percent: 100 });
    expect(inventory.figures.highRiskApproval).toEqual({ count: 6, total: 6, percent: 100 });
  });

  it('counts grants with an expiry over the grants each agent holds as written', () => {
    const sites = [...example.sites.values()].flat();
    expect(inventory.figures.expiry.grantsWithExpiry).toEqual(
      pct(sites.filter((s) => s.expires !== undefined).length, sites.length),
    );
    expect(inventory.figures.expiry.grantsWithExpiry).toEqual({ count: 11, total: 88, percent: 12.5 });
    expect(inventory.soonDays).toBe(21); // leash.yaml spec.lint.soonExpiringDays
    expect(inventory.figures.expiry.expired).toEqual([]);
    expect(inventory.figures.expiry.soonExpiring).toEqual([]);
  });

  it('gives each agent its reach: systems, highest mode, permissions, soonest expiry', () => {
    for (const [name, held] of example.permissions) {
      const row = inventory.agents.find((a) => a.name === name)!;
      const list = [...held.values()];
      expect(row.permissionCount).toBe(held.size);
      expect(row.systems).toEqual([...new Set(list.map((p) => p.system))].sort());
      const top = list.map((p) => AUTHORITY.indexOf(p.mode)).reduce((a, b) => Math.max(a, b), -1);
      expect(row.highestMode).toBe(top < 0 ? null : AUTHORITY[top]);
      const dates = list.map((p) => p.expires).filter((d): d is string => typeof d === 'string');
      expect(row.soonestExpiry).toBe(dates.sort((a, b) => time(a) - time(b))[0] ?? null);
      // In permission order: by system, resource, action.
      const tuple = (key: string) => key.split(/[/.]/).join('\0');
      expect(row.gatedActions).toEqual(
        [...held]
          .filter(([, p]) => p.mode === 'execute-gated')
          .map(([key]) => key)
          .sort((a, b) => (tuple(a) < tuple(b) ? -1 : 1)),
      );
    }
    const refund = inventory.agents.find((a) => a.name === 'refund-agent')!;
    expect(refund).toMatchObject({
      tier: 'high-impact',
      production: true,
      highestMode: 'execute-limited',
      criticalActions: [{ action: 'payments/refund.issue', mode: 'execute-gated' }],
      gatedActions: ['order-management/return-authorization.approve', 'payments/refund.issue'],
      soonestExpiry: '2027-01-31',
      templates: ['customer-notes', 'order-lookup', 'returns-desk'],
      lastReviewed: '2026-11-16',
      review: { every: '30d', dueBy: '2026-12-16', overdue: false },
    });
    expect(refund.dataClasses).toEqual(['financial', 'payment', 'pii']);
  });

  it('finds no shared credential, missing sponsor or overdue review in the example', () => {
    expect(inventory.figures.sharedCredentials).toEqual([]);
    expect(inventory.figures.accountability).toEqual({ withoutSponsor: [], reviewOverdue: [] });
    expect(inventory.figures.stalePermissions).toEqual(pct(0, all.length));
  });

  it('as the calendar moves: lapsed grants are listed as expired, the next ones as soon expiring', () => {
    const later = new Date('2027-02-01T00:00:00Z');
    const inv = inventoryOfExample(later);
    // refund-agent and its staging twin: the approve, issue and respond grants lapsed at the end of 2027-01-31.
    expect(
      inv.figures.expiry.expired.map((g) => `${g.agent} ${g.system}/${g.resource} ${g.expires}`),
    ).toEqual([
      'refund-agent order-management/return-authorization 2027-01-31',
      'refund-agent payments/refund 2027-01-31',
      'refund-agent payments/dispute 2027-01-31',
      'refund-agent-staging order-management/return-authorization 2027-01-31',
      'refund-agent-staging payments/refund 2027-01-31',
      'refund-agent-staging payments/dispute 2027-01-31',
    ]);
    expect(inv.figures.expiry.expired[0]).toMatchObject({
      actions: ['approve'],
      mode: 'execute-gated',
      template: null,
      file: 'agents/refund-agent.yaml',
      pointer: '/spec/grants/3/expires',
    });
    expect(
      inv.figures.expiry.soonExpiring.map((g) => `${g.expires} ${g.agent} ${g.system}/${g.resource}`),
    ).toEqual([
      '2027-02-05 sap-ticket-resolver order-management/shipment',
      '2027-02-12 voice-agent payments/dispute',
      '2027-02-12 voice-agent order-management/order',
      '2027-02-15 service-agent order-management/order',
      '2027-02-15 service-agent payments/store-credit',
    ]);
    // Lapsed grants give nothing: the refund agent no longer holds the refund.
    const refund = inv.agents.find((a) => a.name === 'refund-agent')!;
    expect(refund.criticalActions).toEqual([]);
    expect(refund.soonestExpiry).toBeNull();
    // 30 days after 2026-11-16 for the refund agents, 90 days after late October for two more.
    expect(inv.figures.accountability.reviewOverdue).toEqual([
      {
        agent: 'marketing-ops-agent',
        tier: 'standard',
        every: '90d',
        lastReviewed: '2026-10-30',
        dueBy: '2027-01-28',
      },
      {
        agent: 'refund-agent',
        tier: 'high-impact',
        every: '30d',
        lastReviewed: '2026-11-16',
        dueBy: '2026-12-16',
      },
      {
        agent: 'refund-agent-staging',
        tier: 'high-impact',
        every: '30d',
        lastReviewed: '2026-11-16',
        dueBy: '2026-12-16',
      },
      {
        agent: 'voice-agent',
        tier: 'standard',
        every: '90d',
        lastReviewed: '2026-10-27',
        dueBy: '2027-01-25',
      },
    ]);
    const count = (names: string[]) =>
      inv.agents.filter((a) => names.includes(a.name)).reduce((n, a) => n + a.permissionCount, 0);
    const overdue = inv.figures.accountability.reviewOverdue.map((r) => r.agent);
    expect(inv.figures.stalePermissions).toEqual(pct(count(overdue), count(inv.agents.map((a) => a.name))));
    // The refund agents lost 3 of 11 permissions each; marketing-ops-agent holds 8.
    expect(count(['refund-agent', 'refund-agent-staging', 'marketing-ops-agent'])).toBe(24);
  });

  it('is deterministic', () => {
    expect(inventoryOfExample(NOW)).toEqual(inventory);
  });
});

// ---------------------------------------------------------------------------------------------
// Small repositories built on the rule tests' BASE_FILES (agent bot, tier standard, system crm).
// ---------------------------------------------------------------------------------------------

const TEST_NOW = new Date('2026-06-01T12:00:00Z');

function agentYaml(name: string, extra: { spec?: string; grants?: string } = {}): string {
  return `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
${extra.spec ?? '  sponsor: jane@example.com\n'}${extra.grants === undefined ? '' : `  grants:\n${extra.grants}`}`;
}

/** Every number in a value, however deep. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbers);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(numbers);
  return [];
}

describe('buildInventory on small repositories', () => {
  it('detects a credential reference shared by agents, across environments', () => {
    const inv = inventoryOf(
      repoFiles({
        'agents/a.yaml': agentYaml('a').replace('vault://kv/agents/a', 'vault://kv/shared'),
        'agents/b.yaml': agentYaml('b')
          .replace('vault://kv/agents/b', 'vault://kv/shared')
          .replace('environment: production', 'environment: staging'),
        'agents/c.yaml': agentYaml('c'),
        'agents/d.yaml': agentYaml('d').replace('vault://kv/agents/d', 'vault://kv/pair'),
        'agents/e.yaml': agentYaml('e').replace('vault://kv/agents/e', 'vault://kv/pair'),
      }),
      { now: TEST_NOW },
    );
    expect(inv.figures.sharedCredentials).toEqual([
      { credentialRef: 'vault://kv/pair', agents: ['d', 'e'], environments: ['production'] },
      { credentialRef: 'vault://kv/shared', agents: ['a', 'b'], environments: ['production', 'staging'] },
    ]);
    expect(inv.agents.find((a) => a.name === 'a')!.credentialRef).toBe('vault://kv/shared');
  });

  it('reports zero denominators as null, never NaN', () => {
    const empty = inventoryOf(repoFiles({ 'agents/bot.yaml': null }), { now: TEST_NOW });
    expect(empty.agents).toEqual([]);
    expect(empty.figures.agents).toEqual({
      total: 0,
      byStatus: { active: 0, suspended: 0, revoked: 0 },
      byEnvironment: [],
      byPlatform: [],
    });
    const none = { count: 0, total: 0, percent: null };
    expect(empty.figures.leastPrivilege).toEqual({ writeGrantsWithFields: none, highRiskGated: none });
    expect(empty.figures.highRiskApproval).toEqual(none);
    expect(empty.figures.expiry.grantsWithExpiry).toEqual(none);
    expect(empty.figures.stalePermissions).toEqual(none);

    // Reads only: nothing written, nothing high-risk; but grants and permissions exist.
    const readOnly = inventoryOf(
      repoFiles({
        'agents/bot.yaml': agentYaml('bot', {
          grants:
            '    - system: crm\n      resource: contact\n      actions: [read]\n      mode: read-only\n',
        }),
      }),
      { now: TEST_NOW },
    );
    expect(readOnly.figures.leastPrivilege.writeGrantsWithFields).toEqual(none);
    expect(readOnly.figures.highRiskApproval).toEqual(none);
    expect(readOnly.figures.expiry.grantsWithExpiry).toEqual({ count: 0, total: 1, percent: 0 });
    for (const inv of [empty, readOnly]) {
      expect(numbers(inv).filter((n) => !Number.isFinite(n))).toEqual([]);
      expect(JSON.stringify(inv)).not.toMatch(/NaN|Infinity/);
    }
  });

  it('lists suspended and revoked agents with their status and no permissions', () => {
    const grants = '    - template: support\n';
    const inv = inventoryOf(
      repoFiles({
        'agents/paused.yaml': agentYaml('paused', {
          spec: '  status: suspended\n',
          grants: '    - template: support\n      expires: 2026-05-01\n',
        }),
        'agents/gone.yaml': agentYaml('gone', {
          spec: '  status: revoked\n  sponsor: a@example.com\n',
          grants,
        }),
      }),
      { now: TEST_NOW },
    );
    expect(inv.agents.map((a) => [a.name, a.status])).toEqual([
      ['bot', 'active'],
      ['gone', 'revoked'],
      ['paused', 'suspended'],
    ]);
    for (const name of ['gone', 'paused']) {
      expect(inv.agents.find((a) => a.name === name)).toMatchObject({
        systems: [],
        dataClasses: [],
        highestMode: null,
        permissionCount: 0,
        gatedActions: [],
        criticalActions: [],
        soonestExpiry: null,
        templates: ['support'],
        review: { overdue: false },
      });
    }
    expect(inv.figures.agents.byStatus).toEqual({ active: 1, suspended: 1, revoked: 1 });
    // Dormant grants are not counted: paused's lapsed template use is not an expired grant.
    expect(inv.figures.expiry.expired).toEqual([]);
    expect(inv.figures.expiry.grantsWithExpiry.total).toBe(2); // bot: the support grant and the contact read
    // Accountability covers every agent: paused names no sponsor.
    expect(inv.figures.accountability.withoutSponsor).toEqual(['paused']);
  });

  it('lists expired and soon-expiring grants with the expiry that applies and where it is written', () => {
    const inv = inventoryOf(
      repoFiles({
        'templates/support.yaml': BASE_FILES['templates/support.yaml']!.replace(
          'mode: execute-limited',
          'mode: execute-limited\n      expires: 2026-09-30',
        ),
        'agents/bot.yaml': agentYaml('bot', {
          grants: [
            '    - template: support',
            '      expires: 2026-05-31', // earlier than the template's own: this one applies
            '    - system: crm',
            '      resource: contact',
            '      actions: [read]',
            '      mode: read-only',
            '      expires: 2026-06-01', // today: the end of the day is still ahead
            '    - system: crm',
            '      resource: contact',
            '      actions: [update]',
            '      mode: execute-gated',
            '      fields: [segment]',
            '      expires: 2026-06-11T12:00:00Z', // ten days: within the default 14
            '    - system: crm',
            '      resource: contact',
            '      actions: [delete]',
            '      mode: escalate',
            '      expires: 2026-06-16T12:00:01Z', // just past 14 days
            '',
          ].join('\n'),
        }),
        'agents/other.yaml': agentYaml('other', { grants: '    - template: support\n' }),
      }),
      { now: TEST_NOW },
    );
    expect(inv.soonDays).toBe(14); // BASE_FILES' leash.yaml sets no lint.soonExpiringDays
    expect(inv.figures.expiry.expired).toEqual([
      {
        agent: 'bot',
        system: 'crm',
        resource: 'case',
        actions: ['read', 'create'],
        mode: 'execute-limited',
        template: 'support',
        expires: '2026-05-31',
        file: 'agents/bot.yaml',
        pointer: '/spec/grants/0/expires',
      },
    ]);
    expect(
      inv.figures.expiry.soonExpiring.map((g) => [g.agent, g.resource, g.actions[0], g.expires]),
    ).toEqual([
      ['bot', 'contact', 'read', '2026-06-01'],
      ['bot', 'contact', 'update', '2026-06-11T12:00:00Z'],
    ]);
    expect(inv.figures.expiry.grantsWithExpiry).toEqual({ count: 5, total: 5, percent: 100 });
    // other includes the template without an expiry of its own: the template's date applies, written there.
    const wider = inventoryOf(
      repoFiles({
        'templates/support.yaml': BASE_FILES['templates/support.yaml']!.replace(
          'mode: execute-limited',
          'mode: execute-limited\n      expires: 2026-06-20',
        ),
      }),
      { now: TEST_NOW, soonDays: 30 },
    );
    expect(wider.soonDays).toBe(30);
    expect(wider.figures.expiry.soonExpiring).toEqual([
      expect.objectContaining({
        agent: 'bot',
        template: 'support',
        expires: '2026-06-20',
        file: 'templates/support.yaml',
        pointer: '/spec/grants/0/expires',
      }),
    ]);
    expect(wider.agents[0]!.soonestExpiry).toBe('2026-06-20');
  });

  it('flags agents overdue for review by their tier cadence, and their permissions as stale', () => {
    const tier = BASE_FILES['tiers/standard.yaml']! + '  reviewEvery: 30d\n';
    const grants = '    - template: support\n';
    const inv = inventoryOf(
      repoFiles({
        'tiers/standard.yaml': tier,
        'agents/bot.yaml': agentYaml('bot', {
          spec: '  sponsor: j@example.com\n  lastReviewed: 2026-05-15\n',
          grants,
        }),
        'agents/late.yaml': agentYaml('late', {
          spec: '  sponsor: j@example.com\n  lastReviewed: 2026-04-01\n',
          grants,
        }),
        'agents/never.yaml': agentYaml('never', { grants }),
      }),
      { now: TEST_NOW },
    );
    expect(inv.figures.accountability.reviewOverdue).toEqual([
      { agent: 'late', tier: 'standard', every: '30d', lastReviewed: '2026-04-01', dueBy: '2026-05-01' },
      { agent: 'never', tier: 'standard', every: '30d', lastReviewed: null, dueBy: null },
    ]);
    expect(inv.agents.find((a) => a.name === 'bot')!.review).toEqual({
      every: '30d',
      dueBy: '2026-06-14',
      overdue: false,
    });
    // Each agent holds crm/case read and create: 4 of 6 permissions belong to overdue agents.
    expect(inv.figures.stalePermissions).toEqual({ count: 4, total: 6, percent: 66.7 });
  });
});

describe('ratio', () => {
  it('rounds to one decimal, never to 0 or 100 unless exact, and is null without a total', () => {
    expect(ratio(1, 3)).toEqual({ count: 1, total: 3, percent: 33.3 });
    expect(ratio(1999, 2000)).toEqual({ count: 1999, total: 2000, percent: 99.9 });
    expect(ratio(1, 5000)).toEqual({ count: 1, total: 5000, percent: 0.1 });
    expect(ratio(0, 5)).toEqual({ count: 0, total: 5, percent: 0 });
    expect(ratio(5, 5)).toEqual({ count: 5, total: 5, percent: 100 });
    expect(ratio(0, 0)).toEqual({ count: 0, total: 0, percent: null });
  });
});
