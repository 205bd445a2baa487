/**
 * The sync benchmarks (issue 5), run by `npm run bench` through bench/sync.mjs (which bundles
 * this file with esbuild). Starts PostgreSQL, OpenLDAP and a SCIM service provider on loopback
 * (test/helpers/servers), generates a 1,000-agent repository enforced by them and the local
 * store, and prints, timed in-process with performance.now():
 *
 * 1. the first sync into each target, then a no-op re-sync (which must change nothing) beside
 *    reading the targets' state alone, measured in the same run: limit 2×;
 * 2. the in-process cost of one `leash authorize` decision (Authorizer over the local store the
 *    first sync wrote), beside a JSON.parse of the agent's store file and a Map lookup.
 *
 * Every server is stopped at the end, on failure and on SIGINT/SIGTERM.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySync, closeSessions, planSync, preparePolicy } from '../src/sync/run.js';
import type { PreparedPolicy, SyncPlan } from '../src/sync/run.js';
import type { ChangeResult } from '../src/sync/apply.js';
import { buildDesiredInputs } from '../src/sync/enforcement.js';
import { planTarget } from '../src/sync/plan.js';
import { loadAdapter } from '../src/sync/registry.js';
import type { ManagedObject, TargetAdapter, TargetType } from '../src/sync/types.js';
import type { AuthorizeRequest, Decision } from '../src/sync/targets/local/authorize.js';
import { Authorizer, decisionForMode } from '../src/sync/targets/local/authorize.js';
import type { LocalStore } from '../src/sync/targets/local/index.js';
import type { AgentFile } from '../src/sync/targets/local/store-format.js';
import type { Mode } from '../src/model/modes.js';
import { startLdap } from '../test/helpers/servers/ldap.js';
import { startPostgres, withClient } from '../test/helpers/servers/postgres.js';
import { startScimServer } from '../test/helpers/servers/scim.js';
import {
  POSTGRES_COLUMNS,
  SYNC_TARGETS,
  generateSyncRepo,
  postgresTables,
  writeSyncRepo,
} from './sync-repo.js';

const AGENTS = 1000;
const RUNS = Number(process.env.BENCH_SYNC_RUNS ?? 9);
const FIRST_RUNS = Number(process.env.BENCH_SYNC_FIRST_RUNS ?? 3);
const DECISIONS = Number(process.env.BENCH_AUTHORIZE_REQUESTS ?? 20_000);
const NOW = new Date('2026-11-22T00:00:00Z');
const ENV = {
  BENCH_PG_PASSWORD: '',
  BENCH_LDAP_PASSWORD: '',
  BENCH_SCIM_TOKEN: '',
};
const TARGET_ORDER = [SYNC_TARGETS.local, SYNC_TARGETS.postgres, SYNC_TARGETS.ldap, SYNC_TARGETS.scim];

// This runs bundled as bench/.work/sync-bench.mjs, two folders below the package root.
const root = fileURLToPath(new URL('../..', import.meta.url));
const repoDir = join(root, 'bench/.work/sync-repo');

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const row = (label: string, ms: number, note = '') =>
  console.log(`  ${label.padEnd(52)} ${fmt(ms)}  ${note}`.trimEnd());
const verdict = (ratio: number, limit: number) =>
  `${ratio.toFixed(2)}× (limit ${limit}×) ${ratio <= limit ? 'PASS' : 'FAIL'}`;
const count = (n: number) => n.toLocaleString('en-US');

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const stops: (() => Promise<void>)[] = [];

async function stopAll(): Promise<void> {
  // Each server alone: one that fails to stop does not keep the others running.
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) => console.error(`  stopping a server failed: ${String(error)}`));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  console.log(
    `\nsync: ${count(AGENTS)} agents into local + postgres + ldap + scim (servers on loopback, timed in-process)\n`,
  );
  // 1. The first sync, one target at a time so each is timed alone. Each run starts from empty
  // servers (started afresh) and an empty local store; the last run's servers stay for the rest.
  const first = new Map<string, { plan: number[]; apply: number[]; changes: number }>();
  const byType = new Map<string, Map<string, number[]>>();
  const totals: number[] = [];
  let prepared: PreparedPolicy | undefined;
  for (let run = 0; run < FIRST_RUNS; run++) {
    await stopAll();
    prepared = await setUp(run === 0);
    let total = 0;
    for (const name of TARGET_ORDER) {
      const types = byType.get(name) ?? new Map<string, number[]>();
      byType.set(name, types);
      const result = await firstSync(prepared, name, types);
      const figures = first.get(name) ?? { plan: [], apply: [], changes: result.changes };
      figures.plan.push(result.planMs);
      figures.apply.push(result.applyMs);
      first.set(name, figures);
      total += result.planMs + result.applyMs;
    }
    totals.push(total);
  }
  if (!prepared) throw new Error('BENCH_SYNC_FIRST_RUNS must be at least 1');
  const runsNote = FIRST_RUNS === 1 ? '1 run' : `median of ${FIRST_RUNS} runs`;
  for (const name of TARGET_ORDER) {
    const { plan, apply, changes } = first.get(name)!;
    const totalsOf = plan.map((p, i) => p + apply[i]!);
    const applyMs = median(apply);
    row(
      `${typeOf(prepared, name).padEnd(8)} first sync, ${count(changes)} changes`,
      median(totalsOf),
      `plan ${median(plan).toFixed(0)} ms + apply ${applyMs.toFixed(0)} ms ` +
        `(${(applyMs / Math.max(1, changes)).toFixed(2)} ms a change); ${runsNote}`,
    );
    const types = [...byType.get(name)!].map(
      ([type, ms]) =>
        `${type} ${count(ms.length / FIRST_RUNS)} × ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2)} ms`,
    );
    console.log(`  ${''.padEnd(62)}  ${types.join(', ')} (mean)`);
  }
  row('all four, one after another', median(totals), runsNote);

  // 2. Reading the state alone vs the no-op re-sync, interleaved run by run.
  const reads = new Map<string, number[]>();
  const resyncs = new Map<string, number[]>();
  const planning = new Map<string, number[]>();
  const objects = new Map<string, number>();
  const adapters = new Map<string, TargetAdapter>();
  for (const name of TARGET_ORDER)
    adapters.set(typeOf(prepared, name), await loadAdapter(typeOf(prepared, name)));
  // What planSync computes without IO for one target (leash sync --target <name>): the desired
  // inputs of that target, its desired objects and the diff against its actual state.
  const planAlone = (name: string, actual: readonly ManagedObject[]) => {
    const settings = prepared.targets[name]!;
    const adapter = adapters.get(settings.type)!;
    const inputs = buildDesiredInputs(prepared.index, {
      reach: prepared.reach,
      targets: { [name]: settings },
      adapters: new Map([[settings.type, adapter]]),
      held: prepared.held,
    });
    return planTarget({
      name,
      type: settings.type,
      objectTypes: adapter.objectTypes,
      desired: adapter.desired(inputs.get(name)!),
      actual,
      guardrails: prepared.guardrails,
      fingerprint: false,
      diff: {
        held: prepared.held.names,
        known: new Set(prepared.index.agents.map((a) => a.name)),
        protectUnknown: prepared.held.unknown,
      },
    });
  };
  const readAll: number[] = [];
  const resyncAll: number[] = [];
  const prepareRuns: number[] = [];
  const wholeRuns: number[] = [];
  const nonZero: string[] = [];
  // What `leash sync [--target <name>]` does: plan and apply in one run, so no state fingerprint
  // is made (only a plan saved for a later `leash apply` needs one).
  const noOp = async (only?: string[]) => {
    const { plan, sessions } = await planSync(prepared, {
      env: ENV,
      fingerprint: false,
      ...(only ? { only } : {}),
    });
    try {
      const outcome = await applySync(plan, sessions, { verifyFingerprint: false });
      const changed = totalChanges(plan) + outcome.targets.reduce((n, t) => n + t.results.length, 0);
      if (changed > 0 || plan.failed.length > 0 || outcome.targets.some((t) => t.status !== 'unchanged')) {
        nonZero.push(
          `${only?.join(',') ?? 'all'}: ${changed} changes, ${outcome.targets.map((t) => `${t.name} ${t.status}`).join(', ')}`,
        );
      }
    } finally {
      await closeSessions(sessions);
    }
  };
  // The read and the re-sync run back to back, taking turns at going first: the second pays for
  // the garbage the first left behind, and the machine's load drifts between runs.
  for (let run = 0; run < RUNS; run++) {
    const readFirst = run % 2 === 0;
    for (const name of TARGET_ORDER) {
      if (!readFirst) push(resyncs, name, (await timed(() => noOp([name]))).ms);
      const read = await timed(() => readState(prepared, name));
      push(reads, name, read.ms);
      objects.set(name, read.value.length);
      if (readFirst) push(resyncs, name, (await timed(() => noOp([name]))).ms);
      const alone = await timed(async () => planAlone(name, read.value));
      if (alone.value.changes.length > 0)
        nonZero.push(`${name} planned alone: ${alone.value.changes.length} changes`);
      push(planning, name, alone.ms);
    }
    const readFour = async () =>
      readAll.push((await timed(() => Promise.all(TARGET_ORDER.map((n) => readState(prepared, n))))).ms);
    if (!readFirst) resyncAll.push((await timed(() => noOp())).ms);
    await readFour();
    if (readFirst) resyncAll.push((await timed(() => noOp())).ms);
    const whole = await timed(async () => {
      const t = performance.now();
      const fresh = preparePolicy(repoDir, NOW);
      prepareRuns.push(performance.now() - t);
      const { plan, sessions } = await planSync(fresh, { env: ENV, fingerprint: false });
      try {
        await applySync(plan, sessions, { verifyFingerprint: false });
      } finally {
        await closeSessions(sessions);
      }
      if (totalChanges(plan) > 0) nonZero.push(`whole re-sync: ${totalChanges(plan)} changes`);
    });
    wholeRuns.push(whole.ms);
  }

  console.log(
    `\n  no-op re-sync right after, beside reading the targets' state alone (connect + read + close); median of ${RUNS} runs, ` +
      `each timing the two back to back, in turn first\n`,
  );
  for (const name of TARGET_ORDER) {
    const read = median(reads.get(name)!);
    const resync = median(resyncs.get(name)!);
    const type = typeOf(prepared, name).padEnd(8);
    row(`${type} read state, ${count(objects.get(name) ?? 0)} objects`, read);
    row(
      `${type} no-op re-sync (plan + apply)`,
      resync,
      `${verdict(resync / read, 2)}; planning alone (no IO) ${median(planning.get(name)!).toFixed(0)} ms`,
    );
  }
  const readMs = median(readAll);
  const resyncMs = median(resyncAll);
  row('all four in parallel: read state', readMs);
  row('all four in parallel: no-op re-sync (plan + apply)', resyncMs, verdict(resyncMs / readMs, 2));
  const prepareMs = median(prepareRuns);
  const wholeMs = median(wholeRuns);
  row('preparePolicy (read, validate, compile the repo)', prepareMs);
  row(
    'whole no-op re-sync (preparePolicy + plan + apply)',
    wholeMs,
    `${(wholeMs / readMs).toFixed(2)}× reading the state, the repository's read included`,
  );
  console.log(
    nonZero.length === 0
      ? `  ${''.padEnd(52)} every re-sync made zero changes: true`
      : `  every re-sync made zero changes: false FAIL\n    ${nonZero.slice(0, 5).join('\n    ')}`,
  );

  // 3. The authorize decision over the store the first sync wrote.
  await benchAuthorize(prepared);
}

/** Starts empty servers, writes the repository naming them and prepares it. */
async function setUp(describe: boolean): Promise<PreparedPolicy> {
  const servers = await startServers();
  writeSyncRepo(generateSyncRepo({ agents: AGENTS, servers }), repoDir);
  const prepared = preparePolicy(repoDir, NOW);
  const errors = prepared.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || prepared.held.names.size > 0) {
    throw new Error(`the generated repository has ${errors.length} errors: ${errors[0]?.message ?? ''}`);
  }
  if (describe) {
    const grants = prepared.index.agents.reduce((n, a) => n + (a.data.spec.grants?.length ?? 0), 0);
    console.log(
      `  repository: ${count(prepared.index.agents.length)} agents, ${count(grants)} grants over ${prepared.index.systems.size} systems; ` +
        `targets one after another, each its own plan + apply (leash sync --target <name>)\n`,
    );
  }
  return prepared;
}

