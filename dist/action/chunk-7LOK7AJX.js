import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/lint/grant-text.ts
var DEFAULT_GATED_RISKS = ["high", "critical"];
var DEFAULT_EXPIRY_RISKS = ["high", "critical"];
function describeGrant(grant) {
  return `${grant.system}/${grant.resource} [${grant.actions.join(", ")}]`;
}
function describeHeldGrant(site) {
  const grant = describeGrant(site.grant);
  return site.via ? `${grant} through template '${site.via.template}'` : grant;
}
function locateHeldGrant(site, field) {
  return site.via ? { file: site.via.file, pointer: `${site.via.pointer}/template` } : { file: site.file, pointer: `${site.pointer}/${field}` };
}
function joinAnd(parts) {
  return parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}
function listNames(names, max = 8) {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
function forEachWrittenGrant(index, visit) {
  for (const template of index.templates.values()) {
    template.data.spec.grants.forEach(
      (grant, i) => visit(template.file, `template '${template.name}'`, grant, i)
    );
  }
  for (const agent of index.agents) {
    (agent.data.spec.grants ?? []).forEach((entry, i) => {
      if (!("template" in entry)) visit(agent.file, `agent '${agent.name}'`, entry, i);
    });
  }
}
var keys = /* @__PURE__ */ new WeakMap();
function grantKey(grant) {
  let key = keys.get(grant);
  if (key === void 0) keys.set(grant, key = computeGrantKey(grant));
  return key;
}
function computeGrantKey(grant) {
  return [
    grant.system,
    grant.resource,
    [...new Set(grant.actions)].sort().join(","),
    grant.mode,
    grant.fields ? [...new Set(grant.fields)].sort().join(",") : "",
    grant.when ? canonicalJson(grant.when) : ""
  ].join("\0");
}
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export {
  DEFAULT_GATED_RISKS,
  DEFAULT_EXPIRY_RISKS,
  describeHeldGrant,
  locateHeldGrant,
  joinAnd,
  listNames,
  forEachWrittenGrant,
  grantKey,
  canonicalJson
};
