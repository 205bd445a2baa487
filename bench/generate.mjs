// Generates the synthetic benchmark repository: 10,000 agents with 8 grants each over 20
// systems, 200 templates, 3 tiers and a leash.yaml, as YAML, plus the same data as JSON for the
// JSON.parse floor. Deterministic: the same seed gives the same files.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYSTEMS = 20;
const RESOURCES = 10;
const ACTIONS = ['read', 'list', 'update', 'comment', 'close'];
const RISK = { read: 'low', list: 'low', update: 'medium', comment: 'low', close: 'medium' };
const FIELDS = ['name', 'status', 'notes', 'owner', 'priority'];

/** Returns [{ path, data }] for a repository of the given size. */
export function generateRepo({ agents = 10_000, templates = 200, seed = 42 } = {}) {
  const rand = mulberry32(seed);
  const pick = (n) => Math.floor(rand() * n);
  const docs = [];
  docs.push({
    path: 'leash.yaml',
    data: {
      apiVersion: 'leash/v1',
      kind: 'Config',
      metadata: { name: 'bench' },
      spec: {
        environments: { production: { production: true }, staging: { production: false } },
        targets: { local: { type: 'local', path: '.leash/state' } },
      },
    },
  });
  for (const [name, maxMode] of [
    ['low', 'draft-only'],
    ['standard', 'execute-limited'],
    ['high', 'execute-limited'],
  ]) {
    docs.push({
      path: `tiers/${name}.yaml`,
      data: {
        apiVersion: 'leash/v1',
        kind: 'RiskTier',
        metadata: { name },
        spec: {
          description: `The ${name} tier.`,
          maxMode,
          maxRisk: 'high',
          expiry: { requiredFor: ['high', 'critical'], maxDays: 365 },
        },
      },
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    const resources = {};
    for (let r = 0; r < RESOURCES; r++) {
      resources[`resource-${r}`] = {
        description: `Resource ${r} of system ${s}.`,
        dataClasses: r % 3 === 0 ? ['pii'] : ['internal'],
        fields: Object.fromEntries(FIELDS.map((f) => [f, f === 'name' ? { dataClasses: ['pii'] } : {}])),
        actions: Object.fromEntries(
          ACTIONS.map((a) => [
            a,
            { risk: RISK[a], ...(a === 'read' || a === 'list' ? { effect: 'read' } : {}) },
          ]),
        ),
      };
    }
    docs.push({
      path: `systems/system-${s}.yaml`,
      data: {
        apiVersion: 'leash/v1',
        kind: 'System',
        metadata: { name: `system-${s}` },
        spec: { target: 'local', resources },
      },
    });
  }
  // Templates reach systems 0-9 (template t only system t % 10), inline grants systems 10-19,
  // each (system, resource) at most once per agent: a clean repository apart from the mistakes
  // injected below.
  const grant = (system, resource) => {
    const write = rand() < 0.4;
    return {
      system: `system-${system}`,
      resource: `resource-${resource}`,
      actions: write ? ['read', 'update'] : ['read', 'list'],
      mode: write ? 'draft-only' : 'read-only',
      ...(write ? { fields: ['status', 'notes'] } : {}),
      reason: 'Needed to resolve customer cases in the synthetic benchmark.',
    };
  };
  for (let t = 0; t < templates; t++) {
    docs.push({
      path: `templates/template-${t}.yaml`,
      data: {
        apiVersion: 'leash/v1',
        kind: 'Template',
        metadata: { name: `template-${t}` },
        spec: {
          description: `Template ${t}.`,
          grants: [0, 1, 2].map((k) => grant(t % 10, (t * 3 + k) % RESOURCES)),
        },
      },
    });
  }
  for (let a = 0; a < agents; a++) {
    const name = `agent-${String(a).padStart(5, '0')}`;
    const grants = [
      { template: `template-${a % templates}` },
      { template: `template-${(a * 7 + 3) % templates}` },
    ];
    const systems = new Set();
    while (systems.size < 6) systems.add(10 + pick(10));
    for (const sys of systems) grants.push(grant(sys, pick(RESOURCES)));
    // One agent in a hundred has a mistake, so the run reports (and locates) diagnostics.
    if (a % 100 === 99) grants[7] = { ...grants[7], system: 'system-99' };
    docs.push({
      path: `agents/${name}.yaml`,
      data: {
        apiVersion: 'leash/v1',
        kind: 'Agent',
        metadata: { name, description: `Synthetic agent ${a}.` },
        spec: {
          owner: `team-${a % 50}`,
          sponsor: `sponsor${a % 300}@example.com`,
          platform: ['salesforce-agentforce', 'dynamics365', 'sap', 'internal'][a % 4],
          environment: a % 5 === 0 ? 'staging' : 'production',
          tier: ['low', 'standard', 'high'][a % 3],
          identity: { kind: 'service-account', credentialRef: `vault://kv/agents/${name}` },
          grants,
        },
      },
    });
  }
  return docs;
}

/** Writes the repository as YAML (block style, as people write it) and as JSON. */
export function writeRepo(docs, yamlDir, jsonDir, toYaml) {
  for (const dir of [yamlDir, jsonDir]) rmSync(dir, { recursive: true, force: true });
  const made = new Set();
  for (const { path, data } of docs) {
    for (const [dir, text, ext] of [
      [yamlDir, toYaml(data), ''],
      [jsonDir, JSON.stringify(data), '.json'],
    ]) {
      const file = join(dir, path.replace(/\.yaml$/, ext ? ext : '.yaml'));
      const parent = file.slice(0, file.lastIndexOf('/'));
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      writeFileSync(file, text);
    }
  }
}
