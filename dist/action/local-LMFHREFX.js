import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import "./chunk-XBOSDWZH.js";

// src/sync/targets/local/index.ts
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/sync/targets/local/cedar.ts
var NAMESPACE = "Leash";
function agentUid(agent) {
  return { type: `${NAMESPACE}::Agent`, id: agent };
}
function actionUid(system, resource, action) {
  return { type: `${NAMESPACE}::Action`, id: `${system}/${resource}/${action}` };
}
function resourceUid(system, resource) {
  return { type: `${NAMESPACE}::Resource`, id: `${system}/${resource}` };
}
function permissionPolicyId(p) {
  return `${p.system}/${p.resource}/${p.action}`;
}
var INACTIVE_POLICY_ID = "leash-inactive-agent";
function permitsSomething(p) {
  return !(p.mode === "read-only" && p.effect === "write");
}
function compilePolicies(agent, permissions) {
  const parts = {
    [INACTIVE_POLICY_ID]: `@id(${cedarString(INACTIVE_POLICY_ID)})
forbid (principal == ${uidText(agentUid(agent))}, action, resource)
unless { principal.status == "active" };`
  };
  for (const p of permissions) {
    if (!permitsSomething(p)) continue;
    const clauses = conditionClauses(p.conditions, p.expires);
    parts[permissionPolicyId(p)] = [
      `@id(${cedarString(permissionPolicyId(p))})`,
      `@mode(${cedarString(p.mode)})`,
      "permit (",
      `  principal == ${uidText(agentUid(agent))},`,
      `  action == ${uidText(actionUid(p.system, p.resource, p.action))},`,
      `  resource == ${uidText(resourceUid(p.system, p.resource))}`,
      clauses.length > 0 ? `) when {
  ${clauses.join(" &&\n  ")}
};` : ");"
    ].join("\n");
  }
  return parts;
}
function compileEntities(agent, attributes, permissions) {
  const resources = /* @__PURE__ */ new Map();
  for (const p of permissions)
    resources.set(`${p.system}/${p.resource}`, { system: p.system, resource: p.resource });
  return [
    {
      uid: agentUid(agent),
      attrs: { status: attributes.status, environment: attributes.environment, tier: attributes.tier },
      parents: []
    },
    ...[...resources.values()].sort((a, b) => a.system + "/" + a.resource < b.system + "/" + b.resource ? -1 : 1).map((r) => ({ uid: resourceUid(r.system, r.resource), attrs: { system: r.system }, parents: [] }))
  ];
}
function conditionClauses(conditions, expires) {
  const out = [];
  if (expires !== void 0) out.push(`context.now <= ${dateEndMs(expires)}`);
  if (!conditions) return out;
  const { schedule, freezeWindows, maxAmount } = conditions;
  if (schedule) {
    const zone = cedarString(schedule.timezone ?? "UTC");
    const clock = `context.clock[${zone}]`;
    const [start, end] = parseHours(schedule.hours);
    const inHours = start <= end ? `(${clock}.minute >= ${start} && ${clock}.minute < ${end})` : `(${clock}.minute >= ${start} || ${clock}.minute < ${end})`;
    const days = schedule.days ? `[${schedule.days.map(cedarString).join(", ")}].contains(${clock}.day)` : "true";
    out.push(`(context.clock has ${zone} && ${days} && ${inHours})`);
  }
  for (const w of freezeWindows ?? []) {
    out.push(`!(context.now >= ${dateStartMs(w.from)} && context.now <= ${dateEndMs(w.to)})`);
  }
  if (maxAmount) {
    out.push(
      `(context has amount && context has currency && context.currency == ${cedarString(maxAmount.currency)} && context.amount.lessThanOrEqual(decimal(${cedarString(toDecimal(maxAmount.value))})))`
    );
  }
  return out;
}
function parseHours(hours) {
  const [from = "00:00", to = "24:00"] = hours.split("-");
  const minutes = (hm) => {
    const [h = "0", m = "0"] = hm.split(":");
    return Number(h) * 60 + Number(m);
  };
  return [minutes(from), minutes(to)];
}
function dateStartMs(value) {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
}
function dateEndMs(value) {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
}
function toDecimal(value) {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite amount`);
  const fixed = value.toFixed(4).replace(/0+$/, "");
  return fixed.endsWith(".") ? `${fixed}0` : fixed;
}
function cedarString(value) {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (code < 32 || code === 127 || code > 126) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}
function uidText(uid) {
  return `${uid.type}::${cedarString(uid.id)}`;
}

// src/sync/targets/local/paths.ts
import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
async function resolveStorePath(baseDir, path) {
  if (isAbsolute(path) || path.split("/").some((s) => s === ".." || s === "." || s === "")) {
    throw new Error(`local store path ${path} must be relative and stay inside ${baseDir}`);
  }
  const base = await realpath(baseDir);
  const target = resolve(base, path);
  let existing = target;
  for (; ; ) {
    try {
      existing = await realpath(existing);
      break;
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  const rel = relative(base, existing);
  if (rel.startsWith("..") || isAbsolute(rel) || rel.split(sep)[0] === "..") {
    throw new Error(`local store path ${path} leads outside ${baseDir} (through a symbolic link)`);
  }
  return target;
}

// src/sync/targets/local/store-format.ts
var STORE_FORMAT_VERSION = 1;
var STORE_KIND = "leash-local-store";
var StoreFormatError = class extends Error {
  name = "StoreFormatError";
};
var NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
function checkAgentFile(value, file, expectedAgent) {
  const fail = (why) => {
    throw new StoreFormatError(`${file}: not a leash local-store agent file (${why})`);
  };
  if (!isObject(value)) return fail("not a JSON object");
  if (value.formatVersion !== STORE_FORMAT_VERSION)
    return fail(`formatVersion ${String(value.formatVersion)}`);
  if (value.agent !== expectedAgent || !NAME.test(expectedAgent))
    return fail("agent does not match the file name");
  if (value.identity !== null && !isObject(value.identity)) return fail("identity");
  if (!Array.isArray(value.permissions)) return fail("permissions");
  for (const p of value.permissions) {
    if (!isObject(p) || typeof p.system !== "string" || typeof p.resource !== "string" || typeof p.action !== "string") {
      return fail("a permission without system, resource and action");
    }
    if (typeof p.mode !== "string" || !Array.isArray(p.sources))
      return fail("a permission without mode or sources");
  }
  if (!isObject(value.cedar) || !isObject(value.cedar.policies) || Object.values(value.cedar.policies).some((p) => typeof p !== "string") || !Array.isArray(value.cedar.entities)) {
    return fail("cedar");
  }
  return value;
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/sync/targets/local/index.ts
var OBJECT_TYPES = [
  { name: "agent", class: "identity" },
  { name: "permission", class: "grant" }
];
var localAdapter = {
  type: "local",
  objectTypes: OBJECT_TYPES,
  checkSettings(settings) {
    const path = settings.path ?? ".leash/state";
    if (typeof path !== "string") return ["path must be a string"];
    return path.split("/").some((s) => s === ".." || s === "." || s === "") ? [`path ${path} must stay inside the repository: no '.', '..' or empty segments`] : [];
  },
  desired(input) {
    const out = [];
    for (const agent of input.agents) {
      const identity = {
        status: agent.status,
        environment: agent.environment,
        tier: agent.tier,
        owner: agent.owner,
        platform: agent.platform
      };
      out.push({ type: "agent", id: agent.name, agent: agent.name, attributes: { ...identity } });
      for (const p of agent.permissions) {
        out.push({
          type: "permission",
          id: `${agent.name}/${permissionPolicyId(p)}`,
          agent: agent.name,
          attributes: toStored(p)
        });
      }
    }
    return out;
  },
  killed(agent, actual) {
    const identity = actual.find((o) => o.type === "agent");
    const attributes = identity ? { ...identity.attributes, status: "revoked" } : { status: "revoked", environment: "", tier: "", owner: "", platform: "" };
    return [{ type: "agent", id: agent, agent, attributes }];
  },
  async connect(context) {
    const problems = localAdapter.checkSettings?.(context.settings, context.env) ?? [];
    if (problems.length > 0) throw new Error(`${context.name}: ${problems.join("; ")}`);
    const dir = await resolveStorePath(
      context.baseDir,
      context.settings.path ?? ".leash/state"
    );
    return new LocalStore(dir);
  }
};
function toStored(p) {
  const e = p.effective;
  return {
    system: p.system,
    resource: p.resource,
    action: p.action,
    mode: p.mode,
    effect: p.effect,
    risk: e.risk,
    reversible: e.reversible,
    external: e.external,
    financial: e.financial,
    ...e.fields ? { fields: [...e.fields] } : {},
    // Conditions are nested and come from YAML: the round trip copies them and makes them JSON.
    ...e.conditions ? { conditions: JSON.parse(JSON.stringify(e.conditions)) } : {},
    ...e.expires ? { expires: e.expires } : {},
    sources: e.sources.map(
      (s) => `${s.file}${s.line !== void 0 ? `:${s.line}` : `#${s.pointer}`}` + (s.template ? ` (via template ${s.template.name})` : "")
    )
  };
}
var LocalStore = class {
  constructor(dir) {
    this.dir = dir;
  }
  dir;
  /** Whether this connection has found (or made) store.json: a run is the store's one writer. */
  #storeChecked = false;
  agentsDir() {
    return join(this.dir, "agents");
  }
  async read() {
    const files = await this.listAgentFiles();
    const out = [];
    for (const name of files) {
      const file = await this.readAgentFile(name);
      if (file) out.push(...fileObjects(file));
    }
    return out;
  }
  /** One agent's objects: its one file (the kill switch's read). */
  async readAgent(agent) {
    if (await this.readMarker() === "absent") return [];
    const file = await this.readAgentFile(agent);
    return file ? fileObjects(file) : [];
  }
  async apply(change) {
    const agent = change.agent;
    if (agent === void 0) throw new Error(`local: change ${change.type}/${change.id} names no agent`);
    await this.ensureStore();
    const file = await this.readAgentFile(agent) ?? emptyFile(agent);
    if (change.type === "agent") {
      file.identity = change.op === "delete" ? null : change.after;
    } else if (change.type === "permission") {
      const id = change.id.slice(agent.length + 1);
      file.permissions = file.permissions.filter((p) => permissionPolicyId(p) !== id);
      if (change.op !== "delete") file.permissions.push(change.after);
      file.permissions.sort((a, b) => cmp(permissionPolicyId(a), permissionPolicyId(b)));
    } else {
      throw new Error(`local: unknown object type ${change.type}`);
    }
    await this.writeAgent(file);
  }
  async close() {
  }
  /** An agent's file, or undefined when the store has none. */
  async readAgentFile(agent) {
    const path = join(this.agentsDir(), `${agent}.json`);
    let text;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return void 0;
      throw error;
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StoreFormatError(`${path}: not valid JSON`, { cause: error });
    }
    return checkAgentFile(parsed, path, agent);
  }
  async listAgentFiles() {
    const marker = await this.readMarker();
    if (marker === "absent") {
      const entries = await readdir(this.dir).catch((error) => {
        if (error.code === "ENOENT") return [];
        throw error;
      });
      if (entries.length > 0) {
        throw new StoreFormatError(`${this.dir} holds files but no store.json: not a leash local store`);
      }
      return [];
    }
    const names = await readdir(this.agentsDir()).catch((error) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    return names.filter((n) => !n.startsWith(".") && n.endsWith(".json")).map((n) => n.slice(0, -".json".length)).sort();
  }
  async readMarker() {
    let text;
    try {
      text = await readFile(join(this.dir, "store.json"), "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return "absent";
      throw error;
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StoreFormatError(`${join(this.dir, "store.json")}: not valid JSON`, { cause: error });
    }
    if (!isObject(value) || value.kind !== STORE_KIND || value.formatVersion !== STORE_FORMAT_VERSION) {
      throw new StoreFormatError(
        `${join(this.dir, "store.json")}: not a leash local store of format ${STORE_FORMAT_VERSION}`
      );
    }
    return "ok";
  }
  async ensureStore() {
    if (this.#storeChecked) return;
    if (await this.readMarker() !== "ok") {
      await mkdir(this.agentsDir(), { recursive: true });
      await atomicWrite(
        join(this.dir, "store.json"),
        JSON.stringify({ kind: STORE_KIND, formatVersion: STORE_FORMAT_VERSION }, null, 2) + "\n"
      );
    }
    this.#storeChecked = true;
  }
  async writeAgent(file) {
    const path = join(this.agentsDir(), `${file.agent}.json`);
    if (!file.identity && file.permissions.length === 0) {
      await rm(path, { force: true });
      return;
    }
    const identity = file.identity ?? {
      status: "revoked",
      environment: "",
      tier: "",
      owner: "",
      platform: ""
    };
    file.cedar = {
      policies: compilePolicies(file.agent, file.permissions),
      entities: compileEntities(file.agent, identity, file.permissions)
    };
    await atomicWrite(path, JSON.stringify(file, null, 2) + "\n");
  }
};
function fileObjects(file) {
  const name = file.agent;
  const out = [];
  if (file.identity) out.push({ type: "agent", id: name, agent: name, attributes: { ...file.identity } });
  for (const p of file.permissions) {
    out.push({
      type: "permission",
      id: `${name}/${permissionPolicyId(p)}`,
      agent: name,
      // Parsed from the file just now and owned by nobody else: used as it is, not copied.
      attributes: p
    });
  }
  return out;
}
function emptyFile(agent) {
  return {
    formatVersion: STORE_FORMAT_VERSION,
    agent,
    identity: null,
    permissions: [],
    cedar: { policies: {}, entities: [] }
  };
}
async function atomicWrite(path, text) {
  const dir = path.slice(0, path.lastIndexOf("/"));
  const tmp = join(dir, `.${path.slice(dir.length + 1)}.${process.pid}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, path);
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
export {
  LocalStore,
  atomicWrite,
  localAdapter
};
