import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  withRetry
} from "./chunk-T7M45HPW.js";
import {
  RetryableError
} from "./chunk-OACDNGXH.js";
import "./chunk-XBOSDWZH.js";

// src/sync/targets/scim/client.ts
var SCHEMA_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
var SCHEMA_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
var SCHEMA_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
var ScimRequestError = class extends Error {
  constructor(message, status, scimType) {
    super(message);
    this.status = status;
    this.scimType = scimType;
  }
  status;
  scimType;
  name = "ScimRequestError";
};
var ScimNetworkError = class extends RetryableError {
  name = "ScimNetworkError";
};
var TRANSIENT = /* @__PURE__ */ new Set([429, 502, 503, 504]);
var ScimClient = class {
  constructor(options) {
    this.options = options;
    this.base = options.baseUrl.replace(/\/+$/, "");
  }
  options;
  base;
  /** Sends one request; returns the parsed JSON body (undefined for an empty one). */
  async request(method, path, options = {}) {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== void 0) url.searchParams.set(key, String(value));
    }
    const headers = { Accept: "application/scim+json, application/json" };
    if (options.body !== void 0) headers["Content-Type"] = "application/scim+json";
    if (this.options.token !== void 0) headers.Authorization = `Bearer ${this.options.token}`;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const what = `SCIM ${method} ${path}`;
    let status;
    let text;
    let retryAfter;
    try {
      const response = await fetch(url, {
        method,
        headers,
        signal,
        ...options.body !== void 0 ? { body: JSON.stringify(options.body) } : {}
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const reason = timeout.aborted ? `no answer within ${this.options.requestTimeoutMs} ms` : networkReason(error);
      throw new ScimNetworkError(`${what}: ${reason}`, void 0, { cause: error });
    }
    if (status >= 200 && status < 300) {
      if (text.trim() === "") return void 0;
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new Error(`${what}: the answer is not JSON`, { cause: error });
      }
    }
    const { detail, scimType } = parseError(text);
    const message = `${what} answered ${status}${scimType ? ` (${scimType})` : ""}${detail ? `: ${detail}` : ""}`;
    if (TRANSIENT.has(status)) throw new RetryableError(message, parseRetryAfter(retryAfter, Date.now()));
    if (status === 401 || status === 403) {
      const hint = this.options.tokenEnv === void 0 ? "no bearer token is configured (set tokenEnv in the target settings)" : `check the bearer token in ${this.options.tokenEnv}`;
      throw new ScimRequestError(`${message}; ${hint}`, status, scimType);
    }
    throw new ScimRequestError(message, status, scimType);
  }
  /**
   * Every resource of a collection matching `filter`, page after page (startIndex/count) until
   * totalResults. Throws when the pages do not add up: a short or empty page before the end,
   * totalResults changing between pages, a resource seen twice, a page that fails for good.
   */
  async listAll(path, filter, signal) {
    const count = this.options.pageSize;
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    let total;
    let startIndex = 1;
    const fail = (why) => new Error(`SCIM GET ${path}: the list did not add up (${why}); nothing was read, try again`);
    for (; ; ) {
      const { value } = await withRetry(
        () => this.request("GET", path, { query: { filter, startIndex, count }, signal }),
        this.options.retry,
        signal
      );
      const page = parseListPage(value);
      if (!page) throw fail(`the answer at startIndex ${startIndex} is not a SCIM ListResponse`);
      if (total === void 0) total = page.totalResults;
      else if (page.totalResults !== total) {
        throw fail(`totalResults went from ${total} to ${page.totalResults} while paging`);
      }
      if (page.startIndex !== void 0 && page.startIndex !== startIndex) {
        throw fail(`asked for startIndex ${startIndex}, got a page starting at ${page.startIndex}`);
      }
      const remaining = total - out.length;
      const perPage = page.itemsPerPage !== void 0 && page.itemsPerPage > 0 ? page.itemsPerPage : count;
      const expected = Math.min(remaining, count, perPage);
      if (page.resources.length > remaining) {
        throw fail(
          `${page.resources.length} resources at startIndex ${startIndex}, only ${remaining} left of ${total}`
        );
      }
      if (remaining > 0 && (page.resources.length === 0 || page.resources.length < expected)) {
        throw fail(
          `${page.resources.length} resources at startIndex ${startIndex} where ${expected} were due (totalResults ${total})`
        );
      }
      for (const resource of page.resources) {
        if (seen.has(resource.id)) throw fail(`resource ${resource.id} came twice`);
        seen.add(resource.id);
        out.push(resource);
      }
      if (out.length === total) return out;
      startIndex += page.resources.length;
    }
  }
};
function parseListPage(value) {
  if (!isRecord(value)) return void 0;
  const { totalResults, startIndex, itemsPerPage, Resources } = value;
  if (!isCount(totalResults)) return void 0;
  if (startIndex !== void 0 && !isCount(startIndex)) return void 0;
  if (itemsPerPage !== void 0 && !isCount(itemsPerPage)) return void 0;
  const resources = Resources ?? [];
  if (!Array.isArray(resources)) return void 0;
  if (!resources.every((r) => isRecord(r) && typeof r.id === "string" && r.id !== "")) return void 0;
  return {
    totalResults,
    ...startIndex !== void 0 ? { startIndex } : {},
    ...itemsPerPage !== void 0 ? { itemsPerPage } : {},
    resources
  };
}
function parseError(text) {
  try {
    const body = JSON.parse(text);
    if (isRecord(body)) {
      return {
        ...typeof body.detail === "string" ? { detail: body.detail } : {},
        ...typeof body.scimType === "string" ? { scimType: body.scimType } : {}
      };
    }
  } catch {
  }
  const line = text.trim().split("\n")[0]?.slice(0, 200);
  return line ? { detail: line } : {};
}
function networkReason(error) {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function isCount(value) {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

// src/sync/targets/scim/objects.ts
var AGENT_MARKER = "leash:agent:";
var ENTITLEMENT_MARKER = "leash:entitlement:";
var OBJECT_TYPES = [
  { name: "user", class: "identity" },
  { name: "group", class: "container" },
  { name: "membership", class: "grant" }
];
function userObject(agent, attributes) {
  return { type: "user", id: agent, agent, attributes: { ...attributes } };
}
function groupObject(entitlement, displayName) {
  return { type: "group", id: entitlement, attributes: { displayName } };
}
function membershipObject(entitlement, agent) {
  return {
    type: "membership",
    // Entitlements cannot hold '/' (the System schema), so the first '/' splits the id.
    id: `${entitlement}/${agent}`,
    agent,
    parent: `group/${entitlement}`,
    attributes: { group: entitlement, user: agent }
  };
}
function membershipId(change) {
  const slash = change.id.indexOf("/");
  const entitlement = slash > 0 ? change.id.slice(0, slash) : "";
  const agent = change.agent ?? (slash > 0 ? change.id.slice(slash + 1) : "");
  if (entitlement === "" || agent === "")
    throw new Error(`membership ${change.id} does not name an entitlement and an agent`);
  return { entitlement, agent };
}

// src/sync/targets/scim/connection.ts
var ScimConnection = class {
  constructor(client) {
    this.client = client;
  }
  client;
  index;
  async read(signal) {
    const users = await this.client.listAll("/Users", `externalId sw "${AGENT_MARKER}"`, signal);
    const groups = await this.client.listAll("/Groups", `externalId sw "${ENTITLEMENT_MARKER}"`, signal);
    const index = { users: /* @__PURE__ */ new Map(), groups: /* @__PURE__ */ new Map() };
    const agentOf = /* @__PURE__ */ new Map();
    const objects = [];
    for (const user of users) {
      const agent = marked(user, AGENT_MARKER);
      if (agent === void 0) continue;
      const other = index.users.get(agent);
      if (other !== void 0) {
        throw new Error(
          `SCIM users ${other} and ${user.id} both carry the leash marker ${AGENT_MARKER}${agent}; remove one of them by hand`
        );
      }
      index.users.set(agent, user.id);
      agentOf.set(user.id, agent);
      objects.push(
        userObject(agent, { userName: String(user.userName ?? ""), active: user.active !== false })
      );
    }
    for (const group of groups) {
      const entitlement = marked(group, ENTITLEMENT_MARKER);
      if (entitlement === void 0) continue;
      const other = index.groups.get(entitlement);
      if (other !== void 0) {
        throw new Error(
          `SCIM groups ${other} and ${group.id} both carry the leash marker ${ENTITLEMENT_MARKER}${entitlement}; remove one of them by hand`
        );
      }
      index.groups.set(entitlement, group.id);
      objects.push(groupObject(entitlement, String(group.displayName ?? "")));
      const members = /* @__PURE__ */ new Set();
      for (const member of group.members ?? []) {
        const agent = member.value === void 0 ? void 0 : agentOf.get(member.value);
        if (agent === void 0 || member.type !== void 0 && member.type !== "User") continue;
        if (members.has(agent)) continue;
        members.add(agent);
        objects.push(membershipObject(entitlement, agent));
      }
    }
    this.index = index;
    return objects;
  }
  /**
   * One agent's user and memberships, as read() would find them: its user by externalId, then
   * the groups listing that user as a member (RFC 7644 filter `members[value eq "<id>"]`),
   * checked here again for leash's markers and the member. A server that cannot filter on
   * members gets leash's groups listed instead, still without reading every user.
   */
  async readAgent(agent, signal) {
    const index = { users: /* @__PURE__ */ new Map(), groups: /* @__PURE__ */ new Map(), agent };
    const users = (await this.client.listAll("/Users", `externalId eq ${filterValue(`${AGENT_MARKER}${agent}`)}`, signal)).filter((user2) => marked(user2, AGENT_MARKER) === agent);
    if (users.length > 1) {
      throw new Error(
        `SCIM users ${users[0].id} and ${users[1].id} both carry the leash marker ${AGENT_MARKER}${agent}; remove one of them by hand`
      );
    }
    const user = users[0];
    const objects = [];
    if (user) {
      index.users.set(agent, user.id);
      objects.push(
        userObject(agent, { userName: String(user.userName ?? ""), active: user.active !== false })
      );
      for (const group of await this.groupsOf(user.id, signal)) {
        const entitlement = marked(group, ENTITLEMENT_MARKER);
        if (entitlement === void 0) continue;
        const member = (group.members ?? []).some(
          (m) => m.value === user.id && (m.type === void 0 || m.type === "User")
        );
        if (!member) continue;
        const other = index.groups.get(entitlement);
        if (other !== void 0) {
          throw new Error(
            `SCIM groups ${other} and ${group.id} both carry the leash marker ${ENTITLEMENT_MARKER}${entitlement}; remove one of them by hand`
          );
        }
        index.groups.set(entitlement, group.id);
        objects.push(membershipObject(entitlement, agent));
      }
    }
    this.index = index;
    return objects;
  }
  /** The groups listing `userId` as a member; leash's groups whole when the server cannot filter on members. */
  async groupsOf(userId, signal) {
    try {
      return await this.client.listAll("/Groups", `members[value eq ${filterValue(userId)}]`, signal);
    } catch (error) {
      const unsupported = error instanceof ScimRequestError && (error.status === 400 || error.status === 501);
      if (!unsupported) throw error;
      return this.client.listAll("/Groups", `externalId sw "${ENTITLEMENT_MARKER}"`, signal);
    }
  }
  async apply(change, signal) {
    try {
      switch (change.type) {
        case "user":
          return await this.applyUser(change, signal);
        case "group":
          return await this.applyGroup(change, signal);
        case "membership":
          return await this.applyMembership(change, signal);
        default:
          throw new Error(`the scim target has no object type ${change.type}`);
      }
    } catch (error) {
      if (error instanceof ScimNetworkError) this.index = void 0;
      throw error;
    }
  }
  async close() {
    this.index = void 0;
  }
  async applyUser(change, signal) {
    const agent = change.id;
    const index = await this.loadIndex(change, signal);
    const id = index.users.get(agent);
    if (change.op === "delete") {
      if (id === void 0) return;
      await this.ignoreNotFound(
        this.client.request("DELETE", `/Users/${encodeURIComponent(id)}`, { signal })
      );
      index.users.delete(agent);
      return;
    }
    const after = change.after ?? {};
    if (change.op === "create") {
      if (id !== void 0) return;
      const created = await this.client.request("POST", "/Users", {
        signal,
        body: {
          schemas: [SCHEMA_USER],
          userName: after.userName,
          externalId: `${AGENT_MARKER}${agent}`,
          active: after.active
        }
      });
      index.users.set(agent, createdId(created, `user ${agent}`));
      return;
    }
    if (id === void 0) throw new Error(`user ${agent} is not in the SCIM service provider any more`);
    const operations = ["userName", "active"].filter((key) => after[key] !== void 0 && after[key] !== change.before?.[key]).map((key) => ({ op: "replace", path: key, value: after[key] }));
    if (operations.length === 0) return;
    await this.client.request("PATCH", `/Users/${encodeURIComponent(id)}`, {
      signal,
      body: { schemas: [SCHEMA_PATCH], Operations: operations }
    });
  }
  async applyGroup(change, signal) {
    const entitlement = change.id;
    const index = await this.loadIndex(change, signal);
    const id = index.groups.get(entitlement);
    if (change.op === "delete") {
      if (id === void 0) return;
      const path = `/Groups/${encodeURIComponent(id)}`;
      const group = await this.ignoreNotFound(this.client.request("GET", path, { signal }));
      if (group === void 0) {
        index.groups.delete(entitlement);
        return;
      }
      const leashUsers = new Set(index.users.values());
      const foreign = (group.members ?? []).map((m) => m.value).filter((value) => value !== void 0 && !leashUsers.has(value));
      if (foreign.length > 0) {
        throw new Error(
          `SCIM group ${entitlement} still has ${foreign.length} member(s) leash did not add (${foreign.slice(0, 5).join(", ")}); leash leaves the group in place: remove those members, or the group, by hand`
        );
      }
      await this.ignoreNotFound(this.client.request("DELETE", path, { signal }));
      index.groups.delete(entitlement);
      return;
    }
    const displayName = change.after?.displayName;
    if (change.op === "create") {
      if (id !== void 0) return;
      const created = await this.client.request("POST", "/Groups", {
        signal,
        body: {
          schemas: [SCHEMA_GROUP],
          displayName,
          externalId: `${ENTITLEMENT_MARKER}${entitlement}`,
          members: []
        }
      });
      index.groups.set(entitlement, createdId(created, `group ${entitlement}`));
      return;
    }
    if (id === void 0)
      throw new Error(`group ${entitlement} is not in the SCIM service provider any more`);
    await this.client.request("PATCH", `/Groups/${encodeURIComponent(id)}`, {
      signal,
      body: {
        schemas: [SCHEMA_PATCH],
        Operations: [{ op: "replace", path: "displayName", value: displayName }]
      }
    });
  }
  async applyMembership(change, signal) {
    const { entitlement, agent } = membershipId(change);
    const index = await this.loadIndex(change, signal);
    const groupId = index.groups.get(entitlement);
    const userId = index.users.get(agent);
    const path = groupId === void 0 ? "" : `/Groups/${encodeURIComponent(groupId)}`;
    if (change.op === "delete") {
      if (groupId === void 0 || userId === void 0) return;
      try {
        await this.client.request("PATCH", path, {
          signal,
          body: {
            schemas: [SCHEMA_PATCH],
            Operations: [{ op: "remove", path: `members[value eq "${userId}"]` }]
          }
        });
      } catch (error) {
        const gone = error instanceof ScimRequestError && (error.status === 404 || error.status === 400 && error.scimType === "noTarget");
        if (!gone) throw error;
      }
      return;
    }
    if (groupId === void 0) throw new Error(`group ${entitlement} is not in the SCIM service provider`);
    if (userId === void 0) throw new Error(`user ${agent} is not in the SCIM service provider`);
    await this.client.request("PATCH", path, {
      signal,
      body: {
        schemas: [SCHEMA_PATCH],
        Operations: [{ op: "add", path: "members", value: [{ value: userId }] }]
      }
    });
  }
  /**
   * The server ids: from the last read, or a fresh read when there was none (or it may be
   * stale). An index of one agent serves only changes it can answer; for those a fresh read is
   * of that agent alone, so a kill never reads the whole service provider.
   */
  async loadIndex(change, signal) {
    const current = this.index;
    if (current !== void 0 && (current.agent === void 0 || serves(current.agent, change))) {
      return current;
    }
    const agent = change.agent;
    if (agent !== void 0 && serves(agent, change)) await this.readAgent(agent, signal);
    else await this.read(signal);
    if (this.index === void 0) throw new Error("reading the SCIM service provider gave no index");
    return this.index;
  }
  /** A 404 means the resource is already gone: for a delete, that is done. */
  async ignoreNotFound(request) {
    try {
      return await request;
    } catch (error) {
      if (error instanceof ScimRequestError && error.status === 404) return void 0;
      throw error;
    }
  }
};
function serves(agent, change) {
  if (change.agent !== agent) return false;
  return change.type === "user" || change.type === "membership" && change.op === "delete";
}
function filterValue(text) {
  return JSON.stringify(text);
}
function marked(resource, marker) {
  const externalId = resource.externalId;
  if (typeof externalId !== "string" || !externalId.startsWith(marker)) return void 0;
  const name = externalId.slice(marker.length);
  return name === "" ? void 0 : name;
}
function createdId(body, what) {
  const id = body?.id;
  if (typeof id !== "string" || id === "") {
    throw new Error(`the SCIM service provider created ${what} but did not answer with its id`);
  }
  return id;
}

// src/sync/targets/scim/index.ts
var DEFAULT_PAGE_SIZE = 500;
var DEFAULT_TIMEOUT_SECONDS = 30;
var scimAdapter = {
  type: "scim",
  objectTypes: OBJECT_TYPES,
  checkSettings: checkScimSettings,
  desired(input) {
    const out = [];
    const groups = /* @__PURE__ */ new Set();
    for (const agent of input.agents) {
      for (const p of agent.reach) for (const entitlement of p.permissions) checkEntitlement(entitlement, p);
      out.push(userObject(agent.name, { userName: agent.name, active: agent.status === "active" }));
      const entitlements = new Set(agent.permissions.filter((p) => p.performs).flatMap((p) => p.permissions));
      for (const entitlement of entitlements) {
        groups.add(entitlement);
        out.push(membershipObject(entitlement, agent.name));
      }
    }
    for (const entitlement of groups) out.push(groupObject(entitlement, entitlement));
    return out;
  },
  defaults: {
    permissions: (action, system, resource) => [`${system}.${resource}.${action.name}`]
  },
  connect: (context) => connectScim(context)
};
async function connectScim(context, options = {}) {
  const problems = checkScimSettings(context.settings, context.env);
  if (problems.length > 0) throw new Error(`${context.name}: ${problems.join("; ")}`);
  const { url, tokenEnv, timeoutSeconds } = context.settings;
  const token = typeof tokenEnv === "string" ? context.env[tokenEnv] : void 0;
  const client = new ScimClient({
    baseUrl: String(url),
    ...token !== void 0 ? { token } : {},
    ...typeof tokenEnv === "string" ? { tokenEnv } : {},
    requestTimeoutMs: (typeof timeoutSeconds === "number" ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1e3,
    retry: options.retry ?? DEFAULT_RETRY,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE
  });
  return new ScimConnection(client);
}
function checkScimSettings(settings, env) {
  const problems = [];
  const { url, tokenEnv } = settings;
  let parsed;
  if (typeof url !== "string") problems.push("url is required: the SCIM base URL holding /Users and /Groups");
  else {
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`url ${url} is not a URL`);
    }
    if (parsed && parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      problems.push(`url ${url} must be http or https`);
    }
  }
  if (tokenEnv !== void 0) {
    if (typeof tokenEnv !== "string") problems.push("tokenEnv must name an environment variable");
    else if (!env[tokenEnv]) problems.push(`${tokenEnv} is not set: it must hold the SCIM bearer token`);
    else if (parsed?.protocol === "http:" && !isLoopback(parsed.hostname)) {
      problems.push(`url ${String(url)} is plain http: the bearer token would travel unencrypted; use https`);
    }
  }
  return problems;
}
function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
function checkEntitlement(entitlement, p) {
  if (entitlement.includes("*")) {
    throw new Error(
      `${p.system}/${p.resource}/${p.action}: entitlement ${entitlement} has a wildcard; a SCIM target grants Group memberships by exact name, so list the entitlements in enforce.permissions`
    );
  }
  if (entitlement.trim() === "" || entitlement.includes("/")) {
    throw new Error(
      `${p.system}/${p.resource}/${p.action}: entitlement "${entitlement}" is not a valid SCIM Group name`
    );
  }
}
export {
  AGENT_MARKER,
  ENTITLEMENT_MARKER,
  connectScim,
  scimAdapter
};