/** One target's first sync: plan, then apply, each timed; throws unless every change applied. */
async function firstSync(
  prepared: PreparedPolicy,
  name: string,
  byType: Map<string, number[]>,
): Promise<{ planMs: number; applyMs: number; changes: number }> {
  const plan = await timed(() => planSync(prepared, { env: ENV, only: [name], fingerprint: false }));
  const { sessions } = plan.value;
  // Changes within a target apply one after another, so the time between two reports is what
  // one change took.
  let last = 0;
  const onChange = (_target: string, result: ChangeResult) => {
    const now = performance.now();
    push(byType, `${result.change.op} ${result.change.type}`, now - last);
    last = now;
  };
  let apply;
  try {
    last = performance.now();
    apply = await timed(() => applySync(plan.value.plan, sessions, { verifyFingerprint: false, onChange }));
  } finally {
    await closeSessions(sessions);
  }
  const outcome = apply.value.targets[0];
  const failed = outcome?.results.filter((r) => r.status !== 'applied') ?? [];
  if (outcome?.status !== 'applied' || failed.length > 0 || plan.value.plan.failed.length > 0) {
    const why = outcome?.message ?? plan.value.plan.failed[0]?.error ?? failed[0]?.error ?? '';
    throw new Error(`the first sync into ${name} did not apply cleanly (${outcome?.status}): ${why}`);
  }
  return { planMs: plan.ms, applyMs: apply.ms, changes: totalChanges(plan.value.plan) };
}

