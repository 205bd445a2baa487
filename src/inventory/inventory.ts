import type { EffectiveAgent, EffectiveModel, Permission } from '../compile/compile.js';
import type { GrantSite, PolicyIndex } from '../compile/policy-index.js';
import { parseDuration, parseLeashDate } from '../compile/policy-index.js';
import type { AgentDocument } from '../model/document.js';
import type { AgentStatus, Mode } from '../model/modes.js';
import { AGENT_STATUSES, isExecutingMode, rankMode } from '../model/modes.js';

/**
 * The agent inventory: which agents exist, what each can reach, who is accountable, and the
 * governance figures a security or CX lead tracks. Built by {@link buildInventory}; serialised
 * as is by the JSON formatter (schemas/inventory.schema.json). docs/inventory.md defines every
 * figure.
 */
export interface Inventory {
  formatVersion: 1;
  /** The moment expiries and reviews were judged against (ISO 8601). */
  asOf: string;
  /** Grants expiring within this many days of `asOf` count as soon expiring. */
  soonDays: number;
  /** Every agent of the model, whatever its status, sorted by name. */
  agents: InventoryAgent[];
  figures: InventoryFigures;
}

/** One agent: identity, accountability and reach. */
export interface InventoryAgent {
  name: string;
  /** Repository-relative path of the agent's file. */
  file: string;
  /** The accountable team. */
  owner: string;
  /** The accountable human; null when the agent names none. */
  sponsor: string | null;
  platform: string;
  environment: string;
  /** Whether the environment is a production one (leash.yaml spec.environments). */
  production: boolean;
  tier: string;
  status: AgentStatus;
  /** Systems the agent holds at least one permission in, sorted. Empty unless active. */
  systems: string[];
  /** Union of the data classes of every permission held, sorted. */
  dataClasses: string[];
  /** The highest mode held, by authority (MODES_BY_AUTHORITY); null when it holds nothing. */
  highestMode: Mode | null;
  /** How many (system, resource, action) permissions the agent holds. */
  permissionCount: number;
  /** Actions held in execute-gated mode, as `system/resource.action`, in permission order. */
  gatedActions: string[];
  /** Actions of critical risk held in any mode, with the mode they are held in. */
  criticalActions: HeldAction[];
  /** The earliest date on which one of its permissions lapses, as written; null when none expires. */
  soonestExpiry: string | null;
  /** Templates the agent references, sorted. */
  templates: string[];
  /** Where the agent's credential is kept: the reference only, never a secret. */
  credentialRef: string;
  /** When the sponsor last reviewed the agent's access, as written; null when never. */
  lastReviewed: string | null;
  review: ReviewState;
}

/** An action an agent holds, and the mode it holds it in. */
export interface HeldAction {
  /** `system/resource.action`. */
  action: string;
  mode: Mode;
}

/** Where an agent stands against its tier's review cadence. */
export interface ReviewState {
  /** The tier's reviewEvery (e.g. 90d); null when the tier sets none or is unknown. */
  every: string | null;
  /** The UTC date (YYYY-MM-DD) by which the next review is due; null without a cadence or a last review. */
  dueBy: string | null;
  /**
   * True when the agent is active, its tier sets a cadence, and it was never reviewed or its
   * last review is older than the cadence as of `asOf`.
   */
  overdue: boolean;
}

/** A share: `count` of `total`, and the percentage, or null when `total` is 0. */
export interface Ratio {
  count: number;
  total: number;
  /** 100 × count / total, rounded to one decimal but never to 0 or 100 unless exact; null (not NaN) when total is 0. */
  percent: number | null;
}

/** How many agents share a value (an environment, a platform). */
export interface NamedCount {
  name: string;
  count: number;
}

/** A credentialRef used by more than one agent. */
export interface SharedCredential {
  credentialRef: string;
  /** The agents using it, sorted by name. */
  agents: string[];
  /** Their environments, sorted; more than one means a credential crosses environments. */
  environments: string[];
}

