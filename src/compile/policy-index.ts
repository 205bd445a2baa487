import { minimatch } from 'minimatch';
import type { PolicyDocument } from '../model/document.js';
import type {
  AgentDocument,
  ConfigDocument,
  RiskTierDocument,
  SystemDocument,
  TemplateDocument,
} from '../model/document.js';
import type { Grant, System } from '../model/generated.js';
import type { Kind } from '../model/modes.js';
import { toPointer } from '../model/diagnostic.js';

type Resource = System['spec']['resources'][string];
type Action = Resource['actions'][string];

/** Where a grant was written, and for template grants, where the agent included the template. */
export interface GrantSite {
  grant: Grant;
  /** The file and pointer of the grant itself. */
  file: string;
  pointer: string;
  /** Set when the grant reached the agent through a template. */
  via?: { template: string; file: string; pointer: string; expires?: string };
  /** The expiry that applies: the earlier of the grant's and the template reference's. */
  expires?: string;
}

/** One (resource, action) pair a grant covers, with the system's metadata for both. */
export interface CoveredAction {
  resourceName: string;
  resource: Resource;
  actionName: string;
  action: Action;
}

/**
 * The documents of a repository, indexed for lookups. Pure: built from loaded documents, no IO.
 */
export interface PolicyIndex {
  config?: ConfigDocument;
  agents: AgentDocument[];
  templates: Map<string, TemplateDocument>;
  tiers: Map<string, RiskTierDocument>;
  systems: Map<string, SystemDocument>;
  /** Names of documents that exist but failed to load, by kind ('' for files too broken to name). */
  brokenNames: Map<Kind, Set<string>>;
  /** Whether an environment name is a production environment. */
  isProduction(environment: string): boolean;
  /** Whether a name of the kind exists, loaded or broken. */
  exists(kind: Kind, name: string): boolean;
  /** The grants an agent holds as written: inline ones and those of its templates (cached; do not mutate). */
  grantSites(agent: AgentDocument): GrantSite[];
  /** The resources and actions a grant covers in its system; empty when nothing matches. */
  coveredActions(grant: Grant): CoveredAction[];
  /** The resource names of a system that a grant's resource pattern matches. */
  matchResources(system: string, pattern: string): string[];
}

const GLOB = /[*?[\]{}!+@()]/;

/** Whether a resource pattern is a glob rather than a literal resource name. */
export function isGlob(pattern: string): boolean {
  return GLOB.test(pattern);
}

