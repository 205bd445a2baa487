import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DEFAULT_EXPIRY_RISKS,
  DEFAULT_GATED_RISKS,
  describeHeldGrant,
  forEachWrittenGrant,
  grantKey,
  joinAnd,
  listNames,
  locateHeldGrant
} from "./chunk-7LOK7AJX.js";
import {
  isGlob,
  isWrite,
  parseDuration,
  parseLeashDate,
  toPointer
} from "./chunk-U3POP4QY.js";
import {
  rankMode,
  rankRisk
} from "./chunk-YJ3X6INZ.js";

// src/lint/rule.ts
function createRule(rule) {
  return rule;
}

// src/lint/rules/duplicate-grant.ts
var duplicate_grant_default = createRule({
  id: "duplicate-grant",
  meta: {
    description: "The same grant is held twice: written twice, reached both inline and through a template, or through a template included twice.",
    severity: "warning",
    hint: "Remove the second copy; one grant (or one template reference) is enough.",
    category: "hygiene"
  },
  check({ index, report }) {
    for (const template of index.templates.values()) {
      const first = /* @__PURE__ */ new Map();
      template.data.spec.grants.forEach((grant, j) => {
        const key = grantKey(grant);
        const i = first.get(key);
        if (i === void 0) first.set(key, j);
        else
          report({
            file: template.file,
            pointer: toPointer("spec", "grants", j),
            message: `template '${template.name}' repeats the grant ${describeGrant(grant)} already written at /spec/grants/${i}`
          });
      });
    }
    for (const agent of index.agents) {
      const included = /* @__PURE__ */ new Map();
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!("template" in entry)) return;
        const pointer = toPointer("spec", "grants", i);
        const first = included.get(entry.template);
        if (first === void 0) {
          included.set(entry.template, pointer);
          return;
        }
        report({
          file: agent.file,
          pointer: `${pointer}/template`,
          message: `agent '${agent.name}' includes template '${entry.template}' again; it is already included at ${first}`
        });
      });
      const seen = /* @__PURE__ */ new Map();
      for (const site of index.grantSites(agent)) {
        const key = grantKey(site.grant);
        const first = seen.get(key);
        if (!first) {
          seen.set(key, site);
          continue;
        }
        if (first.via && site.via && first.via.template === site.via.template) continue;
        report({
          file: agent.file,
          pointer: site.via ? `${site.via.pointer}/template` : site.pointer,
          message: `agent '${agent.name}' holds the grant ${describeGrant(site.grant)} twice: ${describeSite(site)} repeats ${describeSite(first)}`
        });
      }
    }
  }
});
function describeGrant(grant) {
  return `${grant.system} '${grant.resource}' [${grant.actions.join(", ")}] in ${grant.mode}`;
}
function describeSite(site) {
  return site.via ? `template '${site.via.template}' (included at ${site.via.pointer}, grant ${site.pointer})` : `the inline grant at ${site.pointer}`;
}

// src/lint/rules/expired-grant.ts
function describeGrant2(g) {
  return `${g.system}/${g.resource} [${g.actions.join(", ")}]`;
}
var expired_grant_default = createRule({
  id: "expired-grant",
  meta: {
    description: "A grant or template reference carries an expiry that has already passed.",
    severity: "warning",
    hint: "Remove the lapsed grant (it no longer gives access), or renew it with a new expiry in a reviewed change.",
    category: "expiry"
  },
  check({ index, now, report }) {
    const nowMs = now.getTime();
    const expired = (value) => value !== void 0 && parseLeashDate(value).getTime() < nowMs;
    for (const agent of index.agents) {
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!expired(entry.expires)) return;
        report({
          file: agent.file,
          pointer: toPointer("spec", "grants", i, "expires"),
          message: "template" in entry ? `the use of template '${entry.template}' by agent '${agent.name}' expired on ${entry.expires}` : `the grant ${describeGrant2(entry)} of agent '${agent.name}' expired on ${entry.expires}`
        });
      });
    }
    for (const template of index.templates.values()) {
      template.data.spec.grants.forEach((grant, i) => {
        if (!expired(grant.expires)) return;
        report({
          file: template.file,
          pointer: toPointer("spec", "grants", i, "expires"),
          message: `the grant ${describeGrant2(grant)} of template '${template.name}' expired on ${grant.expires}`
        });
      });
    }
  }
});