/** A grant an agent holds as written, with the expiry that applies to it. */
export interface ExpiringGrant {
  agent: string;
  system: string;
  resource: string;
  actions: string[];
  mode: Mode;
  /** The template the grant came through; null for the agent's own grant. */
  template: string | null;
  /** The effective expiry: the earlier of the grant's and the template reference's, as written. */
  expires: string;
  /** File and JSON pointer of the `expires` that applies (the grant's, or the template reference's). */
  file: string;
  pointer: string;
}

/** An active agent overdue for its access review. */
export interface OverdueReview {
  agent: string;
  tier: string;
  every: string;
  lastReviewed: string | null;
  dueBy: string | null;
}

/** Governance figures over the inventoried agents; docs/inventory.md gives each formula. */
export interface InventoryFigures {
  agents: {
    total: number;
    /** Every status, zeros included. */
    byStatus: Record<AgentStatus, number>;
    /** Sorted by name. */
    byEnvironment: NamedCount[];
    /** Sorted by name. */
    byPlatform: NamedCount[];
  };
  /** The KPI "shared credential count" is `sharedCredentials.length`. */
  sharedCredentials: SharedCredential[];
  leastPrivilege: {
    /** Write permissions in draft-only mode or above that carry a field list. */
    writeGrantsWithFields: Ratio;
    /** High and critical permissions held in execute-gated mode or below (not execute-limited). */
    highRiskGated: Ratio;
  };
  /** High and critical permissions the agent can carry out itself that wait for a human: execute-gated of executing. */
  highRiskApproval: Ratio;
  expiry: {
    /** Grants of active agents, as written, that carry an expiry. */
    grantsWithExpiry: Ratio;
    /** Grants of active agents whose expiry passed before `asOf`, oldest first. */
    expired: ExpiringGrant[];
    /** Grants of active agents expiring within `soonDays` of `asOf`, soonest first. */
    soonExpiring: ExpiringGrant[];
  };
  /** Permissions held by agents overdue for review, of every permission held. */
  stalePermissions: Ratio;
  accountability: {
    /** Agents, whatever their status, that name no sponsor. Sorted. */
    withoutSponsor: string[];
    /** Active agents overdue for review, sorted by agent. */
    reviewOverdue: OverdueReview[];
  };
}

export interface InventoryOptions {
  /** The moment to judge expiries and reviews against. */
  now: Date;
  /** The soon-expiring window in days; leash.yaml spec.lint.soonExpiringDays, else 14. */
  soonDays?: number;
}

/** The soon-expiring window when neither the caller nor leash.yaml sets one. */
export const DEFAULT_SOON_DAYS = 14;

const DAY_MS = 86_400_000;
const LEAST_WRITING_MODE = rankMode('draft-only');
const HIGH_RISKS: ReadonlySet<string> = new Set(['high', 'critical']);

/**
 * Builds the inventory of every agent in `model`, with the governance figures. Pure: the same
 * index, model and options give the same inventory, sorted.
 *
 * Formulas (permissions are the model's effective permissions; only active agents hold any):
 * - writeGrantsWithFields = |write permissions in draft-only or above with `fields`| / |write
 *   permissions in draft-only or above|; "above" is by authority, so draft-only, execute-gated
 *   and execute-limited.
 * - highRiskGated = |high/critical permissions not in execute-limited| / |high/critical permissions|.
 * - highRiskApproval = |high/critical permissions in execute-gated| / |high/critical permissions in
 *   execute-gated or execute-limited|.
 * - grantsWithExpiry = |grant sites with an effective expiry| / |grant sites|, over the grant sites
 *   (inline grants, and each grant of each template an agent includes) of active agents.
 * - expired: grant sites of active agents with expiry < now (what compileModel drops);
 *   soonExpiring: now ≤ expiry ≤ now + soonDays days. Bare dates are the end of that day in UTC.
 * - stalePermissions = |permissions of agents overdue for review| / |permissions|.
 * Every percent is null when its total is 0.
 *
 * `model` should be compiled from `index` with the same `now`; agents are matched by file.
 */
