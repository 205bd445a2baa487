import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  compileModel
} from "./chunk-F7PGM7PY.js";
import {
  createLoadCache,
  loadPolicyFiles,
  locateDiagnostics
} from "./chunk-SFW64KNG.js";
import {
  canonicalJson
} from "./chunk-7LOK7AJX.js";
import {
  buildPolicyIndex,
  isGlob,
  parseLeashDate,
  sortDiagnostics
} from "./chunk-U3POP4QY.js";
import "./chunk-VME4SIF6.js";
import {
  isExecutingMode,
  rankMode
} from "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";

// src/diff/risk.ts
var RISK_POINTS = { low: 1, medium: 3, high: 8, critical: 15 };
var MODE_FACTOR = {
  escalate: 0,
  "read-only": 0.25,
  "recommend-only": 0.25,
  "draft-only": 0.5,
  "execute-gated": 0.75,
  "execute-limited": 1
};
var PROPERTY_POINTS = { irreversible: 5, financial: 5, external: 3 };
var DATA_CLASS_POINTS = { pii: 3, payment: 5, health: 5, credentials: 8 };
var NEW_SYSTEM_POINTS = 2;
var NEW_AGENT_POINTS = 2;
var TIER_MOVE_POINTS = 5;
var GOVERNANCE_POINTS = 20;
function levelOf(score) {
  return score <= 0 ? "none" : score < 10 ? "low" : score < 30 ? "medium" : score < 60 ? "high" : "critical";
}
function actionPoints(p, production) {
  const executes = p.mode === "execute-limited" || p.mode === "execute-gated";
  let points = RISK_POINTS[p.risk] * MODE_FACTOR[p.mode];
  const props = [p.risk];
  if (executes) {
    if (!p.reversible && p.effect === "write") {
      points += PROPERTY_POINTS.irreversible;
      props.push("irreversible");
    }
    if (p.financial) {
      points += PROPERTY_POINTS.financial;
      props.push("financial");
    }
    if (p.external) {
      points += PROPERTY_POINTS.external;
      props.push("external");
    }
  }
  if (production) {
    points *= 2;
    props.push("production");
  }
  return { points, why: `${p.mode}: ${props.join(", ")}` };
}
function scoreAgent(delta) {
  const parts = [];
  for (const c of delta.gained) {
    const { points, why } = actionPoints(c.after, delta.production);
    parts.push([points, `${c.system}/${c.resource}.${c.action} gained in ${why}`]);
  }
  for (const c of delta.widened) {
    const now = actionPoints(c.after, delta.production);
    const was = actionPoints(c.before, delta.production);
    parts.push([
      Math.max(1, now.points - was.points),
      `${c.system}/${c.resource}.${c.action} widened (${c.details.join("; ")})`
    ]);
  }
  for (const dc of delta.newDataClasses)
    parts.push([DATA_CLASS_POINTS[dc] ?? 1, `data class ${dc} newly in reach`]);
  for (const s of delta.newSystems) parts.push([NEW_SYSTEM_POINTS, `system ${s} newly in reach`]);
  if (delta.change === "added") parts.push([NEW_AGENT_POINTS, "new agent"]);
  if (delta.change === "changed" && delta.tier.before !== delta.tier.after) {
    parts.push([TIER_MOVE_POINTS, `tier ${delta.tier.before} \u2192 ${delta.tier.after}`]);
  }
  return explain(parts);
}
function scoreChange(agents, governanceChanged) {
  const parts = [];
  const sorted = [...agents].filter((a) => a.risk.score > 0).sort((a, b) => b.risk.score - a.risk.score);
  if (sorted[0])
    parts.push([
      sorted[0].risk.score,
      `agent ${sorted[0].name}: ${sorted[0].risk.level} (${sorted[0].risk.score})`
    ]);
  const rest = sorted.slice(1).reduce((sum, a) => sum + a.risk.score, 0);
  if (rest > 0)
    parts.push([
      rest / 10,
      `${sorted.length - 1} more agents gaining access (a tenth of their ${round(rest)})`
    ]);
  if (governanceChanged)
    parts.push([
      GOVERNANCE_POINTS,
      "the rules themselves change (leash.yaml, approval rules, approver groups or tiers)"
    ]);
  return explain(parts);
}
function explain(parts) {
  parts.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
  const score = round(parts.reduce((sum, [p]) => sum + p, 0));
  return {
    score,
    level: levelOf(score),
    reasons: parts.filter(([p]) => p > 0).map(([p, why]) => `+${round(p)} ${why}`)
  };
}
function round(n) {
  return Math.round(n * 10) / 10;
}