// src/lint/rules/expiry-too-long.ts
var DAY_MS = 864e5;
function describeGrant3(site) {
  const g = site.grant;
  return `${g.system}/${g.resource} [${g.actions.join(", ")}]`;
}
var expiry_too_long_default = createRule({
  id: "expiry-too-long",
  meta: {
    description: "A grant's expiry lies further ahead than its agent's RiskTier allows (expiry.maxDays).",
    severity: "error",
    hint: "Move the expiry closer, within the tier's expiry.maxDays from today.",
    category: "expiry"
  },
  check({ index, now, report }) {
    const limitByTier = /* @__PURE__ */ new Map();
    const limitOf = (tierName, maxDays) => {
      let hit = limitByTier.get(tierName);
      if (hit === void 0) {
        const lastDay = maxDays === void 0 ? void 0 : new Date(now.getTime() + maxDays * DAY_MS).toISOString().slice(0, 10);
        hit = lastDay === void 0 ? null : { lastDay, limit: parseLeashDate(lastDay).getTime() };
        limitByTier.set(tierName, hit);
      }
      return hit;
    };
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxDays = tier.data.spec.expiry?.maxDays;
      const bounds = limitOf(tier.name, maxDays);
      if (!bounds) continue;
      const { lastDay, limit } = bounds;
      let reportedRefs;
      for (const site of index.grantSites(agent)) {
        const expires = site.expires;
        if (expires === void 0 || parseLeashDate(expires).getTime() <= limit) continue;
        const bound = `after ${lastDay}, the last day tier '${tier.name}' allows (${maxDays} days from now)`;
        if (!site.via) {
          report({
            file: site.file,
            pointer: `${site.pointer}/expires`,
            message: `agent '${agent.name}' holds ${describeGrant3(site)} until ${expires}, ${bound}`
          });
        } else if (site.via.expires !== void 0 && site.via.expires === expires) {
          reportedRefs ??= /* @__PURE__ */ new Set();
          if (reportedRefs.has(site.via.pointer)) continue;
          reportedRefs.add(site.via.pointer);
          report({
            file: site.via.file,
            pointer: `${site.via.pointer}/expires`,
            message: `agent '${agent.name}' holds template '${site.via.template}' until ${expires}, ${bound}`
          });
        } else {
          report({
            file: site.via.file,
            pointer: `${site.via.pointer}/template`,
            message: `agent '${agent.name}' holds ${describeGrant3(site)} through template '${site.via.template}' until ${expires} (the template grant's expiry), ${bound}`
          });
        }
      }
    }
  }
});

// src/lint/rules/missing-expiry.ts
var missing_expiry_default = createRule({
  id: "missing-expiry",
  meta: {
    description: "An agent holds a grant covering an action whose risk its RiskTier requires to expire (expiry.requiredFor), and the grant has no expiry.",
    severity: "error",
    hint: "Add expires: to the grant, or to the template reference when the grant comes from a template.",
    category: "expiry"
  },
  check({ index, report }) {
    const requiredByTier = /* @__PURE__ */ new Map();
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      let required = requiredByTier.get(tier.name);
      if (!required) {
        required = new Set(tier.data.spec.expiry?.requiredFor ?? DEFAULT_EXPIRY_RISKS);
        requiredByTier.set(tier.name, required);
      }
      if (required.size === 0) continue;
      for (const site of index.grantSites(agent)) {
        if (site.expires !== void 0 || site.grant.mode === "escalate" || site.grant.mode === "read-only")
          continue;
        let top;
        for (const c of index.coveredActions(site.grant)) {
          if (!required.has(c.action.risk)) continue;
          if (!top || rankRisk(c.action.risk) > rankRisk(top.risk))
            top = { name: `${site.grant.system}/${c.resourceName}.${c.actionName}`, risk: c.action.risk };
        }
        if (!top) continue;
        report({
          ...site.via ? { file: site.via.file, pointer: `${site.via.pointer}/template` } : { file: site.file, pointer: `${site.pointer}/expires` },
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)} in ${site.grant.mode} mode with no expiry, but it covers ${top.name} (${top.risk} risk) and tier '${tier.name}' requires an expiry for ${joinAnd([...required])} risks`
        });
      }
    }
  }
});

// src/lint/rules/missing-sponsor.ts
var missing_sponsor_default = createRule({
  id: "missing-sponsor",
  meta: {
    description: "An agent names no sponsor although its tier requires an accountable human (sponsorRequired: true).",
    severity: "error",
    hint: "Add spec.sponsor with the e-mail address of the human accountable for the agent.",
    category: "identity"
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      if (agent.data.spec.sponsor !== void 0) continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      if (tier?.data.spec.sponsorRequired !== true) continue;
      report({
        file: agent.file,
        pointer: "/spec",
        on: "key",
        message: `agent '${agent.name}' has no sponsor, but its tier '${tier.name}' requires one`
      });
    }
  }
});

// src/lint/rules/mode-above-tier.ts
var mode_above_tier_default = createRule({
  id: "mode-above-tier",
  meta: {
    description: "An agent holds a grant in a mode above the highest mode its RiskTier allows (maxMode).",
    severity: "error",
    hint: "Lower the grant's mode to the tier's maxMode, or move the agent to a tier that allows the mode (a reviewed change).",
    category: "tier-bounds"
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxMode = tier.data.spec.maxMode;
      const maxRank = rankMode(maxMode);
      for (const site of index.grantSites(agent)) {
        const mode = site.grant.mode;
        if (rankMode(mode) <= maxRank) continue;
        report({
          ...locateHeldGrant(site, "mode"),
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)} in ${mode} mode, above ${maxMode}, the highest mode its tier '${tier.name}' allows`
        });
      }
    }
  }
});