export function buildInventory(
  index: PolicyIndex,
  model: EffectiveModel,
  options: InventoryOptions,
): Inventory {
  const now = options.now;
  const soonDays = options.soonDays ?? index.config?.data.spec.lint?.soonExpiringDays ?? DEFAULT_SOON_DAYS;
  const docs = new Map(index.agents.map((a) => [a.file, a]));
  const agents = model.agents.map((agent) => inventoryAgent(index, agent, docs.get(agent.file), now));

  const permissions = model.agents.flatMap((agent) => agent.permissions);
  const writes = permissions.filter((p) => p.effect === 'write' && rankMode(p.mode) >= LEAST_WRITING_MODE);
  const highRisk = permissions.filter((p) => HIGH_RISKS.has(p.risk));
  const executing = highRisk.filter((p) => isExecutingMode(p.mode));
  const stale = agents.filter((a) => a.review.overdue).reduce((n, a) => n + a.permissionCount, 0);

  const sites = model.agents
    .filter((agent) => agent.status === 'active')
    .flatMap((agent) => {
      const doc = docs.get(agent.file);
      return doc ? index.grantSites(doc).map((site, order) => ({ agent: agent.name, order, site })) : [];
    });
  const dated = sites
    .filter((s) => s.site.expires !== undefined)
    .map((s) => ({ ...s, at: parseLeashDate(s.site.expires!).getTime() }));
  const nowMs = now.getTime();
  const soonMs = nowMs + soonDays * DAY_MS;
  // By date, then agent, then the order the agent holds its grants in.
  const listed = (keep: (at: number) => boolean): ExpiringGrant[] =>
    dated
      .filter((s) => keep(s.at))
      .sort((a, b) => a.at - b.at || cmp(a.agent, b.agent) || a.order - b.order)
      .map((s) => expiringGrant(s.agent, s.site));

  return {
    formatVersion: 1,
    asOf: now.toISOString(),
    soonDays,
    agents,
    figures: {
      agents: {
        total: agents.length,
        byStatus: Object.fromEntries(
          AGENT_STATUSES.map((s) => [s, agents.filter((a) => a.status === s).length]),
        ) as Record<AgentStatus, number>,
        byEnvironment: countBy(agents.map((a) => a.environment)),
        byPlatform: countBy(agents.map((a) => a.platform)),
      },
      sharedCredentials: findSharedCredentials(agents),
      leastPrivilege: {
        writeGrantsWithFields: ratio(writes.filter((p) => p.fields !== undefined).length, writes.length),
        highRiskGated: ratio(highRisk.filter((p) => p.mode !== 'execute-limited').length, highRisk.length),
      },
      highRiskApproval: ratio(executing.filter((p) => p.mode === 'execute-gated').length, executing.length),
      expiry: {
        grantsWithExpiry: ratio(dated.length, sites.length),
        expired: listed((at) => at < nowMs),
        soonExpiring: listed((at) => at >= nowMs && at <= soonMs),
      },
      stalePermissions: ratio(stale, permissions.length),
      accountability: {
        withoutSponsor: agents.filter((a) => a.sponsor === null).map((a) => a.name),
        reviewOverdue: agents
          .filter((a) => a.review.overdue)
          .map((a) => ({
            agent: a.name,
            tier: a.tier,
            every: a.review.every!,
            lastReviewed: a.lastReviewed,
            dueBy: a.review.dueBy,
          })),
      },
    },
  };
}

/**
 * A share with its percentage, rounded to one decimal; null rather than NaN when there is nothing
 * to share. Rounding never reaches 100 or 0 unless the share is exact: 1,999 of 2,000 gated is
 * 99.9%, not a reassuring 100%.
 */
export function ratio(count: number, total: number): Ratio {
  if (total === 0) return { count, total, percent: null };
  const percent = Math.round((count / total) * 1000) / 10;
  const clamped = count < total && percent === 100 ? 99.9 : count > 0 && percent === 0 ? 0.1 : percent;
  return { count, total, percent: clamped };
}

