import type { AgentDelta, BlastRadius, PermissionChange } from '../diff/types.js';
import type { ChangeMatch, Config, Requirements } from '../model/generated.js';
import type {
  ChangeKind,
  FactName,
  MatchedFact,
  ReasonOrigin,
  Requirement,
  SignoffPath,
  SignoffRequirement,
} from './types.js';

type Rule = NonNullable<NonNullable<Config['spec']['approvals']>['rules']>[number];

/** The facts of a rule's `when`, in the order reasons list them. */
const FACTS: readonly FactName[] = [
  'risks',
  'environments',
  'modes',
  'dataClasses',
  'systems',
  'tiers',
  'changes',
];

/**
 * The sign-off a change requires. Pure and deterministic.
 *
 * The rules always come from `baseConfig`, the leash.yaml of the BASE revision: a pull request
 * cannot lower the bar it is judged by (pass the base revision's config, never the head's; pass
 * undefined when the base has no leash.yaml). See docs/approvals.md for the whole contract:
 *
 * - An empty change (no agent delta, no document change, no governance change) needs nothing.
 * - A change to governance (leash.yaml, approval rules, approver groups, tiers) needs the highest
 *   bar the base defines: `governanceChange.require`, else every rule's requirements together;
 *   plus what the agents' own changes need.
 * - A change that only removes access gets `removalOnly.require` when the base defines it.
 * - Otherwise each rule whose `when` some agent's change matches adds its requirements.
 * - Requirements merge by approver set, keeping the largest count; `ownerTeam` requirements
 *   become one requirement per owner team of the agents that triggered them.
 */
export function computeRequiredSignoff(
  radius: BlastRadius,
  baseConfig: Config | undefined,
): SignoffRequirement {
  const base = {
    revision: radius.base.revision,
    ...(radius.base.commit ? { commit: radius.base.commit } : {}),
  };
  const governance = governanceEvidence(radius.governance);
  if (radius.agents.length === 0 && radius.documents.length === 0 && governance.length === 0) {
    return { formatVersion: 1, base, path: 'empty', requirements: [], notes: [] };
  }

  const bar = new Bar(baseConfig);
  const approvals = baseConfig?.spec.approvals;
  const rules = approvals?.rules ?? [];
  const changeFacts = radius.agents.map((delta) => ({ delta, facts: factsOf(delta, governance) }));
  let path: SignoffPath;

  if (!baseConfig) {
    bar.note(
      'The base revision has no leash.yaml, so it defines no approval rules: leash requires no sign-off.',
    );
  }

  // What the agents' changes need: the lighter removal path, or the matching rules.
  if (radius.removalOnly && approvals?.removalOnly) {
    path = 'removal-only';
    bar.add(approvals.removalOnly.require, {
      origin: 'removal-only',
      agents: changeFacts.map(({ delta, facts }) => describeAgent(delta, facts)),
      facts: [],
    });
  } else {
    path = 'rules';
    let matchedAny = false;
    for (const rule of rules) {
      const agents = matchRule(rule, changeFacts, governance);
      if (!agents) continue;
      matchedAny = true;
      bar.add(rule.require, {
        origin: 'rule',
        rule: rule.name,
        ...(rule.description ? { description: rule.description } : {}),
        agents: agents.agents,
        facts: agents.facts,
      });
    }
    if (baseConfig && !matchedAny && governance.length === 0) {
      bar.note(
        rules.length === 0
          ? 'The base leash.yaml defines no approval rules: leash requires no sign-off.'
          : 'No approval rule of the base leash.yaml matches this change.',
      );
    }
  }

  // A governance change needs the highest bar the base defines, on top.
  if (governance.length > 0) {
    path = 'governance';
    const everyAgent = changeFacts.map(({ delta, facts }) => describeAgent(delta, facts));
    const facts: MatchedFact[] = [{ fact: 'changes', values: ['governance'], evidence: governance }];
    const strictest = () => {
      let added = false;
      for (const rule of rules) {
        added =
          bar.add(rule.require, {
            origin: 'governance-strictest',
            rule: rule.name,
            ...(rule.description ? { description: rule.description } : {}),
            agents: everyAgent,
            facts,
          }) || added;
      }
      return added;
    };
    const governanceChange = approvals?.governanceChange;
    const added = governanceChange
      ? bar.add(governanceChange.require, { origin: 'governance-change', agents: everyAgent, facts })
      : false;
    // No governanceChange, or one asking only for owner teams on a change that reaches no agent
    // (which would leave a governance change with no bar at all): every rule's requirements.
    if (!added) {
      const fellBack = strictest();
      if (fellBack && governanceChange) {
        bar.note(
          'governanceChange asks only for owner teams and this change affects no agent: every rule’s requirements apply instead.',
        );
      }
      if (!fellBack && baseConfig) {
        bar.note(
          rules.length === 0 && !governanceChange
            ? 'The base leash.yaml defines no approval rules and no governanceChange: leash requires no sign-off for this governance change.'
            : 'Everything the base leash.yaml requires for a governance change is an owner team’s approval, and this change affects no agent: leash requires no sign-off for it.',
        );
      }
    }
  }

  return { formatVersion: 1, base, path, requirements: bar.requirements(), notes: bar.notes() };
}