async function startServers() {
  const [pg, ldap, scim] = await Promise.all([
    startPostgres({ database: 'leash_bench' }).then((s) => (stops.push(() => s.stop()), s)),
    startLdap().then((s) => (stops.push(() => s.stop()), s)),
    startScimServer().then((s) => (stops.push(() => s.stop()), s)),
  ]);
  ENV.BENCH_PG_PASSWORD = pg.password;
  ENV.BENCH_LDAP_PASSWORD = ldap.password;
  ENV.BENCH_SCIM_TOKEN = scim.token;
  // The tables the postgres systems map onto, owned by app_owner and grantable by leash.
  const columns = POSTGRES_COLUMNS.map((c) => (c === 'id' ? 'id serial PRIMARY KEY' : `${c} text`)).join(
    ', ',
  );
  await withClient({ host: pg.host, port: pg.port, database: pg.database, ...pg.admin }, async (client) => {
    const tables = postgresTables();
    await client.query(
      [
        'SET ROLE app_owner',
        ...tables.map((t) => `CREATE TABLE ${t} (${columns})`),
        `GRANT ALL ON ${tables.join(', ')} TO ${pg.user} WITH GRANT OPTION`,
        'RESET ROLE',
      ].join(';\n'),
    );
  });
  return {
    postgres: {
      host: pg.host,
      port: pg.port,
      database: pg.database,
      user: pg.user,
      passwordEnv: 'BENCH_PG_PASSWORD',
    },
    ldap: {
      url: ldap.url,
      bindDn: ldap.bindDn,
      passwordEnv: 'BENCH_LDAP_PASSWORD',
      agentsDn: ldap.agentsDn,
      groupsDn: ldap.groupsDn,
    },
    scim: { url: scim.url, tokenEnv: 'BENCH_SCIM_TOKEN' },
  };
}

