/**
 * The sync benchmark's policy repository: 1,000 agents with about 10 grants each over systems
 * enforced by four targets (local, postgres, ldap, scim), and a leash.yaml naming the servers
 * the benchmark started. Deterministic for a seed. Separate from bench/generate.mjs, whose
 * 10,000-agent repository the other figures depend on.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { mulberry32 } from './generate.mjs';

/** Connection settings of the servers, as leash.yaml spells them (secrets are env names). */
export interface SyncRepoServers {
  postgres: { host: string; port: number; database: string; user: string; passwordEnv: string };
  ldap: { url: string; bindDn: string; passwordEnv: string; agentsDn: string; groupsDn: string };
  scim: { url: string; tokenEnv: string };
}

export interface SyncRepoOptions {
  agents?: number;
  seed?: number;
  servers: SyncRepoServers;
}

/** The target names in leash.yaml. */
export const SYNC_TARGETS = { local: 'local', postgres: 'warehouse', ldap: 'directory', scim: 'helpdesk' };

/** A postgres table per resource: `public.bench_<system>_<resource>`, with these columns. */
export const POSTGRES_COLUMNS = ['id', 'name', 'status', 'notes', 'owner_name', 'amount'];

const POSTGRES_SYSTEMS = ['sales-db', 'ops-db'];
const DIRECTORY_SYSTEMS = ['intranet', 'wiki', 'build'];
const SAAS_SYSTEMS = ['helpdesk', 'chat', 'billing-portal'];
// 40 tables; 360 groups in each of ldap and scim (3 systems × 40 resources × 3 entitlements).
const TABLES_PER_SYSTEM = 20;
const RESOURCES_PER_SYSTEM = 40;
const FIELDS = ['name', 'status', 'notes', 'owner', 'amount'];
// Per agent: 4 grants on postgres systems, 3 on directory systems, 3 on SaaS systems.
const GRANTS_PER_AGENT: [string[], number][] = [
  [POSTGRES_SYSTEMS, 4],
  [DIRECTORY_SYSTEMS, 3],
  [SAAS_SYSTEMS, 3],
];

export interface PolicyDoc {
  path: string;
  data: unknown;
}

/** The tables the postgres systems map onto (they must exist before the first sync). */
export function postgresTables(): string[] {
  const out: string[] = [];
  for (const system of POSTGRES_SYSTEMS) {
    for (let r = 0; r < TABLES_PER_SYSTEM; r++) out.push(tableOf(system, r));
  }
  return out;
}

function tableOf(system: string, r: number): string {
  return `public.bench_${system.replace(/-/g, '_')}_r${String(r).padStart(2, '0')}`;
}

/**
 * Returns the repository's documents. Directory and SaaS entitlements are
 * `<system>.<resource>.<action>` (the default) for reads and `<system>.<resource>.editors` for
 * writes: 360 groups per target, so each holds a dozen or so agents (the test SCIM server's
 * PATCH costs grow with a group's members).
 */