/** Builds the index. Documents must already have passed their schemas. */
export function buildPolicyIndex(
  documents: readonly PolicyDocument[],
  brokenNames = new Map<Kind, Set<string>>(),
): PolicyIndex {
  let config: ConfigDocument | undefined;
  const agents: AgentDocument[] = [];
  const templates = new Map<string, TemplateDocument>();
  const tiers = new Map<string, RiskTierDocument>();
  const systems = new Map<string, SystemDocument>();
  for (const doc of documents) {
    switch (doc.kind) {
      case 'Config':
        config = doc;
        break;
      case 'Agent':
        agents.push(doc);
        break;
      case 'Template':
        templates.set(doc.name, doc);
        break;
      case 'RiskTier':
        tiers.set(doc.name, doc);
        break;
      case 'System':
        systems.set(doc.name, doc);
        break;
    }
  }
  const environments = config?.data.spec.environments;
  const isProduction = (env: string): boolean =>
    environments?.[env]?.production ?? (environments ? false : env === 'production' || env === 'prod');

  const resourceCache = new Map<string, string[]>();
  const matchResources = (systemName: string, pattern: string): string[] => {
    const key = `${systemName}\0${pattern}`;
    let hit = resourceCache.get(key);
    if (hit) return hit;
    const resources = systems.get(systemName)?.data.spec.resources ?? {};
    const names = Object.keys(resources);
    if (!isGlob(pattern)) hit = Object.hasOwn(resources, pattern) ? [pattern] : [];
    else {
      const mm = new minimatch.Minimatch(pattern, { nonegate: true, nocomment: true, dot: true });
      hit = names.filter((n) => mm.match(n));
    }
    resourceCache.set(key, hit);
    return hit;
  };

  // Two levels: by grant object (cheapest, rules ask for the same grant many times), then by
  // content, since 80,000 grants in a large repository share a few thousand shapes.
  const coveredByGrant = new WeakMap<Grant, CoveredAction[]>();
  const coveredCache = new Map<string, CoveredAction[]>();
  const coveredActions = (grant: Grant): CoveredAction[] => {
    const direct = coveredByGrant.get(grant);
    if (direct) return direct;
    const key = `${grant.system}\0${grant.resource}\0${grant.actions.join('\0')}`;
    let hit = coveredCache.get(key);
    if (hit) {
      coveredByGrant.set(grant, hit);
      return hit;
    }
    hit = [];
    const resources = systems.get(grant.system)?.data.spec.resources ?? {};
    for (const resourceName of matchResources(grant.system, grant.resource)) {
      const resource = resources[resourceName]!;
      const all = grant.actions.includes('*');
      for (const actionName of all ? Object.keys(resource.actions) : grant.actions) {
        if (!Object.hasOwn(resource.actions, actionName)) continue;
        hit.push({ resourceName, resource, actionName, action: resource.actions[actionName]! });
      }
    }
    coveredCache.set(key, hit);
    coveredByGrant.set(grant, hit);
    return hit;
  };

  const sitesByAgent = new WeakMap<AgentDocument, GrantSite[]>();
  const grantSites = (agent: AgentDocument): GrantSite[] => {
    const cached = sitesByAgent.get(agent);
    if (cached) return cached;
    const out: GrantSite[] = [];
    (agent.data.spec.grants ?? []).forEach((entry, i) => {
      const pointer = toPointer('spec', 'grants', i);
      if ('template' in entry) {
        const template = templates.get(entry.template);
        if (!template) return;
        template.data.spec.grants.forEach((grant, j) => {
          const expires = earliest(grant.expires, entry.expires);
          out.push({
            grant,
            file: template.file,
            pointer: toPointer('spec', 'grants', j),
            via: {
              template: entry.template,
              file: agent.file,
              pointer,
              ...(entry.expires ? { expires: entry.expires } : {}),
            },
            ...(expires ? { expires } : {}),
          });
        });
      } else {
        out.push({
          grant: entry,
          file: agent.file,
          pointer,
          ...(entry.expires ? { expires: entry.expires } : {}),
        });
      }
    });
    sitesByAgent.set(agent, out);
    return out;
  };

  return {
    ...(config ? { config } : {}),
    agents,
    templates,
    tiers,
    systems,
    brokenNames,
    isProduction,
    exists: (kind, name) => {
      const loaded =
        kind === 'Template'
          ? templates.has(name)
          : kind === 'RiskTier'
            ? tiers.has(name)
            : kind === 'System'
              ? systems.has(name)
              : kind === 'Agent'
                ? agents.some((a) => a.name === name)
                : config !== undefined;
      return loaded || (brokenNames.get(kind)?.has(name) ?? false);
    },
    grantSites,
    coveredActions,
    matchResources,
  };
}

/** Parses a leash date: a bare date means the end of that day in UTC. */
export function parseLeashDate(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
}

const DURATION = /^([1-9][0-9]{0,4})([hdw])$/;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Parses a leash duration (90d, 12w, 24h) to milliseconds; undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const m = DURATION.exec(value);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** The earlier of two optional dates, as written. */
export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return parseLeashDate(a).getTime() <= parseLeashDate(b).getTime() ? a : b;
}

/** Whether an action changes state (effect: write, the default). */
export function isWrite(action: Action): boolean {
  return action.effect !== 'read';
}