// src/lint/rules/overlapping-grants.ts
var MAX_LISTED = 3;
var overlapping_grants_default = createRule({
  id: "overlapping-grants",
  meta: {
    description: "Two different grants of one agent cover the same system, resource and action, so which mode applies is unclear.",
    severity: "warning",
    hint: "Keep one grant per resource and action: merge the two, or narrow one so they no longer overlap.",
    category: "hygiene"
  },
  check({ index, report }) {
    const pairs = /* @__PURE__ */ new WeakMap();
    const pairsOf = (grant) => {
      const covered = index.coveredActions(grant);
      let hit = pairs.get(covered);
      if (hit === void 0) {
        hit = covered.map((c) => `${grant.system}\0${c.resourceName}\0${c.actionName}`);
        pairs.set(covered, hit);
      }
      return hit;
    };
    const findOverlaps = (grants, skip) => {
      const byPair = /* @__PURE__ */ new Map();
      const found = /* @__PURE__ */ new Map();
      grants.forEach((grant, at) => {
        for (const pair of pairsOf(grant)) {
          const coverings = byPair.get(pair);
          if (!coverings) {
            byPair.set(pair, [at]);
            continue;
          }
          const key = grantKey(grant);
          const flagged = /* @__PURE__ */ new Set();
          for (const earlier of coverings) {
            if (earlier === at) continue;
            const earlierKey = grantKey(grants[earlier]);
            if (earlierKey === key || flagged.has(earlierKey) || skip(at, earlier)) continue;
            flagged.add(earlierKey);
            let withLater = found.get(at);
            if (!withLater) found.set(at, withLater = /* @__PURE__ */ new Map());
            const shared = withLater.get(earlier);
            if (shared) shared.push(pair);
            else withLater.set(earlier, [pair]);
          }
          coverings.push(at);
        }
      });
      return found;
    };
    for (const template of index.templates.values()) {
      const grants = template.data.spec.grants;
      for (const [later, withEarlier] of findOverlaps(grants, () => false)) {
        for (const [earlier, shared] of withEarlier) {
          report({
            file: template.file,
            pointer: toPointer("spec", "grants", later),
            message: `template '${template.name}' grants ${listPairs(shared)} twice: in ${grants[earlier].mode} at /spec/grants/${earlier} and in ${grants[later].mode} at /spec/grants/${later}`
          });
        }
      }
    }
    for (const agent of index.agents) {
      const sites = index.grantSites(agent);
      if (sites.length < 2) continue;
      const sameTemplate = (a, b) => {
        const va = sites[a].via;
        const vb = sites[b].via;
        return va !== void 0 && vb !== void 0 && va.template === vb.template;
      };
      const found = findOverlaps(
        sites.map((s) => s.grant),
        sameTemplate
      );
      for (const [later, withEarlier] of found) {
        const site = sites[later];
        for (const [earlier, shared] of withEarlier) {
          const first = sites[earlier];
          report({
            file: agent.file,
            pointer: site.via ? `${site.via.pointer}/template` : site.pointer,
            message: `agent '${agent.name}' holds ${listPairs(shared)} twice: in ${first.grant.mode} by ${describeSite2(first)} and in ${site.grant.mode} by ${describeSite2(site)}`
          });
        }
      }
    }
  }
});
function listPairs(pairs) {
  const shown = pairs.slice(0, MAX_LISTED).map((p) => {
    const [system, resource, action] = p.split("\0");
    return `${system} ${resource}.${action}`;
  });
  const more = pairs.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` and ${more} more` : "");
}
function describeSite2(site) {
  return site.via ? `template '${site.via.template}' (included at ${site.via.pointer}, grant ${site.pointer})` : `the inline grant at ${site.pointer}`;
}

// src/lint/rules/pii-write-without-fields.ts
var LEAST_CHANGING_MODE = rankMode("draft-only");
var MAX_LISTED2 = 5;
var pii_write_without_fields_default = createRule({
  id: "pii-write-without-fields",
  meta: {
    description: "A grant that can change data (draft-only and up) writes to a resource holding pii without limiting itself to a fields list.",
    severity: "error",
    hint: "Add a fields list naming only the fields the agent must change.",
    category: "least-privilege"
  },
  check({ index, report }) {
    const piiCache = /* @__PURE__ */ new WeakMap();
    const piiOf = (resource) => {
      if (piiCache.has(resource)) return piiCache.get(resource);
      const fields = Object.entries(resource.fields ?? {}).filter(([, f]) => f.dataClasses?.includes("pii")).map(([name]) => name);
      const hit = resource.dataClasses?.includes("pii") || fields.length > 0 ? fields : void 0;
      piiCache.set(resource, hit);
      return hit;
    };
    const check = (file, owner, grant, i) => {
      if (grant.fields || rankMode(grant.mode) < LEAST_CHANGING_MODE) return;
      const hits = /* @__PURE__ */ new Map();
      for (const c of index.coveredActions(grant)) {
        if (!isWrite(c.action)) continue;
        const piiFields = piiOf(c.resource);
        if (!piiFields) continue;
        const hit = hits.get(c.resourceName) ?? { actions: [], piiFields };
        hit.actions.push(c.actionName);
        hits.set(c.resourceName, hit);
      }
      if (hits.size === 0) return;
      const described = [...hits].slice(0, MAX_LISTED2).map(([name, { actions, piiFields }]) => {
        const where = piiFields.length > 0 ? `pii in ${piiFields.join(", ")}` : "pii";
        return `'${name}' (${actions.join(", ")}; ${where})`;
      });
      const more = hits.size - described.length;
      report({
        file,
        pointer: toPointer("spec", "grants", i, "resource"),
        message: `${owner} may write to ${described.join(", ")}${more > 0 ? ` and ${more} more resources` : ""} in system '${grant.system}' in ${grant.mode} mode with no fields list`
      });
    };
    forEachWrittenGrant(index, check);
  }
});