/** `system/resource.action`, the way the inventory names an action. */
export function actionId(p: Pick<Permission, 'system' | 'resource' | 'action'>): string {
  return `${p.system}/${p.resource}.${p.action}`;
}

function inventoryAgent(
  index: PolicyIndex,
  agent: EffectiveAgent,
  doc: AgentDocument | undefined,
  now: Date,
): InventoryAgent {
  const held = agent.permissions;
  let highestMode: Mode | null = null;
  let soonestExpiry: string | null = null;
  for (const p of held) {
    if (highestMode === null || rankMode(p.mode) > rankMode(highestMode)) highestMode = p.mode;
    if (
      p.expires !== undefined &&
      (soonestExpiry === null || parseLeashDate(p.expires) < parseLeashDate(soonestExpiry))
    ) {
      soonestExpiry = p.expires;
    }
  }
  const lastReviewed = doc?.data.spec.lastReviewed ?? null;
  return {
    name: agent.name,
    file: agent.file,
    owner: agent.owner,
    sponsor: agent.sponsor ?? null,
    platform: agent.platform,
    environment: agent.environment,
    production: agent.production,
    tier: agent.tier,
    status: agent.status,
    systems: [...new Set(held.map((p) => p.system))].sort(),
    dataClasses: [...new Set(held.flatMap((p) => p.dataClasses))].sort(),
    highestMode,
    permissionCount: held.length,
    gatedActions: held.filter((p) => p.mode === 'execute-gated').map(actionId),
    criticalActions: held
      .filter((p) => p.risk === 'critical')
      .map((p) => ({ action: actionId(p), mode: p.mode })),
    soonestExpiry,
    templates: agent.templates,
    credentialRef: agent.credentialRef,
    lastReviewed,
    review: reviewState(index, agent, lastReviewed, now),
  };
}

function reviewState(
  index: PolicyIndex,
  agent: EffectiveAgent,
  lastReviewed: string | null,
  now: Date,
): ReviewState {
  const every = index.tiers.get(agent.tier)?.data.spec.reviewEvery ?? null;
  const period = every === null ? undefined : parseDuration(every);
  if (every === null || period === undefined) return { every: null, dueBy: null, overdue: false };
  const reviewed = lastReviewed === null ? Number.NaN : parseLeashDate(lastReviewed).getTime();
  const known = !Number.isNaN(reviewed);
  const dueBy = known ? new Date(reviewed + period).toISOString().slice(0, 10) : null;
  // Suspended and revoked agents hold nothing, so there is no access to review (as review-overdue).
  const overdue = agent.status === 'active' && (!known || now.getTime() - reviewed > period);
  return { every, dueBy, overdue };
}

function expiringGrant(agent: string, site: GrantSite): ExpiringGrant {
  const { grant } = site;
  // earliest() keeps the grant's own date on a tie, so the written string says which one applies.
  const own = grant.expires === site.expires || !site.via;
  const where = own
    ? { file: site.file, pointer: `${site.pointer}/expires` }
    : { file: site.via!.file, pointer: `${site.via!.pointer}/expires` };
  return {
    agent,
    system: grant.system,
    resource: grant.resource,
    actions: [...grant.actions],
    mode: grant.mode,
    template: site.via?.template ?? null,
    expires: site.expires!,
    ...where,
  };
}

function findSharedCredentials(agents: readonly InventoryAgent[]): SharedCredential[] {
  const byRef = new Map<string, InventoryAgent[]>();
  for (const agent of agents) {
    const group = byRef.get(agent.credentialRef);
    if (group) group.push(agent);
    else byRef.set(agent.credentialRef, [agent]);
  }
  return [...byRef]
    .filter(([, group]) => group.length > 1)
    .map(([credentialRef, group]) => ({
      credentialRef,
      agents: group.map((a) => a.name).sort(),
      environments: [...new Set(group.map((a) => a.environment))].sort(),
    }))
    .sort((a, b) => cmp(a.credentialRef, b.credentialRef));
}

function countBy(values: readonly string[]): NamedCount[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => cmp(a.name, b.name));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
