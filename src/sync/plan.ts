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
  /**
   * sha256 of the actual state the plan was made against; applying a saved plan refuses a
   * target whose state has changed. Absent only from a plan made to be applied in the same run
   * (`leash sync`), which is never saved: a plan file always has it (schemas/plan.schema.json).
   */
  stateFingerprint?: string;
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
  for (const side of [desired, actual]) {
    for (const o of side) {
      if (!order.has(o.type))
        throw new Error(`object ${o.type}/${o.id} has a type the target does not declare`);
    }
  }
  // Usually nobody is held: then no object needs asking about.
  const holding = (options.held?.size ?? 0) > 0 || options.protectUnknown === true;
  const keep = (o: ManagedObject) =>
    holding &&
    o.agent !== undefined &&
    ((options.held?.has(o.agent) ?? false) ||
      (options.protectUnknown === true && !(options.known?.has(o.agent) ?? false)));
  const wanted: ObjectIndex = new Map();
  for (const o of desired) if (!keep(o)) indexObject(wanted, o, 'desired');
  const have: ObjectIndex = new Map();
  const keptParents = new Set<string>();
  for (const o of actual) {
    indexObject(have, o, 'actual');
    if (o.parent !== undefined && keep(o)) keptParents.add(o.parent);
  }

  const deletes: Change[] = [];
  const updates: Change[] = [];
  const creates: Change[] = [];
  for (const [type, objects] of have) {
    const wantedOfType = wanted.get(type);
    for (const object of objects.values()) {
      if (keep(object)) continue;
      const next = wantedOfType?.get(object.id);
      if (next === undefined) {
        if (object.agent === undefined && keptParents.has(objectKey(object))) continue;
        deletes.push(change('delete', object, object.attributes, undefined));
      } else if (!sameJson(next.attributes, object.attributes)) {
        updates.push(change('update', next, object.attributes, next.attributes));
      }
    }
  }
  for (const [type, objects] of wanted) {
    const haveOfType = have.get(type);
    for (const object of objects.values()) {
      if (!haveOfType?.has(object.id)) creates.push(change('create', object, undefined, object.attributes));
    }
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
  /**
   * Whether to fingerprint the actual state (true when absent). Only a plan that is saved, to
   * be applied by a later run, needs it; hashing the whole state is a large share of a no-op
   * re-sync's planning.
   */
  fingerprint?: boolean;
}

/** Plans one target: the changes, the summary and the guardrails' verdict. */
export function planTarget(input: PlanTargetInput): TargetPlan {
  const changes = diffObjects(input.desired, input.actual, input.objectTypes, input.diff);
  const classOf = new Map<string, ObjectClass>(input.objectTypes.map((t) => [t.name, t.class]));
  const isGrant = (type: string) => classOf.get(type) === 'grant';
  const summary = {
    create: 0,
    update: 0,
    delete: 0,
    managedGrants: 0,
    removedGrants: 0,
    desiredGrants: 0,
  };
  for (const c of changes) {
    summary[c.op]++;
    if (c.op === 'delete' && isGrant(c.type)) summary.removedGrants++;
  }
  for (const o of input.actual) if (isGrant(o.type)) summary.managedGrants++;
  for (const o of input.desired) if (isGrant(o.type)) summary.desiredGrants++;
  const verdict = judgeGuardrails(input.name, summary, input.guardrails);
  const plan: TargetPlan = {
    name: input.name,
    type: input.type,
    ...(input.fingerprint !== false ? { stateFingerprint: fingerprintState(input.actual) } : {}),
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

/**
 * Whether two values print the same canonical JSON (`canonicalJson(a) === canonicalJson(b)`),
 * decided without printing either: the diff compares every object's attributes on every run.
 */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    // undefined, null, NaN and ±Infinity all print as null.
    return printsNull(a) && printsNull(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  // A key whose value is undefined is not printed (unlike null): compare the others, and count
  // them on both sides.
  let count = 0;
  for (const key of Object.keys(a)) {
    const v = a[key];
    if (v === undefined) continue;
    const w = Object.prototype.propertyIsEnumerable.call(b, key) ? b[key] : undefined;
    if (w === undefined || !sameJson(v, w)) return false;
    count++;
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) count--;
  return count === 0;
}

function printsNull(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value));
}

/** `type/id`: how a contained object names its container (ManagedObject.parent). */
export function objectKey(o: { type: string; id: string }): string {
  return `${o.type}/${o.id}`;
}

/** Objects by type, then id: no `type/id` string is built for each object of each side. */
type ObjectIndex = Map<string, Map<string, ManagedObject>>;

function indexObject(index: ObjectIndex, o: ManagedObject, side: string): void {
  let objects = index.get(o.type);
  if (objects === undefined) index.set(o.type, (objects = new Map()));
  if (objects.has(o.id)) throw new Error(`${side} state holds ${objectKey(o)} twice`);
  objects.set(o.id, o);
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