// src/lint/rules/review-overdue.ts
var HOUR_MS = 36e5;
var DAY_MS2 = 24 * HOUR_MS;
var review_overdue_default = createRule({
  id: "review-overdue",
  meta: {
    description: "An agent's access review is missing or older than its tier's reviewEvery allows.",
    severity: "warning",
    hint: "Have the sponsor review the agent's access, then set spec.lastReviewed to the review date.",
    category: "hygiene"
  },
  check({ index, now, report }) {
    for (const agent of index.agents) {
      const status = agent.data.spec.status ?? "active";
      if (status !== "active") continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      const every = tier?.data.spec.reviewEvery;
      if (!tier || every === void 0) continue;
      const period = parseDuration(every);
      if (period === void 0) continue;
      const requirement = `tier '${tier.name}' requires a review every ${every}`;
      const last = agent.data.spec.lastReviewed;
      if (last === void 0) {
        report({
          file: agent.file,
          pointer: "/spec",
          on: "key",
          message: `agent '${agent.name}' has no lastReviewed date; ${requirement}`
        });
        continue;
      }
      const reviewed = parseLeashDate(last).getTime();
      if (Number.isNaN(reviewed)) continue;
      const age = now.getTime() - reviewed;
      if (age <= period) continue;
      const due = new Date(reviewed + period).toISOString().slice(0, 10);
      report({
        file: agent.file,
        pointer: "/spec/lastReviewed",
        message: `agent '${agent.name}' was last reviewed on ${last}, ${describeAge(age)} ago; ${requirement}, so a review was due by ${due}`
      });
    }
  }
});
function describeAge(ms) {
  if (ms < 2 * DAY_MS2) {
    const hours = Math.floor(ms / HOUR_MS);
    return `${hours} hour${hours === 1 ? "" : "s"}`;
  }
  return `${Math.floor(ms / DAY_MS2)} days`;
}