/**
 * Who satisfies an agent owner's team: the approver group named like the owner when the base
 * defines one, else the GitHub team `<spec.github.org>/<owner>`. Neither: nobody (a problem).
 */
export function resolveOwnerApprovers(
  owner: string,
  baseConfig: Config | undefined,
): Pick<Requirement, 'key' | 'group' | 'users' | 'teams' | 'problem'> {
  if (baseConfig?.spec.approverGroups?.[owner] !== undefined) return resolveGroup(owner, baseConfig);
  const org = baseConfig?.spec.github?.org;
  if (org) return { key: `team:${org}/${owner}`, users: [], teams: [`${org}/${owner}`] };
  return {
    key: `owner:${owner}`,
    users: [],
    teams: [],
    problem: `The owner team '${owner}' resolves to nobody: the base leash.yaml has no approver group named '${owner}' and no spec.github.org.`,
  };
}

function resolveGroup(
  name: string,
  baseConfig: Config | undefined,
): Pick<Requirement, 'key' | 'group' | 'users' | 'teams' | 'problem'> {
  const key = `group:${name}`;
  const group = baseConfig?.spec.approverGroups?.[name];
  if (!group) {
    return {
      key,
      group: name,
      users: [],
      teams: [],
      problem: `The approver group '${name}' is not defined in the base leash.yaml.`,
    };
  }
  const users = [...new Set(group.users ?? [])].sort();
  const teams = [...new Set(group.teams ?? [])].sort();
  return {
    key,
    group: name,
    users,
    teams,
    ...(users.length + teams.length === 0
      ? { problem: `The approver group '${name}' has no users or teams in the base leash.yaml.` }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Facts and matching.

/** Per fact, each value the change has and what shows it. */
type Facts = Record<FactName, Map<string, Set<string>>>;

interface AgentFacts {
  delta: AgentDelta;
  facts: Facts;
}

function permissionKey(p: PermissionChange): string {
  return `${p.system}/${p.resource}.${p.action}`;
}

function governanceEvidence(g: BlastRadius['governance']): string[] {
  return [
    ...(g.configChanged ? ['leash.yaml'] : []),
    ...(g.approvalRulesChanged ? ['approval rules'] : []),
    ...(g.approverGroupsChanged ? ['approver groups'] : []),
    ...[...g.tiersChanged].sort().map((t) => `tier ${t}`),
  ];
}

function emptyFacts(): Facts {
  return {
    risks: new Map(),
    environments: new Map(),
    modes: new Map(),
    dataClasses: new Map(),
    systems: new Map(),
    tiers: new Map(),
    changes: new Map(),
  };
}

function put(facts: Facts, fact: FactName, value: string | undefined, evidence?: string): void {
  if (value === undefined) return;
  const set = facts[fact].get(value) ?? new Set<string>();
  if (evidence !== undefined) set.add(evidence);
  facts[fact].set(value, set);
}

/** The facts of one agent's change that rules can match. */
function factsOf(delta: AgentDelta, governance: string[]): Facts {
  const facts = emptyFacts();
  const raised = [...delta.gained, ...delta.widened];
  for (const p of raised) {
    const key = permissionKey(p);
    put(facts, 'risks', p.after?.risk, key);
    put(facts, 'systems', p.system, key);
  }
  for (const p of delta.gained) put(facts, 'modes', p.after?.mode, permissionKey(p));
  for (const p of delta.widened) put(facts, 'modes', p.facts.modeRaised?.to, permissionKey(p));
  put(facts, 'environments', delta.environment);
  for (const c of delta.newDataClasses) put(facts, 'dataClasses', c);
  put(facts, 'tiers', delta.tier.before);
  put(facts, 'tiers', delta.tier.after);

  const kinds: [ChangeKind, boolean, string[]][] = [
    ['new-agent', delta.change === 'added', []],
    ['removed-agent', delta.change === 'removed', []],
    ['gain', delta.gained.length > 0, delta.gained.map(permissionKey)],
    ['loss', delta.lost.length > 0, delta.lost.map(permissionKey)],
    ['widen', delta.widened.length > 0, delta.widened.map(permissionKey)],
    ['narrow', delta.narrowed.length > 0, delta.narrowed.map(permissionKey)],
    [
      'tier-move',
      delta.tier.before !== undefined &&
        delta.tier.after !== undefined &&
        delta.tier.before !== delta.tier.after,
      [`${delta.tier.before} → ${delta.tier.after}`],
    ],
    [
      'status-change',
      delta.status.before !== undefined &&
        delta.status.after !== undefined &&
        delta.status.before !== delta.status.after,
      [`${delta.status.before} → ${delta.status.after}`],
    ],
    ['irreversible', delta.newIrreversible.length > 0, delta.newIrreversible],
    ['external', delta.newExternal.length > 0, delta.newExternal],
    ['financial', delta.newFinancial.length > 0, delta.newFinancial],
    ['governance', governance.length > 0, governance],
  ];
  for (const [kind, present, evidence] of kinds) {
    if (!present) continue;
    put(facts, 'changes', kind);
    for (const e of evidence) put(facts, 'changes', kind, e);
  }
  return facts;
}

/** Each listed fact of `when` that `facts` has a value of; undefined when one listed fact has none. */
function matchWhen(when: ChangeMatch, facts: Facts): MatchedFact[] | undefined {
  const matched: MatchedFact[] = [];
  for (const fact of FACTS) {
    const listed = when[fact] as readonly string[] | undefined;
    if (listed === undefined) continue;
    const values = [...new Set(listed)].filter((v) => facts[fact].has(v));
    if (values.length === 0) return undefined;
    const evidence = new Set<string>();
    for (const v of values) for (const e of facts[fact].get(v)!) evidence.add(e);
    matched.push({ fact, values, evidence: [...evidence].sort() });
  }
  return matched;
}

/**
 * The agents whose change matches the rule (with the facts each matched), or undefined when the
 * rule does not match. A change with no agent delta (a document or governance change alone) is
 * matched as a whole: only its `changes: governance` fact can match, and a rule without `when`.
 */
function matchRule(
  rule: Rule,
  changes: AgentFacts[],
  governance: string[],
): { agents: MatchedAgent[]; facts: MatchedFact[] } | undefined {
  if (changes.length === 0) {
    const whole = emptyFacts();
    if (governance.length > 0) for (const g of governance) put(whole, 'changes', 'governance', g);
    const facts = rule.when ? matchWhen(rule.when, whole) : [];
    return facts ? { agents: [], facts } : undefined;
  }
  const agents: MatchedAgent[] = [];
  for (const { delta, facts } of changes) {
    const matched = rule.when ? matchWhen(rule.when, facts) : [];
    if (matched) agents.push({ name: delta.name, owner: delta.owner, facts: matched });
  }
  return agents.length > 0 ? { agents, facts: [] } : undefined;
}

/** An agent of a reason, with its owner for splitting ownerTeam requirements by owner team. */
interface MatchedAgent {
  name: string;
  owner: string;
  facts: MatchedFact[];
}

/** An agent with the kinds of change it has: what the removal-only and governance paths show. */
function describeAgent(delta: AgentDelta, facts: Facts): MatchedAgent {
  const values = [...facts.changes.keys()].filter((k) => k !== 'governance');
  const evidence = new Set<string>();
  for (const v of values) for (const e of facts.changes.get(v)!) evidence.add(e);
  return {
    name: delta.name,
    owner: delta.owner,
    facts: values.length > 0 ? [{ fact: 'changes', values, evidence: [...evidence].sort() }] : [],
  };
}

// ---------------------------------------------------------------------------------------------
// Merging requirements.

interface ReasonInput {
  origin: ReasonOrigin;
  rule?: string;
  description?: string;
  agents: MatchedAgent[];
  facts: MatchedFact[];
}

/** The requirements gathered so far, merged by approver set. */
class Bar {
  readonly #byKey = new Map<string, Requirement>();
  readonly #notes: string[] = [];

  constructor(private readonly config: Config | undefined) {}

  note(text: string): void {
    if (!this.#notes.includes(text)) this.#notes.push(text);
  }

  /** Adds a `require` list; returns whether any requirement was added or raised. */
  add(require: Requirements, input: ReasonInput): boolean {
    let added = false;
    for (const entry of require) {
      if ('group' in entry) {
        this.#merge(resolveGroup(entry.group, this.config), entry.count, input, input.agents, undefined);
        added = true;
        continue;
      }
      const byOwner = new Map<string, MatchedAgent[]>();
      for (const agent of input.agents) {
        byOwner.set(agent.owner, [...(byOwner.get(agent.owner) ?? []), agent]);
      }
      if (byOwner.size === 0) {
        const what = input.rule ? `Rule '${input.rule}'` : originLabel(input.origin);
        this.note(
          `${what} asks for the owner team's approval, but the change affects no agent: nobody to ask.`,
        );
      }
      for (const [owner, agents] of byOwner) {
        this.#merge(resolveOwnerApprovers(owner, this.config), entry.count, input, agents, owner);
        added = true;
      }
    }
    return added;
  }

  #merge(
    approvers: Pick<Requirement, 'key' | 'group' | 'users' | 'teams' | 'problem'>,
    count: number,
    input: ReasonInput,
    agents: MatchedAgent[],
    owner: string | undefined,
  ): void {
    const existing = this.#byKey.get(approvers.key);
    const req: Requirement = existing ?? {
      key: approvers.key,
      ...(approvers.group !== undefined ? { group: approvers.group } : {}),
      owners: [],
      users: approvers.users,
      teams: approvers.teams,
      count: 0,
      reasons: [],
      ...(approvers.problem !== undefined ? { problem: approvers.problem } : {}),
    };
    req.count = Math.max(req.count, count);
    if (owner !== undefined && !req.owners.includes(owner)) req.owners = [...req.owners, owner].sort();
    const plainAgents = agents.map((a) => ({ name: a.name, facts: a.facts }));
    const same = req.reasons.find((r) => r.origin === input.origin && r.rule === input.rule);
    if (same) {
      same.count = Math.max(same.count, count);
      const names = new Set(same.agents.map((a) => a.name));
      same.agents = [...same.agents, ...plainAgents.filter((a) => !names.has(a.name))].sort((a, b) =>
        cmp(a.name, b.name),
      );
    } else {
      req.reasons.push({
        origin: input.origin,
        ...(input.rule !== undefined ? { rule: input.rule } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        count,
        agents: plainAgents.sort((a, b) => cmp(a.name, b.name)),
        facts: input.facts,
      });
    }
    this.#byKey.set(req.key, req);
  }

  requirements(): Requirement[] {
    return [...this.#byKey.values()].sort((a, b) => cmp(a.key, b.key));
  }

  notes(): string[] {
    return [...this.#notes];
  }
}

function originLabel(origin: ReasonOrigin): string {
  switch (origin) {
    case 'removal-only':
      return 'removalOnly';
    case 'governance-change':
      return 'governanceChange';
    default:
      return 'A rule';
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