// src/diff/diff.ts
function diffSides(base, head, options) {
  const documents = diffDocuments(base, head);
  const fanOut = /* @__PURE__ */ new Map();
  for (const change of documents) {
    change.agents = [...agentsReachedBy(change, base.index, head.index)].sort();
    for (const agent of change.agents) {
      const set = fanOut.get(agent) ?? /* @__PURE__ */ new Set();
      set.add(describeDocument(change));
      fanOut.set(agent, set);
    }
  }
  const isBroken = (change) => (base.index.brokenNames.get(change.kind)?.has(change.name) ?? false) || (head.index.brokenNames.get(change.kind)?.has(change.name) ?? false);
  for (const change of documents) {
    if (isBroken(change)) for (const name of change.agents) fanOut.delete(name);
  }
  for (const change of documents) {
    if (change.kind === "Agent") change.agents = change.agents.filter((a) => fanOut.has(a));
  }
  const only = new Set(fanOut.keys());
  const before = byName(compileModel(base.index, { now: options.now, only }).agents);
  const after = byName(compileModel(head.index, { now: options.now, only }).agents);
  const agents = [];
  for (const name of [...only].sort()) {
    const delta = diffAgent(name, before.get(name), after.get(name), [...fanOut.get(name) ?? []].sort());
    if (delta) agents.push(delta);
  }
  agents.sort((a, b) => b.risk.score - a.risk.score || (a.name < b.name ? -1 : 1));
  const governance = diffGovernance(base, head, documents);
  const governanceChanged = governance.configChanged || governance.approvalRulesChanged || governance.approverGroupsChanged || governance.tiersChanged.length > 0;
  const grants = agents.some(
    (a) => a.change === "added" || a.gained.length > 0 || a.widened.length > 0 || a.change === "changed" && a.tier.before !== a.tier.after
  );
  const removes = agents.some((a) => a.change === "removed" || a.lost.length > 0 || a.narrowed.length > 0);
  const headAgents = options.headAgentCount ?? head.index.agents.length;
  const touched = (file) => base.texts.get(file) !== head.texts.get(file);
  const radius = {
    formatVersion: 1,
    base: { revision: base.revision, ...base.commit ? { commit: base.commit } : {} },
    head: { revision: head.revision, ...head.commit ? { commit: head.commit } : {} },
    asOf: options.now.toISOString(),
    documents,
    agents,
    unchangedAgents: headAgents - agents.filter((a) => a.change !== "removed").length,
    governance,
    removalOnly: removes && !grants && !governanceChanged,
    risk: scoreChange(agents, governanceChanged),
    headline: "",
    diagnostics: [
      ...base.diagnostics.filter((d) => d.severity === "error" && touched(d.file)).map((d) => ({ ...d, message: `in ${base.revision}: ${d.message}` })),
      ...head.diagnostics.filter((d) => d.severity === "error" && touched(d.file)).map((d) => ({ ...d, message: `in ${head.revision}: ${d.message}` }))
    ]
  };
  radius.headline = headline(radius);
  return radius;
}
function byName(agents) {
  return new Map(agents.map((a) => [a.name, a]));
}
function documentKey(doc) {
  return `${doc.kind}\0${doc.name}`;
}
function diffDocuments(base, head) {
  const before = new Map(base.documents.map((d) => [documentKey(d), d]));
  const after = new Map(head.documents.map((d) => [documentKey(d), d]));
  const out = [];
  for (const [key, doc] of after) {
    const old = before.get(key);
    if (!old) {
      const broken = base.index.brokenNames.get(doc.kind)?.has(doc.name);
      out.push({
        kind: doc.kind,
        name: doc.name,
        change: broken ? "modified" : "added",
        file: doc.file,
        agents: []
      });
    } else if (old.file !== doc.file) {
      out.push({
        kind: doc.kind,
        name: doc.name,
        change: "renamed",
        file: doc.file,
        previousFile: old.file,
        agents: []
      });
    } else if (old.data !== doc.data && canonicalJson(old.data) !== canonicalJson(doc.data)) {
      out.push({ kind: doc.kind, name: doc.name, change: "modified", file: doc.file, agents: [] });
    }
  }
  for (const [key, doc] of before) {
    if (after.has(key)) continue;
    const broken = head.index.brokenNames.get(doc.kind)?.has(doc.name);
    out.push({
      kind: doc.kind,
      name: doc.name,
      change: broken ? "modified" : "removed",
      file: doc.file,
      agents: []
    });
  }
  return out.sort(
    (a, b) => a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}
function describeDocument(change) {
  return change.kind === "Config" ? "leash.yaml" : `${change.kind} ${change.name} (${change.file})`;
}
function agentsReachedBy(change, base, head) {
  const out = /* @__PURE__ */ new Set();
  for (const index of [base, head]) {
    for (const agent of index.agents) {
      const spec = agent.data.spec;
      switch (change.kind) {
        case "Agent":
          if (agent.name === change.name) out.add(agent.name);
          break;
        case "Template":
          if ((spec.grants ?? []).some((g) => "template" in g && g.template === change.name))
            out.add(agent.name);
          break;
        case "RiskTier":
          if (spec.tier === change.name) out.add(agent.name);
          break;
        case "System":
          if (index.grantSites(agent).some((s) => s.grant.system === change.name)) out.add(agent.name);
          break;
        case "Config":
          if (base.isProduction(spec.environment) !== head.isProduction(spec.environment))
            out.add(agent.name);
          break;
      }
    }
  }
  return out;
}
function permissionKey(p) {
  return `${p.system}/${p.resource}.${p.action}`;
}
function diffAgent(name, before, after, causes) {
  const subject = after ?? before;
  if (!subject) return void 0;
  const old = new Map((before?.permissions ?? []).map((p) => [permissionKey(p), p]));
  const now = new Map((after?.permissions ?? []).map((p) => [permissionKey(p), p]));
  const gained = [];
  const lost = [];
  const widened = [];
  const narrowed = [];
  for (const [key, p] of now) {
    const q = old.get(key);
    if (!q) {
      const wildcard = p.sources.map((s) => s.resourcePattern).find((r) => r !== void 0 && isGlob(r));
      gained.push({
        change: "gained",
        system: p.system,
        resource: p.resource,
        action: p.action,
        after: p,
        details: [],
        facts: wildcard ? { viaWildcard: wildcard } : {}
      });
      continue;
    }
    const compared = comparePermission(q, p);
    if (compared.widened.length > 0) {
      widened.push({
        change: "widened",
        system: p.system,
        resource: p.resource,
        action: p.action,
        before: q,
        after: p,
        ...compared.change
      });
    } else if (compared.narrowed.length > 0) {
      narrowed.push({
        change: "narrowed",
        system: p.system,
        resource: p.resource,
        action: p.action,
        before: q,
        after: p,
        ...compared.change
      });
    }
  }
  for (const [key, q] of old) {
    if (!now.has(key))
      lost.push({
        change: "lost",
        system: q.system,
        resource: q.resource,
        action: q.action,
        before: q,
        details: [],
        facts: {}
      });
  }
  const tierMoved = before?.tier !== after?.tier;
  const statusMoved = before?.status !== after?.status;
  const change = !before ? "added" : !after ? "removed" : "changed";
  if (change === "changed" && !gained.length && !lost.length && !widened.length && !narrowed.length && !tierMoved && !statusMoved) {
    return void 0;
  }
  const held = (ps) => [...ps];
  const systemsBefore = new Set(held(old.values()).map((p) => p.system));
  const classesBefore = new Set(held(old.values()).flatMap((p) => p.dataClasses));
  const newlyHeld = [
    ...gained.map((c) => c.after),
    ...widened.filter((c) => c.facts.modeRaised && isExecutingMode(c.facts.modeRaised.to)).map((c) => c.after)
  ];
  const names = (pred) => [...new Set(newlyHeld.filter(pred).map(permissionKey))].sort();
  const delta = {
    name,
    change,
    file: subject.file,
    owner: subject.owner,
    environment: subject.environment,
    production: subject.production,
    tier: { ...before ? { before: before.tier } : {}, ...after ? { after: after.tier } : {} },
    status: { ...before ? { before: before.status } : {}, ...after ? { after: after.status } : {} },
    gained: gained.sort(compareChanges),
    lost: lost.sort(compareChanges),
    widened: widened.sort(compareChanges),
    narrowed: narrowed.sort(compareChanges),
    newSystems: [...new Set(held(now.values()).map((p) => p.system))].filter((s) => !systemsBefore.has(s)).sort(),
    newDataClasses: [...new Set(held(now.values()).flatMap((p) => p.dataClasses))].filter((c) => !classesBefore.has(c)).sort(),
    newIrreversible: names((p) => !p.reversible && p.effect === "write"),
    newExternal: names((p) => p.external),
    newFinancial: names((p) => p.financial),
    newCritical: names((p) => p.risk === "critical"),
    causes,
    risk: { score: 0, level: "none", reasons: [] }
  };
  delta.risk = scoreAgent(delta);
  return delta;
}
function compareChanges(a, b) {
  const x = `${a.system}/${a.resource}.${a.action}`;
  const y = `${b.system}/${b.resource}.${b.action}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
function comparePermission(before, after) {
  const widened = [];
  const narrowed = [];
  const facts = {};
  const rb = rankMode(before.mode);
  const ra = rankMode(after.mode);
  if (ra > rb) {
    widened.push(`mode ${before.mode} \u2192 ${after.mode}`);
    facts.modeRaised = { from: before.mode, to: after.mode };
  } else if (ra < rb) narrowed.push(`mode ${before.mode} \u2192 ${after.mode}`);
  if (before.fields && !after.fields) widened.push("fields: limited \u2192 every field");
  else if (!before.fields && after.fields) narrowed.push(`fields: every field \u2192 ${after.fields.join(", ")}`);
  else if (before.fields && after.fields) {
    const added = after.fields.filter((f) => !before.fields.includes(f));
    const removed = before.fields.filter((f) => !after.fields.includes(f));
    if (added.length) {
      widened.push(`fields + ${added.join(", ")}`);
      facts.fieldsAdded = added;
    }
    if (removed.length) narrowed.push(`fields \u2212 ${removed.join(", ")}`);
  }
  if (after.fields === void 0 && before.fields !== void 0) facts.fieldsAdded = ["*"];
  const cb = before.conditions ?? {};
  const ca = after.conditions ?? {};
  const relaxed = [];
  for (const key of /* @__PURE__ */ new Set([...Object.keys(cb), ...Object.keys(ca)])) {
    const b = cb[key];
    const a = ca[key];
    if (b !== void 0 && a === void 0) {
      widened.push(`condition ${key} removed`);
      relaxed.push(key);
    } else if (b === void 0 && a !== void 0) narrowed.push(`condition ${key} added`);
    else if (canonicalJson(a) !== canonicalJson(b)) {
      const looser = key === "maxAmount" ? looserAmount(b, a) : key === "rateLimit" ? looserRate(b, a) : void 0;
      if (looser === false) narrowed.push(`condition ${key} tightened`);
      else {
        widened.push(`condition ${key} changed`);
        relaxed.push(key);
      }
    }
  }
  if (relaxed.length) facts.conditionsRelaxed = relaxed;
  if (before.expires !== after.expires) {
    const b = before.expires ? parseLeashDate(before.expires).getTime() : Infinity;
    const a = after.expires ? parseLeashDate(after.expires).getTime() : Infinity;
    const text = `expiry ${before.expires ?? "none"} \u2192 ${after.expires ?? "none"}`;
    if (a > b) {
      widened.push(text);
      facts.expiryExtended = { from: before.expires, ...after.expires ? { to: after.expires } : {} };
    } else if (a < b) narrowed.push(text);
  }
  return { widened, narrowed, change: { details: [...widened, ...narrowed], facts } };
}
function looserAmount(before, after) {
  const b = before;
  const a = after;
  if (a.currency !== b.currency) return void 0;
  return a.value > b.value;
}
function looserRate(before, after) {
  const perMinute = { minute: 1, hour: 60, day: 1440 };
  const b = before;
  const a = after;
  return a.count / perMinute[a.per] > b.count / perMinute[b.per];
}
function diffGovernance(base, head, documents) {
  const spec = (side) => side.index.config?.data.spec ?? {};
  const same = (a, b) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
  return {
    configChanged: documents.some((d) => d.kind === "Config"),
    approvalRulesChanged: !same(spec(base).approvals, spec(head).approvals),
    approverGroupsChanged: !same(spec(base).approverGroups, spec(head).approverGroups),
    tiersChanged: documents.filter((d) => d.kind === "RiskTier").map((d) => d.name)
  };
}
function headline(radius) {
  const { agents } = radius;
  if (agents.length === 0) {
    return radius.documents.length === 0 ? "No change in access" : `No change in access (${plural(radius.documents.length, "document")} changed)`;
  }
  const parts = [];
  const added = agents.filter((a) => a.change === "added").length;
  const gaining = agents.filter(
    (a) => a.change !== "added" && (a.gained.length > 0 || a.widened.length > 0)
  ).length;
  const losing = agents.filter(
    (a) => a.change === "removed" || a.lost.length + a.narrowed.length > 0 && a.gained.length + a.widened.length === 0
  ).length;
  if (added) parts.push(`${plural(added, "new agent")}`);
  if (gaining) parts.push(`${plural(gaining, "agent")} ${gaining === 1 ? "gains" : "gain"} access`);
  if (losing) parts.push(`${plural(losing, "agent")} ${losing === 1 ? "loses" : "lose"} access`);
  const moved = agents.filter((a) => a.change === "changed" && a.tier.before !== a.tier.after).length;
  if (moved) parts.push(`${plural(moved, "agent")} ${moved === 1 ? "moves" : "move"} tier`);
  const worst = agents.filter(
    (a) => a.newIrreversible.length + a.newFinancial.length + a.newExternal.length + a.newCritical.length > 0
  );
  const prod = worst.filter((a) => a.production);
  const pick = prod.length ? prod : worst;
  if (pick.length) {
    const kinds = /* @__PURE__ */ new Set();
    for (const a of pick) {
      if (a.newCritical.length) kinds.add("critical");
      if (a.newIrreversible.length) kinds.add("irreversible");
      if (a.newExternal.length) kinds.add("external");
      if (a.newFinancial.length) kinds.add("financial");
    }
    const what = ["critical", "irreversible", "external", "financial"].filter((k) => kinds.has(k)).join(" ");
    parts.push(
      pick.length === 1 ? `1 gains ${/^[aeiou]/.test(what) ? "an" : "a"} ${what} action${prod.length ? " in production" : ""}` : `${pick.length} gain ${what} actions${prod.length ? " in production" : ""}`
    );
  }
  if (parts.length === 0) parts.push(`${plural(agents.length, "agent")} changed`);
  return parts.join("; ");
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// src/diff/sides.ts
function diffWholeReads(base, head, options) {
  const cache = createLoadCache();
  return diffSides(loadSide(base, cache), loadSide(head, cache), options);
}
function diffTargetedReads(base, head, options) {
  const { cache } = options;
  const needed = sharedFilesNeeded([base.shared, head.shared], [base.agents, head.agents], cache);
  const pick = (r) => ({
    files: r.files.filter((f) => needed.has(f.path)),
    diagnostics: r.diagnostics.filter((d) => needed.has(d.file))
  });
  const side = (s) => ({
    revision: s.revision,
    ...s.commit ? { commit: s.commit } : {},
    read: merge(pick(s.shared), s.agents)
  });
  return diffSides(loadSide(side(base), cache), loadSide(side(head), cache), {
    now: options.now,
    headAgentCount: options.headAgentCount
  });
}
var baseName = (path) => path.slice(path.lastIndexOf("/") + 1).replace(/\.ya?ml$/, "");
function sharedFilesNeeded(shared, agents, cache) {
  const texts = shared.map((r) => new Map(r.files.map((f) => [f.path, f.text])));
  const paths = new Set(shared.flatMap((r) => r.files.map((f) => f.path)));
  const byName2 = (folder) => {
    const m = /* @__PURE__ */ new Map();
    for (const p of paths) {
      if (!p.startsWith(folder + "/")) continue;
      const name = baseName(p);
      const same = m.get(name);
      if (same) same.push(p);
      else m.set(name, [p]);
    }
    return m;
  };
  const templates = byName2("templates");
  const systems = byName2("systems");
  const needed = /* @__PURE__ */ new Set();
  for (const p of paths) {
    if (p === "leash.yaml" || p.startsWith("tiers/") || texts[0].get(p) !== texts[1].get(p)) needed.add(p);
  }
  for (const r of shared) for (const d of r.diagnostics) needed.add(d.file);
  const systemNames = /* @__PURE__ */ new Set();
  const templateNames = /* @__PURE__ */ new Set();
  for (const side of agents) {
    for (const doc of loadPolicyFiles(side.files, { cache }).documents) {
      if (doc.kind !== "Agent") continue;
      for (const g of doc.data.spec.grants ?? []) {
        if ("template" in g) templateNames.add(g.template);
        else systemNames.add(g.system);
      }
    }
  }
  for (const name of templateNames) for (const p of templates.get(name) ?? []) needed.add(p);
  for (const r of shared) {
    const picked = r.files.filter((f) => f.path.startsWith("templates/") && needed.has(f.path));
    for (const doc of loadPolicyFiles(picked, { cache }).documents) {
      if (doc.kind === "Template") for (const g of doc.data.spec.grants) systemNames.add(g.system);
    }
  }
  for (const name of systemNames) for (const p of systems.get(name) ?? []) needed.add(p);
  return needed;
}
function merge(a, b) {
  return { files: [...a.files, ...b.files], diagnostics: [...a.diagnostics, ...b.diagnostics] };
}
function reachNames(base, head, cache) {
  const bt = new Map(base.files.map((f) => [f.path, f.text]));
  const at = new Map(head.files.map((f) => [f.path, f.text]));
  const names = /* @__PURE__ */ new Set();
  const changedSystems = /* @__PURE__ */ new Set();
  const unreadable = new Set([...base.diagnostics, ...head.diagnostics].map((d) => d.file));
  for (const path of /* @__PURE__ */ new Set([...bt.keys(), ...at.keys(), ...unreadable])) {
    if (path === "leash.yaml" || bt.get(path) === at.get(path) && !unreadable.has(path)) continue;
    names.add(baseName(path));
    if (path.startsWith("systems/")) changedSystems.add(baseName(path));
  }
  if (changedSystems.size > 0) {
    const mention = new RegExp(
      `(^|[^a-z0-9-])(${[...changedSystems].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})($|[^a-z0-9-])`
    );
    for (const texts of [bt, at]) {
      for (const [path, text] of texts)
        if (path.startsWith("templates/") && mention.test(text)) names.add(baseName(path));
    }
  }
  const config = (r) => {
    const loaded = loadPolicyFiles(
      r.files.filter((f) => f.path === "leash.yaml"),
      { cache }
    );
    return {
      present: r.files.some((f) => f.path === "leash.yaml"),
      doc: loaded.documents.find((d) => d.kind === "Config")
    };
  };
  const cb = config(base);
  const ca = config(head);
  const envs = (c) => c.doc?.kind === "Config" ? c.doc.data.spec.environments ?? {} : void 0;
  const eb = envs(cb);
  const ea = envs(ca);
  if (canonicalJson(eb ?? null) !== canonicalJson(ea ?? null)) {
    const prod = (e, n) => e?.[n]?.production ?? (e ? false : n === "production" || n === "prod");
    for (const n of /* @__PURE__ */ new Set([...Object.keys(eb ?? {}), ...Object.keys(ea ?? {}), "production", "prod"])) {
      if (prod(eb, n) !== prod(ea, n)) names.add(n);
    }
  }
  const broken = (c) => c.present && !c.doc;
  if (broken(cb) !== broken(ca)) names.add("environment");
  return [...names].sort();
}
function loadSide(side, cache) {
  const { read } = side;
  const loaded = loadPolicyFiles(read.files, { cache });
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const diagnostics = sortDiagnostics(
    locateDiagnostics([...read.diagnostics, ...loaded.diagnostics], (f) => texts.get(f), loaded.locators)
  );
  return {
    revision: side.revision,
    ...side.commit ? { commit: side.commit } : {},
    documents: loaded.documents,
    index: buildPolicyIndex(loaded.documents, loaded.brokenNames),
    diagnostics,
    texts
  };
}
function loadConfig(read) {
  const loaded = loadPolicyFiles(read.files);
  const config = loaded.documents.find((d) => d.kind === "Config");
  if (config?.kind === "Config") return { config: config.data, problems: [] };
  return {
    problems: [...read.diagnostics, ...loaded.diagnostics].map((d) => `${d.ruleId}: ${d.message}`)
  };
}
export {
  createLoadCache,
  diffTargetedReads,
  diffWholeReads,
  loadConfig,
  loadSide,
  reachNames
};