// src/lint/rules/risk-above-tier.ts
var riskiestCache = /* @__PURE__ */ new WeakMap();
function riskiest(covered) {
  if (riskiestCache.has(covered)) return riskiestCache.get(covered);
  let top;
  for (const c of covered) if (!top || rankRisk(c.action.risk) > rankRisk(top.action.risk)) top = c;
  riskiestCache.set(covered, top);
  return top;
}
var risk_above_tier_default = createRule({
  id: "risk-above-tier",
  meta: {
    description: "An agent holds a grant covering an action riskier than its RiskTier's maxRisk.",
    severity: "error",
    hint: "Drop the risky action from the grant (list actions instead of a wildcard), or move the agent to a tier that allows the risk (a reviewed change).",
    category: "tier-bounds"
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxRisk = tier.data.spec.maxRisk;
      const maxRank = rankRisk(maxRisk);
      for (const site of index.grantSites(agent)) {
        if (site.grant.mode === "escalate") continue;
        const top = riskiest(index.coveredActions(site.grant));
        if (!top || rankRisk(top.action.risk) <= maxRank) continue;
        let location;
        if (site.via) location = { file: site.via.file, pointer: `${site.via.pointer}/template` };
        else {
          const named = site.grant.actions.indexOf(top.actionName);
          const at = named >= 0 ? named : site.grant.actions.indexOf("*");
          location = { file: site.file, pointer: `${site.pointer}${toPointer("actions", Math.max(at, 0))}` };
        }
        report({
          ...location,
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)}, which covers ${site.grant.system}/${top.resourceName}.${top.actionName} (${top.action.risk} risk), above ${maxRisk}, the highest risk its tier '${tier.name}' allows`
        });
      }
    }
  }
});

// src/lint/rules/secret-value.ts
var REFERENCE = /^(?:vault|aws-sm|azure-kv|gcp-sm|k8s-secret|env|1password):\/\/[A-Za-z0-9._/-]+(?:#[A-Za-z0-9._-]+)?$/;
var EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
var PLACEHOLDER = /^(?:\$\{[^}]*\}?|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|<[^>]*>|\*+|x+|\.{3}|(?:redacted|changeme|example|placeholder|none|null|n\/a)\b.*)$/i;
var REFERENCE_LIKE = /^(?:[a-z0-9+.-]+:\/\/|env:|ref:)/i;
var PLAIN_WORD = /^[A-Za-z][a-z-]*$/;
var notPlaceholder = (secret) => !PLACEHOLDER.test(secret) && !REFERENCE_LIKE.test(secret);
var looksLikePassword = (secret) => secret.length >= 6 && !PLAIN_WORD.test(secret) && notPlaceholder(secret);
var DETECTORS = [
  { kind: "private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/ },
  { kind: "AWS access key id", pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  {
    kind: "GitHub token",
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/
  },
  { kind: "Slack token", pattern: /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,}/ },
  { kind: "Stripe key", pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}/ },
  {
    kind: "JSON Web Token",
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/
  },
  {
    kind: "URL with a password",
    pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i,
    group: 1,
    accept: notPlaceholder
  },
  {
    kind: "password assignment",
    pattern: /\b(?:password|passwd|passphrase|secret|client[_-]?secret|token|api[_-]?key|access[_-]?key|private[_-]?key)\s*[:=]\s*["']?([^\s"',;]+)/i,
    group: 1,
    accept: looksLikePassword
  }
];
var PREFILTER = /AKIA|ASIA|gh[pousr]_|github_pat_|xox[baprs]-|k_live_|private|eyJ|:\/\/|passw|passphrase|secret|token|api[_-]?key|access[_-]?key/i;
var SECRET_KEY = /^(?:password|passwd|passphrase|secret|client[_-]?secret|token|api[_-]?key|access[_-]?key|private[_-]?key)$/i;
var CANDIDATE = /[A-Za-z0-9+/=_-]{32,}/g;
var MIN_ENTROPY = 4;
var MIN_SWITCH_RATIO = 0.35;
var secret_value_default = createRule({
  id: "secret-value",
  meta: {
    description: "A value in a policy file looks like a secret (a key, a token, a password, a private key); files hold references to secrets, never secrets.",
    severity: "error",
    hint: "Remove the secret, rotate it (it is in git history now), and refer to it with a credentialRef such as vault://\u2026.",
    category: "identity"
  },
  check({ index, report }) {
    const documents = [
      ...index.config ? [index.config] : [],
      ...index.agents,
      ...index.templates.values(),
      ...index.tiers.values(),
      ...index.systems.values()
    ];
    for (const doc of documents) {
      const path = [];
      const visit = (value, key) => {
        if (typeof value === "string") {
          const found = detectSecret(value, key);
          if (found) {
            report({
              file: doc.file,
              pointer: toPointer(...path),
              message: `this value looks like a ${found.kind} (${preview(found.secret)}); policy files must not hold secrets`
            });
          }
        } else if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            path.push(i);
            visit(value[i], key);
            path.pop();
          }
        } else if (value !== null && typeof value === "object") {
          for (const k of Object.keys(value)) {
            path.push(k);
            visit(value[k], k);
            path.pop();
          }
        }
      };
      visit(doc.data, void 0);
    }
  }
});
function detectSecret(value, key) {
  if (value.length < 8) return void 0;
  if (REFERENCE.test(value) || EMAIL.test(value)) return void 0;
  if (PREFILTER.test(value)) {
    for (const d of DETECTORS) {
      const m = d.pattern.exec(value);
      if (!m) continue;
      const secret = m[d.group ?? 0] ?? m[0];
      if (d.accept && !d.accept(secret)) continue;
      return { kind: d.kind, secret: m[0] };
    }
  }
  if (key !== void 0 && SECRET_KEY.test(key) && looksLikePassword(value)) {
    return { kind: `value of '${key}'`, secret: value };
  }
  if (value.length >= 32) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(value); m; m = CANDIDATE.exec(value)) {
      if (isRandomLooking(m[0])) return { kind: "high-entropy string", secret: m[0] };
    }
  }
  return void 0;
}
var counts = new Int32Array(128);
var LOWER = 1;
var UPPER = 2;
var DIGIT = 4;
var OTHER = 8;
function classOf(c) {
  return c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : OTHER;
}
function isRandomLooking(s) {
  let seen = 0;
  let switches = 0;
  let previous = classOf(s.charCodeAt(0));
  for (let i = 0; i < s.length; i++) {
    const c = classOf(s.charCodeAt(i));
    seen |= c;
    if (c !== previous) switches++;
    previous = c;
  }
  const mixed = (seen & LOWER ? 1 : 0) + (seen & UPPER ? 1 : 0) + (seen & DIGIT ? 1 : 0) >= 2;
  if (!mixed || switches / (s.length - 1) < MIN_SWITCH_RATIO) return false;
  counts.fill(0);
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i)]++;
  let entropy = 0;
  for (const n of counts) {
    if (n === 0) continue;
    const p = n / s.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= MIN_ENTROPY;
}
function preview(secret) {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 4)))}\u2026`;
}

// src/lint/rules/shared-credential.ts
var POINTER = "/spec/identity/credentialRef";
var MAX_LISTED3 = 5;
var shared_credential_default = createRule({
  id: "shared-credential",
  meta: {
    description: "Two or more agents use the same identity.credentialRef, so they share one credential.",
    severity: "error",
    hint: "Give every agent, in every environment, its own credential and its own credentialRef.",
    category: "identity"
  },
  check({ index, report }) {
    const byRef = /* @__PURE__ */ new Map();
    for (const agent of index.agents) {
      const ref = agent.data.spec.identity.credentialRef;
      const group = byRef.get(ref);
      if (group) group.push(agent);
      else byRef.set(ref, [agent]);
    }
    for (const [ref, group] of byRef) {
      if (group.length < 2) continue;
      const environments = [...new Set(group.map((a) => a.data.spec.environment))].sort();
      const crossed = environments.length > 1;
      for (const agent of group) {
        const named = [];
        for (const other of group) {
          if (named.length === MAX_LISTED3) break;
          if (other === agent) continue;
          named.push(crossed ? `'${other.name}' (${other.data.spec.environment})` : `'${other.name}'`);
        }
        const more = group.length - 1 - named.length;
        const list = more > 0 ? `${named.join(", ")} and ${more} more` : joinAnd2(named);
        report({
          file: agent.file,
          pointer: POINTER,
          message: crossed ? `${joinAnd2(environments)} share ${ref}: agent '${agent.name}' (${agent.data.spec.environment}) uses the same credential as ${list}` : `agent '${agent.name}' shares ${ref} with ${list}, all in ${environments[0]}`
        });
      }
    }
  }
});
function joinAnd2(items) {
  return items.length <= 1 ? items[0] ?? "" : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

// src/lint/rules/ungated-risky-action.ts
var LISTED = 5;
function reasonsFor(c, gated) {
  const reasons = [];
  if (gated.has(c.action.risk)) reasons.push(c.action.risk);
  if (c.action.reversible === false) reasons.push("irreversible");
  if (c.action.external === true) reasons.push("external");
  if (c.action.financial === true) reasons.push("financial");
  return reasons.length === 0 ? void 0 : joinAnd(reasons);
}
var ungated_risky_action_default = createRule({
  id: "ungated-risky-action",
  meta: {
    description: "A production agent holds execute-limited on an action that must be gated: a risk in its tier's gatedRisks, or irreversible, external or financial.",
    severity: "error",
    hint: "Use execute-gated (a human approves each call) or a lower mode for these actions; split them into their own grant if the rest may stay execute-limited.",
    category: "gating"
  },
  check({ index, report }) {
    const gatedByTier = /* @__PURE__ */ new Map();
    for (const agent of index.agents) {
      const environment = agent.data.spec.environment;
      if (!index.isProduction(environment)) continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      let gated = gatedByTier.get(tier.name);
      if (!gated) {
        gated = new Set(tier.data.spec.gatedRisks ?? DEFAULT_GATED_RISKS);
        gatedByTier.set(tier.name, gated);
      }
      for (const site of index.grantSites(agent)) {
        if (site.grant.mode !== "execute-limited") continue;
        const found = [];
        for (const c of index.coveredActions(site.grant)) {
          const reasons = reasonsFor(c, gated);
          if (reasons) found.push(`${site.grant.system}/${c.resourceName}.${c.actionName} is ${reasons}`);
        }
        if (found.length === 0) continue;
        const listed = found.length <= LISTED ? found.join("; ") : `${found.slice(0, LISTED).join("; ")}; and ${found.length - LISTED} more`;
        report({
          ...site.via ? { file: site.via.file, pointer: `${site.via.pointer}/template` } : { file: site.file, pointer: `${site.pointer}/mode` },
          message: `agent '${agent.name}' (${environment}) holds ${describeHeldGrant(site)} in execute-limited mode, but ${listed}; tier '${tier.name}' requires execute-gated or lower`
        });
      }
    }
  }
});

// src/lint/rules/unknown-action.ts
var unknown_action_default = createRule({
  id: "unknown-action",
  meta: {
    description: "A grant names an action that no resource matched by the grant's resource defines.",
    severity: "error",
    hint: "Use an action the resource defines (or '*' for all of them), or add the action to the system.",
    category: "references"
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
      const system = index.systems.get(entry.system);
      if (!system) return;
      const matched = index.matchResources(entry.system, entry.resource);
      if (matched.length === 0) return;
      const resources = system.data.spec.resources;
      entry.actions.forEach((action, j) => {
        if (action === "*") return;
        if (matched.some((r) => Object.hasOwn(resources[r].actions, action))) return;
        const where = matched.length === 1 && matched[0] === entry.resource ? `${entry.system}/${entry.resource} (its actions: ${listNames(Object.keys(resources[entry.resource].actions))})` : `any resource '${entry.resource}' matches in '${entry.system}' (${listNames(matched)})`;
        report({
          file,
          pointer: toPointer("spec", "grants", i, "actions", j),
          message: `'${action}' is not an action of ${where}`
        });
      });
    });
  }
});

// src/lint/rules/unknown-environment.ts
var MAX_LISTED4 = 10;
var unknown_environment_default = createRule({
  id: "unknown-environment",
  meta: {
    description: "An agent's environment is not one of the environments leash.yaml declares in spec.environments.",
    severity: "error",
    hint: "Use one of the environments declared in leash.yaml, or declare the new environment there.",
    category: "references"
  },
  check({ index, report }) {
    const environments = index.config?.data.spec.environments;
    if (!environments) return;
    const declared = Object.keys(environments).sort();
    const shown = declared.length === 0 ? "none are declared" : `declared: ${declared.slice(0, MAX_LISTED4).join(", ")}${declared.length > MAX_LISTED4 ? ", \u2026" : ""}`;
    const suggestions = /* @__PURE__ */ new Map();
    for (const agent of index.agents) {
      const environment = agent.data.spec.environment;
      if (Object.hasOwn(environments, environment)) continue;
      if (!suggestions.has(environment)) suggestions.set(environment, closest(environment, declared));
      const guess = suggestions.get(environment);
      report({
        file: agent.file,
        pointer: "/spec/environment",
        message: `agent '${agent.name}' is in the environment '${environment}', which leash.yaml does not declare (${shown})${guess ? `; did you mean '${guess}'?` : ""}`
      });
    }
  }
});
function closest(name, declared) {
  let best;
  let bestDistance = 3;
  for (const candidate of declared) {
    if (name.length >= 3 && candidate.startsWith(name)) return candidate;
    const d = editDistance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length], limit);
}

// src/lint/rules/unknown-field.ts
var LISTED2 = 8;
var LISTED_RESOURCES = 4;
function listNames2(names) {
  if (names.length <= LISTED2) return names.join(", ");
  return `${names.slice(0, LISTED2).join(", ")} and ${names.length - LISTED2} more`;
}
var unknown_field_default = createRule({
  id: "unknown-field",
  meta: {
    description: "A grant limits access to a field that a resource matched by the grant's resource does not define.",
    severity: "error",
    hint: "Name only fields in the resource's spec.fields (narrow the resource if a glob matches resources without them), or add the field to the system.",
    category: "references"
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
      if (!entry.fields) return;
      const system = index.systems.get(entry.system);
      if (!system) return;
      const matched = index.matchResources(entry.system, entry.resource);
      if (matched.length === 0) return;
      const resources = system.data.spec.resources;
      entry.fields.forEach((field, j) => {
        const lacking = matched.filter((r) => {
          const fields = resources[r].fields;
          return !fields || !Object.hasOwn(fields, field);
        });
        if (lacking.length === 0) return;
        const describe = (r) => {
          const names = Object.keys(resources[r].fields ?? {});
          return names.length === 0 ? `${entry.system}/${r} (which defines no fields)` : `${entry.system}/${r} (its fields: ${listNames2(names)})`;
        };
        const message = matched.length === 1 ? `'${field}' is not a field of ${describe(lacking[0])}` : `'${field}' is not a field of every resource '${entry.resource}' matches: not of ${lacking.slice(0, LISTED_RESOURCES).map(describe).join(
          ", "
        )}${lacking.length > LISTED_RESOURCES ? ` and ${lacking.length - LISTED_RESOURCES} more` : ""}`;
        report({ file, pointer: toPointer("spec", "grants", i, "fields", j), message });
      });
    });
  }
});