/** Connects to a target, reads everything leash manages there and closes: no planning. */
async function readState(prepared: PreparedPolicy, name: string): Promise<ManagedObject[]> {
  const settings = prepared.targets[name]!;
  const adapter = await loadAdapter(settings.type);
  const connection = await adapter.connect({ name, settings, env: ENV, baseDir: prepared.dir });
  try {
    return await connection.read();
  } finally {
    await connection.close();
  }
}

async function openLocal(prepared: PreparedPolicy): Promise<LocalStore> {
  const name = SYNC_TARGETS.local;
  const settings = prepared.targets[name]!;
  const adapter = await loadAdapter('local');
  return (await adapter.connect({ name, settings, env: ENV, baseDir: prepared.dir })) as LocalStore;
}

async function benchAuthorize(prepared: PreparedPolicy): Promise<void> {
  const store = await openLocal(prepared);
  const agentsDir = join(store.dir, 'agents');
  const texts = new Map<string, string>();
  for (const file of readdirSync(agentsDir)) {
    if (file.endsWith('.json')) texts.set(file.slice(0, -5), readFileSync(join(agentsDir, file), 'utf8'));
  }
  // The plain-JS baseline: agent -> "system/resource/action" -> mode.
  const lookup = new Map<string, Map<string, Mode>>();
  for (const [agent, text] of texts) {
    const file = JSON.parse(text) as AgentFile;
    const active = file.identity?.status === 'active';
    lookup.set(
      agent,
      new Map(active ? file.permissions.map((p) => [`${p.system}/${p.resource}/${p.action}`, p.mode]) : []),
    );
  }
  // Requests: half for an action the agent holds, half for any action of any system.
  const catalog: [string, string, string][] = [];
  for (const [system, doc] of prepared.index.systems) {
    for (const [resource, r] of Object.entries(doc.data.spec.resources)) {
      for (const action of Object.keys(r.actions)) catalog.push([system, resource, action]);
    }
  }
  const agents = [...texts.keys()].sort();
  const held = new Map(agents.map((a) => [a, [...lookup.get(a)!.keys()]]));
  let seed = 1;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const requests: AuthorizeRequest[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const agent = agents[Math.floor(rand() * agents.length)]!;
    const own = held.get(agent)!;
    const [system, resource, action] =
      rand() < 0.5 && own.length > 0
        ? (own[Math.floor(rand() * own.length)]!.split('/') as [string, string, string])
        : catalog[Math.floor(rand() * catalog.length)]!;
    requests.push({ agent, system, resource, action, at: NOW });
  }

  const authorizer = new Authorizer(store);
  // Cold: the first question about each agent loads its file and has Cedar parse its policies.
  const cold: number[] = [];
  for (const agent of agents) {
    const t = performance.now();
    await authorizer.authorize({ agent, system: 'wiki', resource: 'r0', action: 'read', at: NOW });
    cold.push(performance.now() - t);
  }
  // Warm-up: the JIT settles on the hot path (a quarter of the requests, untimed).
  for (let i = 0; i < requests.length / 4; i++) await authorizer.authorize(requests[i]!);

  const decisions = new Map<Decision, number>();
  const leash = await sample(requests, async (r) => {
    const result = await authorizer.authorize(r);
    decisions.set(result.decision, (decisions.get(result.decision) ?? 0) + 1);
  });
  const parse = await sample(requests, (r) => {
    JSON.parse(texts.get(r.agent)!);
  });
  let allowed = 0;
  const mapLookup = await sample(requests, (r) => {
    const mode = lookup.get(r.agent)?.get(`${r.system}/${r.resource}/${r.action}`);
    if (mode !== undefined && decisionForMode(mode) === 'allow') allowed++;
  });
  const floor = await sample(requests, () => undefined);

  const sizes = [...texts.values()].map((t) => t.length).sort((a, b) => a - b);
  console.log(
    `\nauthorize: in-process decisions (Authorizer over the local store written above), ${count(DECISIONS)} random requests ` +
      `after warm-up, one run\n`,
  );
  const us = (label: string, s: number[], note = '') =>
    console.log(
      `  ${label.padEnd(52)} ${`median ${(median(s) * 1000).toFixed(1)} µs`.padStart(16)}  ${`p99 ${(percentile(s, 99) * 1000).toFixed(1)} µs`.padStart(14)}  ${note}`.trimEnd(),
    );
  const sortedCold = [...cold].sort((a, b) => a - b);
  us(
    'first decision per agent (loads file, Cedar parses)',
    sortedCold,
    `${count(agents.length)} agents, once each`,
  );
  us(
    'leash authorize decision (Cedar, warm)',
    leash,
    [...decisions].map(([d, n]) => `${d} ${count(n)}`).join(', '),
  );
  us(
    "JSON.parse of the agent's store file",
    parse,
    `baseline; files ${(median(sizes) / 1024).toFixed(1)} KB median`,
  );
  us('Map lookup of the permission (plain JS)', mapLookup, `baseline; ${count(allowed)} allow`);
  us('performance.now() pair alone (timer floor)', floor, 'included in every figure above');
}

/** Per-request wall times in ms, sorted; each request timed alone. */
async function sample(
  requests: readonly AuthorizeRequest[],
  fn: (r: AuthorizeRequest) => unknown,
): Promise<number[]> {
  const out = new Array<number>(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const t = performance.now();
    await fn(requests[i]!);
    out[i] = performance.now() - t;
  }
  return out.sort((a, b) => a - b);
}

function totalChanges(plan: SyncPlan): number {
  return plan.targets.reduce((n, t) => n + t.changes.length, 0);
}

function typeOf(prepared: PreparedPolicy, name: string): TargetType {
  return prepared.targets[name]!.type;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

try {
  await main();
} catch (error) {
  console.error(
    `\nsync benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 2;
} finally {
  await stopAll();
}
