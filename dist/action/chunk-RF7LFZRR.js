import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/sync/plan.ts
import { createHash } from "node:crypto";
var PLAN_FORMAT_VERSION = 1;
var DEFAULT_GUARDRAILS = { maxRemovalPercent: 25, allowEmptyTarget: false };
function diffObjects(desired, actual, objectTypes, options = {}) {
  const order = new Map(objectTypes.map((t, i) => [t.name, i]));
  for (const side of [desired, actual]) {
    for (const o of side) {
      if (!order.has(o.type))
        throw new Error(`object ${o.type}/${o.id} has a type the target does not declare`);
    }
  }
  const holding = (options.held?.size ?? 0) > 0 || options.protectUnknown === true;
  const keep = (o) => holding && o.agent !== void 0 && ((options.held?.has(o.agent) ?? false) || options.protectUnknown === true && !(options.known?.has(o.agent) ?? false));
  const wanted = /* @__PURE__ */ new Map();
  for (const o of desired) if (!keep(o)) indexObject(wanted, o, "desired");
  const have = /* @__PURE__ */ new Map();
  const keptParents = /* @__PURE__ */ new Set();
  for (const o of actual) {
    indexObject(have, o, "actual");
    if (o.parent !== void 0 && keep(o)) keptParents.add(o.parent);
  }
  const deletes = [];
  const updates = [];
  const creates = [];
  for (const [type, objects] of have) {
    const wantedOfType = wanted.get(type);
    for (const object of objects.values()) {
      if (keep(object)) continue;
      const next = wantedOfType?.get(object.id);
      if (next === void 0) {
        if (object.agent === void 0 && keptParents.has(objectKey(object))) continue;
        deletes.push(change("delete", object, object.attributes, void 0));
      } else if (!sameJson(next.attributes, object.attributes)) {
        updates.push(change("update", next, object.attributes, next.attributes));
      }
    }
  }
  for (const [type, objects] of wanted) {
    const haveOfType = have.get(type);
    for (const object of objects.values()) {
      if (!haveOfType?.has(object.id)) creates.push(change("create", object, void 0, object.attributes));
    }
  }
  const byTypeThenId = (direction) => (a, b) => direction * ((order.get(a.type) ?? 0) - (order.get(b.type) ?? 0)) || compare(a.id, b.id);
  const identity = new Set(objectTypes.filter((t) => t.class === "identity").map((t) => t.name));
  updates.sort(byTypeThenId(1));
  return [
    ...updates.filter((c) => identity.has(c.type)),
    ...deletes.sort(byTypeThenId(-1)),
    ...updates.filter((c) => !identity.has(c.type)),
    ...creates.sort(byTypeThenId(1))
  ];
}
function planTarget(input) {
  const changes = diffObjects(input.desired, input.actual, input.objectTypes, input.diff);
  const classOf = new Map(input.objectTypes.map((t) => [t.name, t.class]));
  const isGrant = (type) => classOf.get(type) === "grant";
  const summary = {
    create: 0,
    update: 0,
    delete: 0,
    managedGrants: 0,
    removedGrants: 0,
    desiredGrants: 0
  };
  for (const c of changes) {
    summary[c.op]++;
    if (c.op === "delete" && isGrant(c.type)) summary.removedGrants++;
  }
  for (const o of input.actual) if (isGrant(o.type)) summary.managedGrants++;
  for (const o of input.desired) if (isGrant(o.type)) summary.desiredGrants++;
  const verdict = judgeGuardrails(input.name, summary, input.guardrails);
  const plan = {
    name: input.name,
    type: input.type,
    ...input.fingerprint !== false ? { stateFingerprint: fingerprintState(input.actual) } : {},
    changes,
    summary
  };
  if (verdict && input.overrideGuardrails) plan.overridden = verdict;
  else if (verdict) plan.blocked = verdict;
  return plan;
}
function judgeGuardrails(target, summary, guardrails) {
  const { managedGrants, removedGrants } = summary;
  if (managedGrants === 0 || removedGrants === 0) return void 0;
  if (removedGrants === managedGrants && summary.desiredGrants === 0 && !guardrails.allowEmptyTarget) {
    return {
      guardrail: "empty-target",
      message: `${target}: this sync would remove every one of the ${managedGrants} grants leash manages there (guardrails.allowEmptyTarget is false); run with --override-guardrails if that is intended`
    };
  }
  const percent = removedGrants / managedGrants * 100;
  if (percent > guardrails.maxRemovalPercent) {
    return {
      guardrail: "max-removal-percent",
      message: `${target}: this sync would remove ${removedGrants} of ${managedGrants} managed grants (${formatPercent(percent)}%), more than guardrails.maxRemovalPercent (${guardrails.maxRemovalPercent}%); run with --override-guardrails if that is intended`
    };
  }
  return void 0;
}
function formatPercent(p) {
  return Number.isInteger(p) ? String(p) : p.toFixed(1);
}
function fingerprintState(objects) {
  const lines = objects.map((o) => canonicalJson(o)).sort();
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line).update("\n");
  return `sha256:${hash.digest("hex")}`;
}
function canonicalJson(value) {
  if (value === void 0) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== void 0).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
}
function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    return printsNull(a) && printsNull(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  let count = 0;
  for (const key of Object.keys(a)) {
    const v = a[key];
    if (v === void 0) continue;
    const w = Object.prototype.propertyIsEnumerable.call(b, key) ? b[key] : void 0;
    if (w === void 0 || !sameJson(v, w)) return false;
    count++;
  }
  for (const key of Object.keys(b)) if (b[key] !== void 0) count--;
  return count === 0;
}
function printsNull(value) {
  return value === void 0 || value === null || typeof value === "number" && !Number.isFinite(value);
}
function objectKey(o) {
  return `${o.type}/${o.id}`;
}
function indexObject(index, o, side) {
  let objects = index.get(o.type);
  if (objects === void 0) index.set(o.type, objects = /* @__PURE__ */ new Map());
  if (objects.has(o.id)) throw new Error(`${side} state holds ${objectKey(o)} twice`);
  objects.set(o.id, o);
}
function change(op, object, before, after) {
  return {
    op,
    type: object.type,
    id: object.id,
    ...object.agent !== void 0 ? { agent: object.agent } : {},
    ...object.parent !== void 0 ? { parent: object.parent } : {},
    ...before ? { before } : {},
    ...after ? { after } : {}
  };
}
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export {
  PLAN_FORMAT_VERSION,
  DEFAULT_GUARDRAILS,
  diffObjects,
  planTarget,
  fingerprintState,
  canonicalJson,
  objectKey
};