// src/lint/rules/unknown-resource.ts
var unknown_resource_default = createRule({
  id: "unknown-resource",
  meta: {
    description: "A grant's resource (a name or a glob) matches no resource of its system.",
    severity: "error",
    hint: "Use a resource the system defines in spec.resources, or add the resource to the system.",
    category: "references"
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, entry, i) => {
      const system = index.systems.get(entry.system);
      if (!system) return;
      if (index.matchResources(entry.system, entry.resource).length > 0) return;
      report({
        file,
        pointer: toPointer("spec", "grants", i, "resource"),
        message: `'${entry.resource}' matches no resource of the system '${entry.system}' (its resources: ${listNames(Object.keys(system.data.spec.resources))})`
      });
    });
  }
});

// src/lint/rules/unknown-system.ts
var unknown_system_default = createRule({
  id: "unknown-system",
  meta: {
    description: "A grant names a System that no file in systems/ defines.",
    severity: "error",
    hint: "Add systems/<name>.yaml for the system, or correct the name in the grant.",
    category: "references"
  },
  check({ index, report }) {
    forEachWrittenGrant(index, (file, _owner, grant, i) => {
      if (index.exists("System", grant.system)) return;
      report({
        file,
        pointer: toPointer("spec", "grants", i, "system"),
        message: `the system '${grant.system}' is not defined`
      });
    });
  }
});