export function generateSyncRepo(options: SyncRepoOptions): PolicyDoc[] {
  const agents = options.agents ?? 1000;
  const rand = mulberry32(options.seed ?? 7);
  const pick = (n: number) => Math.floor(rand() * n);
  const { servers } = options;
  const docs: PolicyDoc[] = [];
  docs.push({
    path: 'leash.yaml',
    data: {
      apiVersion: 'leash/v1',
      kind: 'Config',
      metadata: { name: 'sync-bench', description: 'The sync benchmark: four targets on loopback.' },
      spec: {
        environments: { production: { production: true } },
        targets: {
          [SYNC_TARGETS.local]: { type: 'local', path: '.leash/state' },
          [SYNC_TARGETS.postgres]: { type: 'postgres', ...servers.postgres },
          [SYNC_TARGETS.ldap]: { type: 'ldap', ...servers.ldap },
          [SYNC_TARGETS.scim]: { type: 'scim', ...servers.scim },
        },
        // The first sync fills empty targets.
        guardrails: { maxRemovalPercent: 20, allowEmptyTarget: true },
      },
    },
  });
  docs.push({
    path: 'tiers/standard.yaml',
    data: {
      apiVersion: 'leash/v1',
      kind: 'RiskTier',
      metadata: { name: 'standard' },
      spec: { description: 'Routine agents.', maxMode: 'execute-limited', maxRisk: 'high' },
    },
  });
  const fields = Object.fromEntries(FIELDS.map((f) => [f, {}]));
  for (const system of POSTGRES_SYSTEMS) {
    const resources: Record<string, unknown> = {};
    for (let r = 0; r < TABLES_PER_SYSTEM; r++) {
      resources[`r${r}`] = {
        fields,
        enforce: { object: tableOf(system, r), columns: { owner: 'owner_name' } },
        actions: {
          read: { risk: 'low', effect: 'read' }, // SELECT by default
          create: { risk: 'low' }, // INSERT by default
          update: { risk: 'medium', enforce: { permissions: ['UPDATE', 'INSERT'] } },
        },
      };
    }
    docs.push(systemDoc(system, SYNC_TARGETS.postgres, resources));
  }
  for (const [systems, target] of [
    [DIRECTORY_SYSTEMS, SYNC_TARGETS.ldap],
    [SAAS_SYSTEMS, SYNC_TARGETS.scim],
  ] as const) {
    for (const system of systems) {
      const resources: Record<string, unknown> = {};
      for (let r = 0; r < RESOURCES_PER_SYSTEM; r++) {
        resources[`r${r}`] = {
          actions: {
            read: { risk: 'low', effect: 'read' },
            list: { risk: 'low', effect: 'read' },
            update: { risk: 'medium', enforce: { permissions: [`${system}.r${r}.editors`] } },
          },
        };
      }
      docs.push(systemDoc(system, target, resources));
    }
  }
  for (let a = 0; a < agents; a++) {
    const name = `agent-${String(a).padStart(4, '0')}`;
    const grants: unknown[] = [];
    for (const [systems, count] of GRANTS_PER_AGENT) {
      const taken = new Set<string>();
      while (taken.size < count) {
        const system = systems[pick(systems.length)]!;
        const columns = systems === POSTGRES_SYSTEMS;
        const resource = `r${pick(columns ? TABLES_PER_SYSTEM : RESOURCES_PER_SYSTEM)}`;
        const key = `${system}/${resource}`;
        if (taken.has(key)) continue;
        taken.add(key);
        grants.push(grantOf(system, resource, columns, rand()));
      }
    }
    docs.push({
      path: `agents/${name}.yaml`,
      data: {
        apiVersion: 'leash/v1',
        kind: 'Agent',
        metadata: { name, description: `Synthetic agent ${a} of the sync benchmark.` },
        spec: {
          owner: `team-${a % 20}`,
          sponsor: `sponsor${a % 50}@example.com`,
          platform: 'internal',
          environment: 'production',
          tier: 'standard',
          // One agent in fifty is suspended: an identity that holds nothing.
          ...(a % 50 === 49 ? { status: 'suspended' } : {}),
          identity: { kind: 'service-account', credentialRef: `vault://kv/agents/${name}` },
          grants,
        },
      },
    });
  }
  return docs;
}

function systemDoc(name: string, target: string, resources: Record<string, unknown>): PolicyDoc {
  return {
    path: `systems/${name}.yaml`,
    data: {
      apiVersion: 'leash/v1',
      kind: 'System',
      metadata: { name },
      spec: { owner: 'platform', target, resources },
    },
  };
}

/**
 * A grant of one resource: reads in read-only mode, or a write the agent performs
 * (execute-limited) or drafts for a human (draft-only, which only the local target enforces).
 */
function grantOf(system: string, resource: string, columns: boolean, roll: number): unknown {
  const reason = 'Needed for the synthetic sync benchmark.';
  if (roll < 0.5) {
    return {
      system,
      resource,
      actions: columns ? ['read'] : roll < 0.25 ? ['read'] : ['read', 'list'],
      mode: 'read-only',
      ...(columns && roll < 0.25 ? { fields: ['name', 'status'] } : {}),
      reason,
    };
  }
  const write = columns ? (roll < 0.7 ? 'create' : 'update') : 'update';
  return {
    system,
    resource,
    actions: ['read', write],
    mode: roll < 0.85 ? 'execute-limited' : 'draft-only',
    ...(columns && roll < 0.6 ? { fields: ['status', 'notes', 'owner'] } : {}),
    reason,
  };
}

/** Writes the documents as YAML into `dir`, replacing what was there. */
export function writeSyncRepo(docs: readonly PolicyDoc[], dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const { path, data } of docs) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, YAML.stringify(data, { lineWidth: 0 }));
  }
}
