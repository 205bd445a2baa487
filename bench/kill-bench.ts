/**
 * The kill switch benchmark (issue 6), run by `npm run bench` through bench/kill.mjs (which
 * bundles this file with esbuild). Starts PostgreSQL, OpenLDAP and a SCIM service provider on
 * loopback (test/helpers/servers), syncs a repository of 200 ordinary agents (bench/sync-repo.ts)
 * plus victims holding 50 grants each spread over the postgres, ldap and scim systems (the local
 * store holds them all), and prints, timed in-process with performance.now():
 *
 * 1. the time of a kill (killAgent: every target in parallel, connect, read the agent, disable
 *    it, remove its grants, read back) until every receipt is in and revoked, p50 and p90 over
 *    a victim per run, against the 1 s limit; beside a baseline measured run by run on the same
 *    state: reading that one agent's objects from the four targets (connect + readAgent + close,
 *    in parallel), and reading the four targets whole (what a kill without readAgent would read);
 * 2. the same kill with the SCIM target behind a server that never answers (deadline 1 s): the
 *    healthy targets' receipt times, p50 against 1 s.
 *
 * The SCIM server runs in a child process, as a SaaS application is remote: in this process its
 * request handling would be counted as the kill's. Every server is stopped at the end, on
 * failure and on SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KillReceipt } from '../src/revoke/kill.js';
import { killAgent } from '../src/revoke/kill.js';
import { applySync, closeSessions, planSync, preparePolicy } from '../src/sync/run.js';
import type { PreparedPolicy } from '../src/sync/run.js';
import { loadAdapter } from '../src/sync/registry.js';
import type { ManagedObject, TargetSettings } from '../src/sync/types.js';
import { startLdap } from '../test/helpers/servers/ldap.js';
import { startPostgres, withClient } from '../test/helpers/servers/postgres.js';
import { startScimServer } from '../test/helpers/servers/scim.js';
import { startSilentServer } from '../test/revocation/silent-server.js';
import { mulberry32 } from './generate.mjs';
import type { PolicyDoc } from './sync-repo.js';
import {
  POSTGRES_COLUMNS,
  SYNC_TARGETS,
  generateSyncRepo,
  postgresTables,
  writeSyncRepo,
} from './sync-repo.js';

const AGENTS = 200;
const GRANTS = 50;
const RUNS = Number(process.env.BENCH_KILL_RUNS ?? 15);
const HANG_RUNS = Number(process.env.BENCH_KILL_HANG_RUNS ?? 5);
const LIMIT_MS = 1000;
const NOW = new Date('2026-11-22T00:00:00Z');
/** argv[2] that makes this bundle the SCIM server's process. */
const SCIM_SERVER_ROLE = '--scim-server';
const ENV = { BENCH_PG_PASSWORD: '', BENCH_LDAP_PASSWORD: '', BENCH_SCIM_TOKEN: '' };

// This runs bundled as bench/.work/kill-bench.mjs, two folders below the package root.
const root = fileURLToPath(new URL('../..', import.meta.url));
const repoDir = join(root, 'bench/.work/kill-repo');

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const row = (label: string, ms: number, note = '') =>
  console.log(`  ${label.padEnd(60)} ${fmt(ms)}  ${note}`.trimEnd());