// src/lint/rules/unknown-target.ts
var unknown_target_default = createRule({
  id: "unknown-target",
  meta: {
    description: "A System's spec.target names no sync target in leash.yaml spec.targets.",
    severity: "error",
    hint: "Declare the target under spec.targets in leash.yaml, or correct spec.target in the system.",
    category: "references"
  },
  check({ index, report }) {
    const config = index.config;
    if (!config && (index.brokenNames.get("Config")?.size ?? 0) > 0) return;
    const targets = config?.data.spec.targets ?? {};
    const declared = Object.keys(targets);
    for (const system of index.systems.values()) {
      const target = system.data.spec.target;
      if (target === void 0 || Object.hasOwn(targets, target)) continue;
      const known = !config ? "there is no leash.yaml" : declared.length === 0 ? "leash.yaml declares no targets" : `leash.yaml declares ${declared.map((t) => `'${t}'`).join(", ")}`;
      report({
        file: system.file,
        pointer: "/spec/target",
        message: `the system '${system.name}' names the target '${target}', which is not declared (${known})`
      });
    }
  }
});

// src/lint/rules/unknown-template.ts
var unknown_template_default = createRule({
  id: "unknown-template",
  meta: {
    description: "An agent includes a Template that no file in templates/ defines.",
    severity: "error",
    hint: "Add templates/<name>.yaml for the template, or correct the name in the agent.",
    category: "references"
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      (agent.data.spec.grants ?? []).forEach((entry, i) => {
        if (!("template" in entry) || index.exists("Template", entry.template)) return;
        report({
          file: agent.file,
          pointer: toPointer("spec", "grants", i, "template"),
          message: `agent '${agent.name}' includes the template '${entry.template}', which is not defined`
        });
      });
    }
  }
});

