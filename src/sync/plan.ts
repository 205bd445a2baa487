/**
 * The shared diff and the plan (pure): desired and actual objects of a target -> typed changes,
 * deterministic and exhaustive about removals, with the guardrails applied. No IO, no clock.
 */
import { createHash } from 'node:crypto';
import type { Change, JsonValue, ManagedObject, ObjectClass, ObjectType, TargetType } from './types.js';

/** Version of the saved plan format (schemas/plan.schema.json). */
export const PLAN_FORMAT_VERSION = 1;

/** Limits on what one sync may remove from a target (leash.yaml spec.guardrails). */
export interface Guardrails {
  maxRemovalPercent: number;
  allowEmptyTarget: boolean;
}

export const DEFAULT_GUARDRAILS: Guardrails = { maxRemovalPercent: 25, allowEmptyTarget: false };

/** What held an agent, or a guardrail, back. */
export interface Blocked {
  guardrail: 'max-removal-percent' | 'empty-target';
  message: string;
}

/** The plan for one target. */
export interface TargetPlan {
  name: string;
  type: TargetType;
  /** sha256 of the actual state the plan was made against; apply refuses when it has changed. */
  stateFingerprint: string;
  /** Identity updates (disabling) first, then deletes (grants before identities), other updates, creates (identities first). */
  changes: Change[];
  summary: {
    create: number;
    update: number;
    delete: number;
    /** Grants leash manages in the target now, and how many this plan removes. */
    managedGrants: number;
    removedGrants: number;
    desiredGrants: number;
  };
  /** Set when a guardrail stops the plan; apply then changes nothing in this target. */
  blocked?: Blocked;
  /** Set when overrideGuardrails let a plan through that a guardrail would have stopped. */
  overridden?: Blocked;
}

export interface DiffOptions {
  /** Agents whose objects are left exactly as they are (held: their files are broken; or killed). */
  held?: ReadonlySet<string>;
  /**
   * Agents in the repository. When `protectUnknown` is set, objects of agents not among them
   * are kept rather than pruned (an agent file too broken to name might be theirs).
   */
  known?: ReadonlySet<string>;
  protectUnknown?: boolean;
}

/**
 * The typed changes that turn `actual` into `desired`. Objects of held agents are neither
 * created, changed nor removed; a shared container is kept while a kept object points into it.
 */
export function diffObjects(
  desired: readonly ManagedObject[],
  actual: readonly ManagedObject[],
  objectTypes: readonly ObjectType[],
  options: DiffOptions = {},
): Change[] {
  const order = new Map(objectTypes.map((t, i) => [t.name, i]));
  for (const o of [...desired, ...actual]) {
    if (!order.has(o.type))
      throw new Error(`object ${o.type}/${o.id} has a type the target does not declare`);
  }
  const keep = (o: ManagedObject) =>
    o.agent !== undefined &&
    ((options.held?.has(o.agent) ?? false) ||
      (options.protectUnknown === true && !(options.known?.has(o.agent) ?? false)));
  const wanted = indexObjects(
    desired.filter((o) => !keep(o)),
    'desired',
  );
  const have = indexObjects(actual, 'actual');
  const keptParents = new Set(actual.filter(keep).flatMap((o) => (o.parent ? [o.parent] : [])));

  const deletes: Change[] = [];
  const updates: Change[] = [];
  const creates: Change[] = [];
  for (const [key, object] of have) {
    if (keep(object)) continue;
    const next = wanted.get(key);
    if (next === undefined) {
      if (object.agent === undefined && keptParents.has(objectKey(object))) continue;
      deletes.push(change('delete', object, object.attributes, undefined));
    } else if (canonicalJson(next.attributes) !== canonicalJson(object.attributes)) {
      updates.push(change('update', next, object.attributes, next.attributes));
    }
  }
  for (const [key, object] of wanted) {
    if (!have.has(key)) creates.push(change('create', object, undefined, object.attributes));
  }
  const byTypeThenId = (direction: 1 | -1) => (a: Change, b: Change) =>
    direction * ((order.get(a.type) ?? 0) - (order.get(b.type) ?? 0)) || compare(a.id, b.id);
  // Identities are disabled (or re-enabled) first: a suspended agent loses its login before
  // anything else, so a run stopped half-way never leaves it able to log in with grants going.
  const identity = new Set(objectTypes.filter((t) => t.class === 'identity').map((t) => t.name));
  updates.sort(byTypeThenId(1));
  return [
    ...updates.filter((c) => identity.has(c.type)),
    ...deletes.sort(byTypeThenId(-1)),
    ...updates.filter((c) => !identity.has(c.type)),
    ...creates.sort(byTypeThenId(1)),
  ];
}