const underLimit = (ms: number) => `(limit ${LIMIT_MS} ms) ${ms <= LIMIT_MS ? 'PASS' : 'FAIL'}`;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
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
  const victims = Array.from({ length: RUNS + HANG_RUNS }, (_, i) => `victim-${String(i).padStart(2, '0')}`);
  console.log(
    `\nkill: one agent with ${GRANTS} grants out of local + postgres + ldap + scim, ${AGENTS} other agents ` +
      `(servers on loopback, the SCIM one in a process of its own; timed in-process)\n`,
  );
  const prepared = await setUp(victims);
  const targets = prepared.targets;
  const names = Object.keys(targets).sort();
  const held = await Promise.all(
    names.map(async (n) => [n, await readAgent(prepared, n, victims[0]!)] as const),
  );
  console.log(
    `  each victim holds: ${held.map(([n, objects]) => `${targets[n]!.type} ${objects.length}`).join(', ')} objects ` +
      `(identity + grants); ${victims.length} victims, one killed per run\n`,
  );

  // 1. Kills with every target healthy, each beside reading the agent (and everything) first.
  const kills: number[] = [];
  const slowest: number[] = [];
  const agentReads: number[] = [];
  const wholeReads: number[] = [];
  const byTarget = new Map<string, number[]>();
  for (const victim of victims.slice(0, RUNS)) {
    agentReads.push((await timed(() => Promise.all(names.map((n) => readAgent(prepared, n, victim))))).ms);
    wholeReads.push((await timed(() => Promise.all(names.map((n) => readWhole(prepared, n))))).ms);
    const { ms, value: receipts } = await timed(() => kill(victim, targets));
    expectRevoked(victim, receipts, names);
    kills.push(ms);
    slowest.push(Math.max(...receipts.map((r) => r.ms)));
    for (const r of receipts) push(byTarget, `${r.type} ${r.target}`, r.ms);
  }
  const p50 = percentile(kills, 50);
  const p90 = percentile(kills, 90);
  row(`kill, all four targets revoked and read back: p50`, p50, underLimit(p50));
  row(`kill, all four targets revoked and read back: p90`, p90, `${underLimit(p90)}; ${RUNS} runs`);
  console.log(
    `  ${''.padEnd(60)} receipts p50 by target: ${[...byTarget]
      .map(([t, ms]) => `${t.split(' ')[0]} ${percentile(ms, 50).toFixed(0)} ms`)
      .join(', ')}`,
  );
  row(
    "baseline: read the agent's objects from all four (p50)",
    percentile(agentReads, 50),
    'connect + readAgent + close, in parallel',
  );
  row(
    'baseline: read all four targets whole (p50)',
    percentile(wholeReads, 50),
    `connect + read + close; a kill without readAgent reads twice`,
  );
  row(
    'kill p50 beside reading the agent',
    p50,
    `${(p50 / percentile(agentReads, 50)).toFixed(1)}× (read + apply + read back, each sequential per target)`,
  );

  // 2. One target hangs: the SCIM target points at a server that never answers.
  const silent = await startSilentServer('http');
  stops.push(() => silent.stop());
  const scimName = SYNC_TARGETS.scim;
  const hanging: Record<string, TargetSettings> = {
    ...targets,
    [scimName]: { ...targets[scimName]!, url: `http://127.0.0.1:${silent.port}/scim/v2`, timeoutSeconds: 1 },
  };
  const healthy: number[] = [];
  const hung: number[] = [];
  for (const victim of victims.slice(RUNS)) {
    const receipts = await kill(victim, hanging);
    const others = receipts.filter((r) => r.target !== scimName);
    expectRevoked(
      victim,
      others,
      names.filter((n) => n !== scimName),
    );
    const stuck = receipts.find((r) => r.target === scimName)!;
    if (stuck.status !== 'unreachable') throw new Error(`the hanging target says ${stuck.status}`);
    healthy.push(...others.map((r) => r.ms));
    hung.push(stuck.ms);
  }
  const healthyP50 = percentile(healthy, 50);
  console.log('');
  row(
    'one target hanging: healthy targets revoked and read back, p50',
    healthyP50,
    `${underLimit(healthyP50)}; max ${Math.max(...healthy).toFixed(0)} ms, ${HANG_RUNS} runs`,
  );
  row(
    'one target hanging: the hanging one reported unreachable, p50',
    percentile(hung, 50),
    `its deadline is 1000 ms; ${silent.connections} connections reached the silent server`,
  );
}

/** Starts empty servers, writes and syncs the repository; returns it prepared. */
async function setUp(victims: readonly string[]): Promise<PreparedPolicy> {
  const servers = await startServers();
  const docs = generateSyncRepo({ agents: AGENTS, servers });
  docs.push(...victims.map((name, i) => victimDoc(docs, name, i)));
  writeSyncRepo(docs, repoDir);
  const prepared = preparePolicy(repoDir, NOW);
  const errors = prepared.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || prepared.held.names.size > 0) {
    throw new Error(`the generated repository has ${errors.length} errors: ${errors[0]?.message ?? ''}`);
  }
  const sync = await timed(async () => {
    const { plan, sessions } = await planSync(prepared, { env: ENV });
    try {
      const outcome = await applySync(plan, sessions, { verifyFingerprint: false });
      const bad = outcome.targets.filter((t) => t.status !== 'applied');
      if (plan.failed.length > 0 || bad.length > 0) {
        throw new Error(
          `the first sync failed: ${plan.failed[0]?.error ?? bad[0]?.message ?? bad[0]?.status}`,
        );
      }
      return plan.targets.reduce((n, t) => n + t.changes.length, 0);
    } finally {
      await closeSessions(sessions);
    }
  });
  row(
    `first sync of ${AGENTS + victims.length} agents (setup)`,
    sync.ms,
    `${sync.value.toLocaleString('en-US')} changes`,
  );
  return prepared;
}

/**
 * A victim with GRANTS grants over the systems the repository's postgres, ldap and scim targets
 * enforce, a third each: table reads of two columns or whole-table reads and writes (UPDATE and
 * INSERT), and three group memberships per directory or SaaS resource.
 */
