import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  isWrite,
  parseLeashDate
} from "./chunk-U3POP4QY.js";
import {
  rankMode
} from "./chunk-YJ3X6INZ.js";

// src/compile/compile.ts
function compileModel(index, options) {
  const agents = index.agents.filter((a) => !options.only || options.only.has(a.name)).map((agent) => compileAgent(index, agent, options.now, options.asIfActive === true)).sort((a, b) => cmp(a.name, b.name));
  return { formatVersion: 1, asOf: options.now.toISOString(), agents };
}
function compileAgent(index, agent, now, asIfActive) {
  const spec = agent.data.spec;
  const status = spec.status ?? "active";
  const templates = [
    ...new Set((spec.grants ?? []).flatMap((g) => "template" in g ? [g.template] : []))
  ].sort();
  const base = {
    name: agent.name,
    file: agent.file,
    owner: spec.owner,
    ...spec.sponsor ? { sponsor: spec.sponsor } : {},
    platform: spec.platform,
    environment: spec.environment,
    production: index.isProduction(spec.environment),
    tier: spec.tier,
    status,
    credentialRef: spec.identity.credentialRef,
    templates,
    permissions: []
  };
  if (status !== "active" && !asIfActive) return base;
  const nowMs = now.getTime();
  const byKey = /* @__PURE__ */ new Map();
  for (const site of index.grantSites(agent)) {
    if (site.expires !== void 0 && parseLeashDate(site.expires).getTime() < nowMs) continue;
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
function toPermission(site, covered) {
  const { grant } = site;
  const fields = grant.fields ? [...new Set(grant.fields)].sort() : void 0;
  const classes = new Set(covered.resource.dataClasses ?? []);
  const resourceFields = covered.resource.fields ?? {};
  for (const name of fields ?? Object.keys(resourceFields)) {
    for (const c of resourceFields[name]?.dataClasses ?? []) classes.add(c);
  }
  const source = {
    file: site.file,
    pointer: site.pointer,
    resourcePattern: grant.resource,
    ...site.via ? { template: { name: site.via.template, file: site.via.file, pointer: site.via.pointer } } : {}
  };
  return {
    system: grant.system,
    resource: covered.resourceName,
    action: covered.actionName,
    mode: grant.mode,
    ...fields ? { fields } : {},
    ...grant.when ? { conditions: grant.when } : {},
    ...site.expires ? { expires: site.expires } : {},
    risk: covered.action.risk,
    effect: isWrite(covered.action) ? "write" : "read",
    reversible: covered.action.reversible !== false,
    external: covered.action.external === true,
    financial: covered.action.financial === true,
    dataClasses: [...classes].sort(),
    sources: [source]
  };
}
function mergePermissions(a, b) {
  const mode = rankMode(b.mode) > rankMode(a.mode) ? b.mode : a.mode;
  const fields = a.fields && b.fields ? [.../* @__PURE__ */ new Set([...a.fields, ...b.fields])].sort() : void 0;
  const conditions = a.conditions && b.conditions ? a.conditions : void 0;
  const expires = a.expires && b.expires ? parseLeashDate(a.expires) >= parseLeashDate(b.expires) ? a.expires : b.expires : void 0;
  const { fields: _f, conditions: _c, expires: _e, ...rest } = a;
  return {
    ...rest,
    mode,
    ...fields ? { fields } : {},
    ...conditions ? { conditions } : {},
    ...expires ? { expires } : {},
    dataClasses: [.../* @__PURE__ */ new Set([...a.dataClasses, ...b.dataClasses])].sort(),
    sources: [...a.sources, ...b.sources]
  };
}
function comparePermissions(a, b) {
  return cmp(a.system, b.system) || cmp(a.resource, b.resource) || cmp(a.action, b.action);
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export {
  compileModel
};