export interface PlanTargetInput {
  name: string;
  type: TargetType;
  objectTypes: readonly ObjectType[];
  desired: readonly ManagedObject[];
  actual: readonly ManagedObject[];
  guardrails: Guardrails;
  overrideGuardrails?: boolean;
  diff?: DiffOptions;
}

/** Plans one target: the changes, the summary and the guardrails' verdict. */
export function planTarget(input: PlanTargetInput): TargetPlan {
  const changes = diffObjects(input.desired, input.actual, input.objectTypes, input.diff);
  const classOf = new Map<string, ObjectClass>(input.objectTypes.map((t) => [t.name, t.class]));
  const isGrant = (type: string) => classOf.get(type) === 'grant';
  const managedGrants = input.actual.filter((o) => isGrant(o.type)).length;
  const desiredGrants = input.desired.filter((o) => isGrant(o.type)).length;
  const removedGrants = changes.filter((c) => c.op === 'delete' && isGrant(c.type)).length;
  const summary = {
    create: changes.filter((c) => c.op === 'create').length,
    update: changes.filter((c) => c.op === 'update').length,
    delete: changes.filter((c) => c.op === 'delete').length,
    managedGrants,
    removedGrants,
    desiredGrants,
  };
  const verdict = judgeGuardrails(input.name, summary, input.guardrails);
  const plan: TargetPlan = {
    name: input.name,
    type: input.type,
    stateFingerprint: fingerprintState(input.actual),
    changes,
    summary,
  };
  if (verdict && input.overrideGuardrails) plan.overridden = verdict;
  else if (verdict) plan.blocked = verdict;
  return plan;
}

function judgeGuardrails(
  target: string,
  summary: TargetPlan['summary'],
  guardrails: Guardrails,
): Blocked | undefined {
  const { managedGrants, removedGrants } = summary;
  if (managedGrants === 0 || removedGrants === 0) return undefined;
  if (removedGrants === managedGrants && summary.desiredGrants === 0 && !guardrails.allowEmptyTarget) {
    return {
      guardrail: 'empty-target',
      message: `${target}: this sync would remove every one of the ${managedGrants} grants leash manages there (guardrails.allowEmptyTarget is false); run with --override-guardrails if that is intended`,
    };
  }
  const percent = (removedGrants / managedGrants) * 100;
  if (percent > guardrails.maxRemovalPercent) {
    return {
      guardrail: 'max-removal-percent',
      message: `${target}: this sync would remove ${removedGrants} of ${managedGrants} managed grants (${formatPercent(percent)}%), more than guardrails.maxRemovalPercent (${guardrails.maxRemovalPercent}%); run with --override-guardrails if that is intended`,
    };
  }
  return undefined;
}

function formatPercent(p: number): string {
  return Number.isInteger(p) ? String(p) : p.toFixed(1);
}

/** sha256 over the canonical, sorted state: equal states give equal fingerprints. */
export function fingerprintState(objects: readonly ManagedObject[]): string {
  const lines = objects.map((o) => canonicalJson(o as unknown as JsonValue)).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

/** JSON with object keys sorted, so equal values print equally. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/** `type/id`: how a contained object names its container (ManagedObject.parent). */
export function objectKey(o: { type: string; id: string }): string {
  return `${o.type}/${o.id}`;
}

function indexObjects(objects: readonly ManagedObject[], side: string): Map<string, ManagedObject> {
  const map = new Map<string, ManagedObject>();
  for (const o of objects) {
    const key = objectKey(o);
    if (map.has(key)) throw new Error(`${side} state holds ${key} twice`);
    map.set(key, o);
  }
  return map;
}

function change(
  op: Change['op'],
  object: ManagedObject,
  before: ManagedObject['attributes'] | undefined,
  after: ManagedObject['attributes'] | undefined,
): Change {
  return {
    op,
    type: object.type,
    id: object.id,
    ...(object.agent !== undefined ? { agent: object.agent } : {}),
    ...(object.parent !== undefined ? { parent: object.parent } : {}),
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
