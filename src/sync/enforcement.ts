/**
 * From the policy repository to what each target is asked to hold (pure). Joins the effective
 * model with each System's `enforce` mapping and decides which agents a target sees, and
 * which agents must be held: left exactly as they are because a file they depend on is broken.
 */
import type { EffectiveAgent, EffectiveModel, Permission } from '../compile/compile.js';
import type { PolicyIndex } from '../compile/policy-index.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ConfigDocument } from '../model/document.js';
import type { Kind } from '../model/modes.js';
import type {
  DesiredInput,
  EnforcedPermission,
  TargetAdapter,
  TargetAgent,
  TargetSettings,
} from './types.js';

/** The embedded default when leash.yaml declares no targets. */
export const DEFAULT_TARGETS: Readonly<Record<string, TargetSettings>> = {
  local: { type: 'local', path: '.leash/state' },
};

/** The targets declared in leash.yaml, or the embedded default. */
export function declaredTargets(index: PolicyIndex): Record<string, TargetSettings> {
  return configTargets(index.config);
}

/** The targets a leash.yaml declares (the embedded default when it declares none or is absent). */
export function configTargets(config: ConfigDocument | undefined): Record<string, TargetSettings> {
  const targets = config?.data.spec.targets;
  if (!targets || Object.keys(targets).length === 0) return { ...DEFAULT_TARGETS };
  return targets as Record<string, TargetSettings>;
}

/**
 * Agents sync must leave untouched: an agent whose own file has an error, or that draws on a
 * template, tier or system with an error (or that failed to load). Their state in every target
 * is neither granted nor pruned until the files are fixed. `unknown` is true when an agent file
 * is too broken to name: then no identity missing from the repository may be pruned either.
 */
export interface HeldAgents {
  names: Set<string>;
  unknown: boolean;
  /** Why each agent is held, for the report. */
  reasons: Map<string, string>;
}

/** Works out the held agents from the index and the errors validate found. */
export function findHeldAgents(index: PolicyIndex, diagnostics: readonly Diagnostic[]): HeldAgents {
  const brokenFiles = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  const broken = (kind: Kind, name: string, file?: string) =>
    (file !== undefined && brokenFiles.has(file)) || (index.brokenNames.get(kind)?.has(name) ?? false);
  const brokenDocs = (kind: 'Template' | 'RiskTier' | 'System') => {
    const out = new Set(index.brokenNames.get(kind) ?? []);
    const docs = kind === 'Template' ? index.templates : kind === 'RiskTier' ? index.tiers : index.systems;
    for (const [name, doc] of docs) if (brokenFiles.has(doc.file)) out.add(name);
    return out;
  };
  const templates = brokenDocs('Template');
  const tiers = brokenDocs('RiskTier');
  const systems = brokenDocs('System');
  const names = new Set<string>();
  const reasons = new Map<string, string>();
  const hold = (name: string, why: string) => {
    if (!names.has(name)) reasons.set(name, why);
    names.add(name);
  };
  for (const name of index.brokenNames.get('Agent') ?? []) if (name !== '') hold(name, 'its file has errors');
  for (const agent of index.agents) {
    if (broken('Agent', agent.name, agent.file)) {
      hold(agent.name, `${agent.file} has errors`);
      continue;
    }
    if (tiers.has(agent.data.spec.tier)) hold(agent.name, `tier ${agent.data.spec.tier} has errors`);
    for (const grant of agent.data.spec.grants ?? []) {
      if ('template' in grant) {
        if (templates.has(grant.template)) hold(agent.name, `template ${grant.template} has errors`);
        const template = index.templates.get(grant.template);
        for (const g of template?.data.spec.grants ?? []) {
          if (systems.has(g.system)) hold(agent.name, `system ${g.system} has errors`);
        }
      } else if (systems.has(grant.system)) {
        hold(agent.name, `system ${grant.system} has errors`);
      }
    }
  }
  return { names, unknown: index.brokenNames.get('Agent')?.has('') ?? false, reasons };
}

export interface BuildDesiredOptions {
  /** The model compiled with `asIfActive: true`: every agent's reach, whatever its status. */
  reach: EffectiveModel;
  targets: Readonly<Record<string, TargetSettings>>;
  adapters: ReadonlyMap<string, TargetAdapter>;
  held: HeldAgents;
}

/**
 * Per target, the agents it sees and what each holds there. The local target sees every agent
 * and every system (it answers `leash authorize` for all of them); another target sees the
 * systems whose spec.target names it, and only agents that reach one of them.
 */
export function buildDesiredInputs(
  index: PolicyIndex,
  options: BuildDesiredOptions,
): Map<string, DesiredInput> {
  const out = new Map<string, DesiredInput>();
  for (const [name, settings] of Object.entries(options.targets)) {
    const adapter = options.adapters.get(settings.type);
    const everything = settings.type === 'local';
    const agents: TargetAgent[] = [];
    for (const agent of options.reach.agents) {
      if (options.held.names.has(agent.name)) continue;
      const reach = agent.permissions
        .filter((p) => everything || index.systems.get(p.system)?.data.spec.target === name)
        .map((p) => enforce(index, p, adapter));
      if (!everything && reach.length === 0) continue;
      agents.push(toTargetAgent(agent, reach));
    }
    out.set(name, { target: name, agents, asOf: options.reach.asOf });
  }
  return out;
}

function toTargetAgent(agent: EffectiveAgent, reach: EnforcedPermission[]): TargetAgent {
  return {
    name: agent.name,
    status: agent.status,
    environment: agent.environment,
    tier: agent.tier,
    owner: agent.owner,
    platform: agent.platform,
    reach,
    permissions: agent.status === 'active' ? reach : [],
  };
}

function enforce(index: PolicyIndex, p: Permission, adapter: TargetAdapter | undefined): EnforcedPermission {
  const resource = index.systems.get(p.system)?.data.spec.resources[p.resource];
  const action = resource?.actions[p.action];
  const columnMap = resource?.enforce?.columns ?? {};
  const object = resource?.enforce?.object ?? adapter?.defaults?.object?.(p.system, p.resource) ?? p.resource;
  const permissions =
    action?.enforce?.permissions ??
    adapter?.defaults?.permissions?.({ name: p.action, effect: p.effect }, p.system, p.resource) ??
    [];
  return {
    system: p.system,
    resource: p.resource,
    action: p.action,
    mode: p.mode,
    effect: p.effect,
    object,
    permissions: [...permissions].sort(),
    ...(p.fields ? { columns: p.fields.map((f) => columnMap[f] ?? f).sort() } : {}),
    performs: performsItself(p),
    ...(p.expires ? { expires: p.expires } : {}),
    effective: p,
  };
}

/**
 * Whether the agent itself performs the action: reads in every mode but escalate; writes only
 * when executing. A recommend-only or draft-only agent hands the write to a human, so the
 * system of record grants the agent nothing for it. See ADR 0006.
 */
export function performsItself(p: Pick<Permission, 'mode' | 'effect'>): boolean {
  if (p.mode === 'escalate') return false;
  if (p.effect === 'read') return true;
  return p.mode === 'execute-limited' || p.mode === 'execute-gated';
}