function victimDoc(docs: readonly PolicyDoc[], name: string, seed: number): PolicyDoc {
  const resourcesOf = (target: string) =>
    docs.flatMap((d) => {
      const data = d.data as { kind?: string; metadata: { name: string }; spec: Record<string, unknown> };
      if (data.kind !== 'System' || data.spec.target !== target) return [];
      return Object.keys(data.spec.resources as object).map((r) => [data.metadata.name, r] as const);
    });
  const rand = mulberry32(1000 + seed);
  // A different draw per victim, so victims share some resources with each other but not all.
  const pools = [SYNC_TARGETS.postgres, SYNC_TARGETS.ldap, SYNC_TARGETS.scim].map((target) =>
    resourcesOf(target)
      .map((r) => ({ r, key: rand() }))
      .sort((a, b) => a.key - b.key)
      .map(({ r }) => r),
  );
  const grants: unknown[] = [];
  for (let g = 0; g < GRANTS; g++) {
    const pool = pools[g % pools.length]!;
    const table = pool === pools[0];
    const [system, resource] = pool[Math.floor(g / pools.length)]!;
    grants.push({
      system,
      resource,
      ...(table && g % 2 === 0
        ? { actions: ['read'], mode: 'read-only', fields: ['name', 'status'] }
        : { actions: table ? ['read', 'update'] : ['read', 'list', 'update'], mode: 'execute-limited' }),
      reason: 'Needed for the kill benchmark.',
    });
  }
  return {
    path: `agents/${name}.yaml`,
    data: {
      apiVersion: 'leash/v1',
      kind: 'Agent',
      metadata: { name, description: 'An agent the kill benchmark kills.' },
      spec: {
        owner: 'team-0',
        sponsor: 'sponsor0@example.com',
        platform: 'internal',
        environment: 'production',
        tier: 'standard',
        identity: { kind: 'service-account', credentialRef: `vault://kv/agents/${name}` },
        grants,
      },
    },
  };
}

async function startServers() {
  const [pg, ldap, scim] = await Promise.all([
    startPostgres({ database: 'leash_bench' }).then((s) => (stops.push(() => s.stop()), s)),
    startLdap().then((s) => (stops.push(() => s.stop()), s)),
    startScimProcess(),
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

/**
 * The SCIM service provider in a process of its own (this bundle, run with SCIM_SERVER_ROLE),
 * as a SaaS application is: in this process its request handling would be charged to the kill.
 * PostgreSQL and slapd are processes of their own already.
 */
async function startScimProcess(): Promise<{ url: string; token: string }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), SCIM_SERVER_ROLE], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Closing its stdin stops it; so does this process ending, however it ends.
  stops.push(async () => {
    child.stdin.end();
    await exited;
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return JSON.parse(line) as { url: string; token: string };
  }
  throw new Error('the SCIM server process ended before it said where it listens');
}

/** The SCIM server process: starts the server, says where on stdout, stops when stdin closes. */
async function serveScim(): Promise<void> {
  const server = await startScimServer();
  process.stdout.write(`${JSON.stringify({ url: server.url, token: server.token })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void server.stop().finally(() => process.exit(0)));
}

function kill(agent: string, targets: Record<string, TargetSettings>): Promise<KillReceipt[]> {
  return killAgent(agent, targets, { env: ENV, baseDir: repoDir, at: new Date().toISOString() });
}

/** Throws unless every receipt says revoked, read back clean, after removing grants. */
function expectRevoked(agent: string, receipts: readonly KillReceipt[], names: readonly string[]): void {
  const got = receipts.map((r) => r.target).sort();
  if (JSON.stringify(got) !== JSON.stringify([...names].sort())) {
    throw new Error(`${agent}: receipts for ${got.join(', ')}, expected ${names.join(', ')}`);
  }
  for (const r of receipts) {
    if (r.status !== 'revoked' || r.remaining.length > 0 || r.before.grants === 0) {
      throw new Error(
        `${agent} in ${r.target}: ${r.status}, ${r.before.grants} grants before, ${r.remaining.length} left: ${r.message ?? ''}`,
      );
    }
  }
}

/** Connects to a target, reads one agent's objects and closes. */
async function readAgent(prepared: PreparedPolicy, name: string, agent: string): Promise<ManagedObject[]> {
  const settings = prepared.targets[name]!;
  const adapter = await loadAdapter(settings.type);
  const connection = await adapter.connect({ name, settings, env: ENV, baseDir: prepared.dir });
  try {
    if (!connection.readAgent) throw new Error(`${settings.type} has no readAgent`);
    return await connection.readAgent(agent);
  } finally {
    await connection.close();
  }
}

/** Connects to a target, reads everything leash manages there and closes. */
async function readWhole(prepared: PreparedPolicy, name: string): Promise<ManagedObject[]> {
  const settings = prepared.targets[name]!;
  const adapter = await loadAdapter(settings.type);
  const connection = await adapter.connect({ name, settings, env: ENV, baseDir: prepared.dir });
  try {
    return await connection.read();
  } finally {
    await connection.close();
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

if (process.argv[2] === SCIM_SERVER_ROLE) {
  await serveScim();
} else {
  try {
    await main();
  } catch (error) {
    console.error(
      `\nkill benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 2;
  } finally {
    await stopAll();
  }
}
