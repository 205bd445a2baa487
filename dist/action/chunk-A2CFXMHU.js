import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/sync/plan.ts
import { createHash } from "node:crypto";
var PLAN_FORMAT_VERSION = 1;
var DEFAULT_GUARDRAILS = { maxRemovalPercent: 25, allowEmptyTarget: false };
function diffObjects(desired, actual, objectTypes, options = {}) {
  const order = new Map(objectTypes.map((t, i) => [t.name, i]));
  for (const o of [...desired, ...actual]) {
    if (!order.has(o.type))
      throw new Error(`object ${o.type}/${o.id} has a type the target does not declare`);
  }
  const keep = (o) => o.agent !== void 0 && ((options.held?.has(o.agent) ?? false) || options.protectUnknown === true && !(options.known?.has(o.agent) ?? false));
  const wanted = indexObjects(
    desired.filter((o) => !keep(o)),
    "desired"
  );
  const have = indexObjects(actual, "actual");
  const keptParents = new Set(actual.filter(keep).flatMap((o) => o.parent ? [o.parent] : []));
  const deletes = [];
  const updates = [];
  const creates = [];
  for (const [key, object] of have) {
    if (keep(object)) continue;
    const next = wanted.get(key);
    if (next === void 0) {
      if (object.agent === void 0 && keptParents.has(objectKey(object))) continue;
      deletes.push(change("delete", object, object.attributes, void 0));
    } else if (canonicalJson(next.attributes) !== canonicalJson(object.attributes)) {
      updates.push(change("update", next, object.attributes, next.attributes));
    }
  }
  for (const [key, object] of wanted) {
    if (!have.has(key)) creates.push(change("create", object, void 0, object.attributes));
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
  const managedGrants = input.actual.filter((o) => isGrant(o.type)).length;
  const desiredGrants = input.desired.filter((o) => isGrant(o.type)).length;
  const removedGrants = changes.filter((c) => c.op === "delete" && isGrant(c.type)).length;
  const summary = {
    create: changes.filter((c) => c.op === "create").length,
    update: changes.filter((c) => c.op === "update").length,
    delete: changes.filter((c) => c.op === "delete").length,
    managedGrants,
    removedGrants,
    desiredGrants
  };
  const verdict = judgeGuardrails(input.name, summary, input.guardrails);
  const plan = {
    name: input.name,
    type: input.type,
    stateFingerprint: fingerprintState(input.actual),
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
function objectKey(o) {
  return `${o.type}/${o.id}`;
}
function indexObjects(objects, side) {
  const map = /* @__PURE__ */ new Map();
  for (const o of objects) {
    const key = objectKey(o);
    if (map.has(key)) throw new Error(`${side} state holds ${key} twice`);
    map.set(key, o);
  }
  return map;
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
