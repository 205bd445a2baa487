// Builders for blast radii and configs: the approvals tests state only what matters to them.
import type { Permission } from '../../src/compile/compile.js';
import type { AgentDelta, BlastRadius, PermissionChange } from '../../src/diff/types.js';
import type { Config } from '../../src/model/generated.js';
import type { Review, ReviewState } from '../../src/approvals/types.js';

export const HEAD = 'a'.repeat(40);
export const OLD = 'b'.repeat(40);

/** A permission for 'system/resource.action'. */
export function perm(key: string, over: Partial<Permission> = {}): Permission {
  const m = /^([^/]+)\/([^.]+)\.(.+)$/.exec(key);
  if (!m) throw new Error(`bad key ${key}`);
  return {
    system: m[1]!,
    resource: m[2]!,
    action: m[3]!,
    mode: 'execute-limited',
    risk: 'low',
    effect: 'write',
    reversible: true,
    external: false,
    financial: false,
    dataClasses: [],
    sources: [],
    ...over,
  };
}

export function gained(key: string, over: Partial<Permission> = {}): PermissionChange {
  const after = perm(key, over);
  return {
    change: 'gained',
    system: after.system,
    resource: after.resource,
    action: after.action,
    after,
    details: [],
    facts: {},
  };
}

export function lost(key: string, over: Partial<Permission> = {}): PermissionChange {
  const before = perm(key, over);
  return {
    change: 'lost',
    system: before.system,
    resource: before.resource,
    action: before.action,
    before,
    details: [],
    facts: {},
  };
}

export function widened(
  key: string,
  before: Partial<Permission>,
  after: Partial<Permission>,
  facts: PermissionChange['facts'] = {},
): PermissionChange {
  const b = perm(key, before);
  const a = perm(key, after);
  return {
    change: 'widened',
    system: a.system,
    resource: a.resource,
    action: a.action,
    before: b,
    after: a,
    details: [],
    facts,
  };
}

export function narrowed(
  key: string,
  before: Partial<Permission>,
  after: Partial<Permission>,
): PermissionChange {
  const b = perm(key, before);
  const a = perm(key, after);
  return {
    change: 'narrowed',
    system: a.system,
    resource: a.resource,
    action: a.action,
    before: b,
    after: a,
    details: [],
    facts: {},
  };
}

/** A changed production agent owned by cx-automation in tier standard, with nothing changed yet. */
export function delta(name: string, over: Partial<AgentDelta> = {}): AgentDelta {
  return {
    name,
    change: 'changed',
    file: `agents/${name}.yaml`,
    owner: 'cx-automation',
    environment: 'production',
    production: true,
    tier: { before: 'standard', after: 'standard' },
    status: { before: 'active', after: 'active' },
    gained: [],
    lost: [],
    widened: [],
    narrowed: [],
    newSystems: [],
    newDataClasses: [],
    newIrreversible: [],
    newExternal: [],
    newFinancial: [],
    newCritical: [],
    causes: [`agents/${name}.yaml`],
    risk: { score: 0, level: 'none', reasons: [] },
    ...over,
  };
}

export const NO_GOVERNANCE: BlastRadius['governance'] = {
  configChanged: false,
  approvalRulesChanged: false,
  approverGroupsChanged: false,
  tiersChanged: [],
};

/** A blast radius of these agent deltas; each agent's own file counts as a changed document. */
export function radius(agents: AgentDelta[], over: Partial<BlastRadius> = {}): BlastRadius {
  return {
    formatVersion: 1,
    base: { revision: 'main', commit: OLD },
    head: { revision: 'HEAD', commit: HEAD },
    asOf: '2027-01-01T00:00:00.000Z',
    documents: agents.map((a) => ({
      kind: 'Agent' as const,
      name: a.name,
      change:
        a.change === 'added'
          ? ('added' as const)
          : a.change === 'removed'
            ? ('removed' as const)
            : ('modified' as const),
      file: a.file,
      agents: [a.name],
    })),
    agents,
    unchangedAgents: 0,
    governance: NO_GOVERNANCE,
    removalOnly: false,
    risk: { score: 0, level: 'none', reasons: [] },
    headline: '',
    diagnostics: [],
    ...over,
  };
}

export function config(spec: Config['spec']): Config {
  return { apiVersion: 'leash/v1', kind: 'Config', metadata: { name: 'test' }, spec };
}

/** Approver groups most tests use. */
export const GROUPS: NonNullable<Config['spec']['approverGroups']> = {
  security: { users: ['amara', 'lukas'], teams: ['northwind/security'] },
  'cx-leads': { users: ['sofia'] },
  platform: { teams: ['northwind/agent-platform'] },
};

let nextReviewId = 1000;

/** A review as GitHub's REST API returns it (a person's, on the head commit, unless told otherwise). */
export function review(
  user: { id: number; login: string; type?: string } | null,
  state: ReviewState,
  over: Partial<Review> & { at?: string } = {},
): Review {
  const { at, ...rest } = over;
  nextReviewId += 1;
  return {
    id: nextReviewId,
    user: user ? { type: 'User', ...user } : null,
    state,
    commit_id: HEAD,
    ...(state === 'PENDING'
      ? {}
      : { submitted_at: at ?? new Date(Date.UTC(2027, 0, 2, 10) + nextReviewId * 1000).toISOString() }),
    ...rest,
  };
}
