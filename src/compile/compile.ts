import type { Conditions } from '../model/generated.js';
import type { AgentStatus, Mode, Risk } from '../model/modes.js';
import { rankMode } from '../model/modes.js';
import type { GrantSite, PolicyIndex } from './policy-index.js';
import { isWrite, parseLeashDate } from './policy-index.js';

/** Where a permission came from: the grant, and the template reference it came through. */
export interface PermissionSource {
  file: string;
  pointer: string;
  /** The grant's resource as written: a name, or a glob that matched this resource. */
  resourcePattern: string;
  /** 1-based line of the grant, when positions were resolved (see locateModel). */
  line?: number;
  template?: { name: string; file: string; pointer: string; line?: number };
}

/**
 * One thing an agent may do: an action on a resource of a system, in a mode. Several grants
 * covering the same (system, resource, action) merge into one permission that holds the most
 * any of them allows: the highest mode, every field any of them reaches, no conditions if any
 * of them has none, the latest expiry (none if any never expires). See ADR 0005.
 */
export interface Permission {
  system: string;
  resource: string;
  action: string;
  mode: Mode;
  /** Sorted; absent means every field of the resource. */
  fields?: string[];
  /** Present only when every contributing grant carries conditions; then the first grant's. */
  conditions?: Conditions;
  /** Latest effective expiry among the contributing grants; absent when one never expires. */
  expires?: string;
  risk: Risk;
  effect: 'read' | 'write';
  reversible: boolean;
  external: boolean;
  financial: boolean;
  /** Data classes in reach: the resource's, plus those of the fields granted. Sorted. */
  dataClasses: string[];
  sources: PermissionSource[];
}

export interface EffectiveAgent {
  name: string;
  file: string;
  owner: string;
  sponsor?: string;
  platform: string;
  environment: string;
  production: boolean;
  tier: string;
  status: AgentStatus;
  credentialRef: string;
  templates: string[];
  /** Sorted by system, resource, action. Empty for suspended and revoked agents. */
  permissions: Permission[];
}

/** The effective model: per agent, the flat set of what it may do. Format: schemas/effective-model.schema.json. */
export interface EffectiveModel {
  formatVersion: 1;
  /** The moment expiries were judged against (ISO 8601). */
  asOf: string;
  agents: EffectiveAgent[];
}

export interface CompileOptions {
  now: Date;
  /** Compile only these agents (by name); all when absent. */
  only?: ReadonlySet<string>;
  /**
   * Compile every agent's permissions as if it were active (its status is kept): what a
   * suspended agent would hold again. Sync uses it to keep a suspended agent's identity.
   */
  asIfActive?: boolean;
}

/**
 * Compiles the index into the effective model. Pure and deterministic: the same documents and
 * `now` give the same model, sorted. Grants that have expired as of `now` drop out; suspended
 * and revoked agents hold nothing; grants reaching unknown systems, resources or actions hold
 * nothing either (validate reports them).
 */
export function compileModel(index: PolicyIndex, options: CompileOptions): EffectiveModel {
  const agents = index.agents
    .filter((a) => !options.only || options.only.has(a.name))
    .map((agent) => compileAgent(index, agent, options.now, options.asIfActive === true))
    .sort((a, b) => cmp(a.name, b.name));
  return { formatVersion: 1, asOf: options.now.toISOString(), agents };
}

function compileAgent(
  index: PolicyIndex,
  agent: PolicyIndex['agents'][number],
  now: Date,
  asIfActive: boolean,
): EffectiveAgent {
  const spec = agent.data.spec;
  const status = spec.status ?? 'active';
  const templates = [
    ...new Set((spec.grants ?? []).flatMap((g) => ('template' in g ? [g.template] : []))),
  ].sort();
  const base: EffectiveAgent = {
    name: agent.name,
    file: agent.file,
    owner: spec.owner,
    ...(spec.sponsor ? { sponsor: spec.sponsor } : {}),
    platform: spec.platform,
    environment: spec.environment,
    production: index.isProduction(spec.environment),
    tier: spec.tier,
    status,
    credentialRef: spec.identity.credentialRef,
    templates,
    permissions: [],
  };
  if (status !== 'active' && !asIfActive) return base;
  const nowMs = now.getTime();
  const byKey = new Map<string, Permission>();
  for (const site of index.grantSites(agent)) {
    if (site.expires !== undefined && parseLeashDate(site.expires).getTime() < nowMs) continue;
    for (const covered of index.coveredActions(site.grant)) {
      const key = `${site.grant.system}\0${covered.resourceName}\0${covered.actionName}`;
      const next = toPermission(site, covered);
      const prev = byKey.get(key);
      byKey.set(key, prev ? mergePermissions(prev, next) : next);
    }
  }
  base.permissions = [...byKey.values()].sort(comparePermissions);
  return base;
}

function toPermission(
  site: GrantSite,
  covered: ReturnType<PolicyIndex['coveredActions']>[number],
): Permission {
  const { grant } = site;
  const fields = grant.fields ? [...new Set(grant.fields)].sort() : undefined;
  const classes = new Set(covered.resource.dataClasses ?? []);
  const resourceFields = covered.resource.fields ?? {};
  for (const name of fields ?? Object.keys(resourceFields)) {
    for (const c of resourceFields[name]?.dataClasses ?? []) classes.add(c);
  }
  const source: PermissionSource = {
    file: site.file,
    pointer: site.pointer,
    resourcePattern: grant.resource,
    ...(site.via
      ? { template: { name: site.via.template, file: site.via.file, pointer: site.via.pointer } }
      : {}),
  };
  return {
    system: grant.system,
    resource: covered.resourceName,
    action: covered.actionName,
    mode: grant.mode,
    ...(fields ? { fields } : {}),
    ...(grant.when ? { conditions: grant.when } : {}),
    ...(site.expires ? { expires: site.expires } : {}),
    risk: covered.action.risk,
    effect: isWrite(covered.action) ? 'write' : 'read',
    reversible: covered.action.reversible !== false,
    external: covered.action.external === true,
    financial: covered.action.financial === true,
    dataClasses: [...classes].sort(),
    sources: [source],
  };
}

/** The most two grants of the same action allow together. */
export function mergePermissions(a: Permission, b: Permission): Permission {
  const mode = rankMode(b.mode) > rankMode(a.mode) ? b.mode : a.mode;
  const fields = a.fields && b.fields ? [...new Set([...a.fields, ...b.fields])].sort() : undefined;
  const conditions = a.conditions && b.conditions ? a.conditions : undefined;
  const expires =
    a.expires && b.expires
      ? parseLeashDate(a.expires) >= parseLeashDate(b.expires)
        ? a.expires
        : b.expires
      : undefined;
  const { fields: _f, conditions: _c, expires: _e, ...rest } = a;
  return {
    ...rest,
    mode,
    ...(fields ? { fields } : {}),
    ...(conditions ? { conditions } : {}),
    ...(expires ? { expires } : {}),
    dataClasses: [...new Set([...a.dataClasses, ...b.dataClasses])].sort(),
    sources: [...a.sources, ...b.sources],
  };
}

function comparePermissions(a: Permission, b: Permission): number {
  return cmp(a.system, b.system) || cmp(a.resource, b.resource) || cmp(a.action, b.action);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