// src/lint/rules/unknown-tier.ts
var unknown_tier_default = createRule({
  id: "unknown-tier",
  meta: {
    description: "An agent names a RiskTier that no file in tiers/ defines.",
    severity: "error",
    hint: "Add tiers/<name>.yaml for the tier, or correct spec.tier in the agent.",
    category: "references"
  },
  check({ index, report }) {
    for (const agent of index.agents) {
      const tier = agent.data.spec.tier;
      if (index.exists("RiskTier", tier)) continue;
      report({
        file: agent.file,
        pointer: "/spec/tier",
        message: `agent '${agent.name}' is in the tier '${tier}', which is not defined`
      });
    }
  }
});

// src/lint/rules/unused-template.ts
var unused_template_default = createRule({
  id: "unused-template",
  meta: {
    description: "A template that no agent references.",
    severity: "warning",
    hint: "Reference the template from an agent, or delete it.",
    category: "hygiene"
  },
  check({ index, report }) {
    if ((index.brokenNames.get("Agent")?.size ?? 0) > 0) return;
    const used = /* @__PURE__ */ new Set();
    for (const agent of index.agents) {
      for (const entry of agent.data.spec.grants ?? []) {
        if ("template" in entry) used.add(entry.template);
      }
    }
    for (const template of index.templates.values()) {
      if (used.has(template.name)) continue;
      const count = template.data.spec.grants.length;
      report({
        file: template.file,
        pointer: "/metadata/name",
        message: `template '${template.name}' (${count} grant${count === 1 ? "" : "s"}) is not referenced by any agent`
      });
    }
  }
});

// src/lint/rules/wildcard-write.ts
var LEAST_CHANGING_MODE2 = rankMode("draft-only");
var MAX_LISTED5 = 5;
var wildcard_write_default = createRule({
  id: "wildcard-write",
  meta: {
    description: "A grant that can change data (draft-only and up) uses a glob resource or the * action and so reaches write actions nobody listed.",
    severity: "error",
    hint: "Name the resource and the write actions the agent needs; keep globs and * for read-only grants.",
    category: "least-privilege"
  },
  check({ index, report }) {
    const check = (file, owner, grant, i) => {
      if (rankMode(grant.mode) < LEAST_CHANGING_MODE2) return;
      const globResource = isGlob(grant.resource);
      const starAt = grant.actions.indexOf("*");
      if (!globResource && starAt < 0) return;
      const writes = index.coveredActions(grant).filter((c) => isWrite(c.action));
      if (writes.length === 0) return;
      const wildcard = globResource ? starAt >= 0 ? `the glob resource '${grant.resource}' and the '*' action` : `the glob resource '${grant.resource}'` : `the '*' action on '${grant.resource}'`;
      report({
        file,
        pointer: globResource ? toPointer("spec", "grants", i, "resource") : toPointer("spec", "grants", i, "actions", starAt),
        message: `${owner} grants ${wildcard} in system '${grant.system}' in ${grant.mode} mode, which reaches the write actions ${listWrites(writes)}`
      });
    };
    forEachWrittenGrant(index, check);
  }
});
function listWrites(writes) {
  const names = writes.slice(0, MAX_LISTED5).map((c) => `${c.resourceName}.${c.actionName}`);
  const more = writes.length - names.length;
  return names.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

// src/lint/registry.ts
var RULES = [
  duplicate_grant_default,
  expired_grant_default,
  expiry_too_long_default,
  missing_expiry_default,
  missing_sponsor_default,
  mode_above_tier_default,
  overlapping_grants_default,
  pii_write_without_fields_default,
  review_overdue_default,
  risk_above_tier_default,
  secret_value_default,
  shared_credential_default,
  ungated_risky_action_default,
  unknown_action_default,
  unknown_environment_default,
  unknown_field_default,
  unknown_resource_default,
  unknown_system_default,
  unknown_target_default,
  unknown_template_default,
  unknown_tier_default,
  unused_template_default,
  wildcard_write_default
];

export {
  RULES
};
