import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * A local GitHub REST API for tests: a node:http server on 127.0.0.1 (random port) that serves
 * the operations leash uses from in-memory state, and checks every request it receives and
 * every response it sends against GitHub's published OpenAPI description (the extract in
 * test/fixtures/github-openapi/extract.json, written by scripts/extract-github-openapi.mjs).
 * Violations are recorded in `api.violations`; a test asserts there were none.
 */

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface GitHubUser {
  login: string;
  id: number;
  type?: 'User' | 'Bot' | 'Organization';
  name?: string | null;
  email?: string | null;
  site_admin?: boolean;
}

export type ReviewStateValue = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  user: GitHubUser | null;
  state: ReviewStateValue;
  commit_id: string | null;
  submitted_at?: string;
  body?: string;
  /** Fields merged into the response as they are (a value of `undefined` removes the field). */
  extra?: Record<string, unknown>;
}

export interface PullCommit {
  sha: string;
  message?: string;
  /** The GitHub account linked to the commit author, or null when git's author is unlinked. */
  author: GitHubUser | null;
  committer: GitHubUser | null;
  parents?: string[];
  extra?: Record<string, unknown>;
}

export interface PullRequest {
  number: number;
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  draft?: boolean;
  merged?: boolean;
  user: GitHubUser;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  reviews?: Review[];
  commits?: PullCommit[];
  /** The commit its merge put on the base branch (merge, squash or rebase); null while unmerged. */
  merge_commit_sha?: string | null;
  merged_at?: string | null;
  /** Label names. */
  labels?: string[];
  extra?: Record<string, unknown>;
}

export interface IssueComment {
  id: number;
  /** The issue (or pull request) number the comment belongs to. */
  issue_number: number;
  body: string;
  user: GitHubUser;
  created_at?: string;
  updated_at?: string;
  extra?: Record<string, unknown>;
}

export interface CommitStatus {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  target_url: string | null;
  description: string | null;
  context: string;
  creator: GitHubUser;
  created_at: string;
  updated_at: string;
}

export interface Repo {
  owner: string;
  name: string;
  id?: number;
  private?: boolean;
  default_branch?: string;
  pulls: Record<number, PullRequest>;
  /** Issue comments of every issue and pull request in the repository. */
  comments: IssueComment[];
  /** Commit statuses, in the order they were created. */
  statuses: CommitStatus[];
  /**
   * A bare git repository standing in for the repository's git side: when set, a pull request
   * is opened only from a branch pushed there, and commits are looked up in it.
   */
  git?: string;
}

export interface TeamMembership {
  state: 'active' | 'pending';
  role?: 'member' | 'maintainer';
}

export interface Org {
  teams: Record<string, { members: Record<string, TeamMembership> }>;
}

export interface GitHubState {
  /** Repositories by "owner/name". Names are matched case-insensitively, like GitHub. */
  repos: Record<string, Repo>;
  /** Organisations by login, with their teams by slug and memberships by username. */
  orgs: Record<string, Org>;
  /** Accounts GET /users/{username} knows, by login. */
  users: Record<string, GitHubUser>;
  /** The identity of the token: the author of comments and statuses the client creates. */
  identity: GitHubUser;
  /** Tokens with their identities; when not empty, an unknown token gets 401 Bad credentials. */
  tokens: Record<string, GitHubUser>;
  /** Answer 401 to requests without an `authorization` header. */
  requireAuth: boolean;
  /** The next id handed to a created comment or status. */
  nextId: number;
  /** The clock (ISO 8601 timestamps). */
  now: () => string;
}

export const GITHUB_ACTIONS_BOT: GitHubUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

// ---------------------------------------------------------------------------------------------
// The API object
// ---------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
  /** "METHOD /path/{template}" of the matched operation, if any. */
  operation?: string;
  /** The status code the server answered. */
  status?: number;
}

export interface Violation {
  kind: 'request' | 'response';
  method: string;
  path: string;
  operation?: string;
  status?: number;
  message: string;
  errors?: ErrorObject[];
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  /** The JSON body; defaults to GitHub's `{ message, documentation_url }` for the status. */
  body?: unknown;
  /** How many matching requests get this answer (default 1). */
  times?: number;
  /** Destroy the connection instead of answering (the status is then ignored). */
  dropConnection?: boolean;
}

export interface GitHubApi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The served state; tests may change it between requests. */
  readonly state: GitHubState;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Every request or response that does not match GitHub's published description. */
  readonly violations: Violation[];
  /**
   * Answers the next matching request(s) with a fault instead of serving it. `method` may be
   * '*'; `path` is an operation's path template ('/repos/{owner}/{repo}/pulls/{pull_number}'),
   * a concrete path, a glob with '*' for one segment, or a RegExp tested against the path.
   */
  failNext(method: string, path: string | RegExp, fault: Fault): void;
  /** Faults not yet used up. */
  pendingFaults(): number;
  close(): Promise<void>;
}

/** Preset faults. */
export const faults = {
  /** Primary rate limit exhausted: 403 with x-ratelimit-remaining: 0 and the reset time. */
  rateLimited(resetEpochSeconds = Math.floor(Date.now() / 1000) + 60, times = 1): Fault {
    return {
      status: 403,
      times,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(resetEpochSeconds),
        'x-ratelimit-resource': 'core',
      },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
    };
  },
  /** Secondary rate limit: 429 (or 403) with retry-after in seconds. */
  secondaryRateLimited(retryAfterSeconds = 1, status: 403 | 429 = 429, times = 1): Fault {
    return {
      status,
      times,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
    };
  },
  /** 422 Validation Failed with GitHub's error list. */
  validationFailed(
    errors: { resource: string; field: string; code: string; message?: string }[],
    times = 1,
  ): Fault {
    return {
      status: 422,
      times,
      body: {
        message: 'Validation Failed',
        errors,
        documentation_url: 'https://docs.github.com/rest',
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// The extract and its validators
// ---------------------------------------------------------------------------------------------

type Schema = Record<string, unknown>;

interface ExtractParameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required: boolean;
  schema: Schema;
}

interface ExtractOperation {
  method: string;
  path: string;
  operationId: string;
  parameters: ExtractParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { schema: Schema }>;
      content?: Record<string, { schema: Schema }>;
    }
  >;
}

interface Extract {
  source: { package: string; version: string };
  operations: Record<string, ExtractOperation>;
}

const EXTRACT_URL = new URL('../fixtures/github-openapi/extract.json', import.meta.url);

let extractCache: Extract | undefined;
export function loadExtract(): Extract {
  extractCache ??= JSON.parse(readFileSync(EXTRACT_URL, 'utf8')) as Extract;
  return extractCache;
}

/**
 * OpenAPI 3.0 → what Ajv understands. Ajv supports `nullable` only next to `type`, so a
 * `nullable` schema without `type` (GitHub's `{ nullable, oneOf: [...] }`) becomes an anyOf
 * with null, and a nullable `enum` admits null. With `strictRequest`, objects that list their
 * properties and say nothing of others reject unknown fields (GitHub ignores them, leash must
 * not send them).
 */
function toAjv(schema: unknown, strictRequest: boolean): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s: Schema = { ...(schema as Schema) };
  for (const key of ['items', 'not'] as const) if (s[key]) s[key] = toAjv(s[key], strictRequest);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    s.additionalProperties = toAjv(s.additionalProperties, strictRequest);
  }
  if (s.properties) {
    s.properties = Object.fromEntries(
      Object.entries(s.properties as Schema).map(([k, v]) => [k, toAjv(v, strictRequest)]),
    );
    if (strictRequest && s.additionalProperties === undefined) s.additionalProperties = false;
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((x) => toAjv(x, strictRequest));
  }
  if (s.nullable === true && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  if (s.nullable === true && s.type === undefined) {
    delete s.nullable;
    return { anyOf: [{ type: 'null' }, s] };
  }
  return s;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('uri', {
    validate: (v: string) => {
      try {
        new URL(v);
        return true;
      } catch {
        return false;
      }
    },
  });
  ajv.addFormat('int64', { type: 'number', validate: (v: number) => Number.isSafeInteger(v) });
  return ajv;
}

interface CompiledOperation {
  key: string;
  op: ExtractOperation;
  regex: RegExp;
  paramNames: string[];
  params: Map<string, ValidateFunction>;
  body?: ValidateFunction;
  responses: Map<string, ValidateFunction>;
}

interface Compiled {
  operations: CompiledOperation[];
  basicError: ValidateFunction;
}

let compiledCache: Compiled | undefined;
function compile(): Compiled {
  if (compiledCache) return compiledCache;
  const extract = loadExtract();
  const ajv = makeAjv();
  const operations: CompiledOperation[] = [];
  for (const [key, op] of Object.entries(extract.operations)) {
    const paramNames: string[] = [];
    const pattern = op.path
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
        paramNames.push(name);
        return '([^/]+)';
      });
    const params = new Map<string, ValidateFunction>();
    for (const p of op.parameters)
      params.set(`${p.in}:${p.name}`, ajv.compile(toAjv(p.schema, false) as Schema));
    const bodySchema = op.requestBody?.content['application/json']?.schema;
    const responses = new Map<string, ValidateFunction>();
    for (const [status, r] of Object.entries(op.responses)) {
      const schema = r.content?.['application/json']?.schema;
      if (schema) responses.set(status, ajv.compile(toAjv(schema, false) as Schema));
    }
    operations.push({
      key,
      op,
      regex: new RegExp(`^${pattern}$`),
      paramNames,
      params,
      body: bodySchema ? ajv.compile(toAjv(bodySchema, true) as Schema) : undefined,
      responses,
    });
  }
  const basicErrorSchema = extract.operations['GET /users/{username}']?.responses['404']?.content?.[
    'application/json'
  ]?.schema ?? { type: 'object' };
  // GitHub's error answers always carry a message.
  const basicError = ajv.compile({ ...(toAjv(basicErrorSchema, false) as Schema), required: ['message'] });
  compiledCache = { operations, basicError };
  return compiledCache;
}

/** The response schema GitHub publishes for an operation and status (for builders and tests). */
function responseSchema(key: string, status: string): Schema {
  const schema = loadExtract().operations[key]?.responses[status]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no ${status} schema for ${key}`);
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Building GitHub-shaped objects: fields leash cares about come from the state; every other
// field the schema requires is filled with a plain value of the right type (null if nullable).
// ---------------------------------------------------------------------------------------------

const FIXED_TIME = '2026-01-01T00:00:00Z';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function pickBranch(branches: Schema[], seed: unknown): Schema {
  if (isPlainObject(seed)) {
    let best = branches[0]!;
    let bestScore = -1;
    for (const b of branches) {
      if (b.type !== 'object') continue;
      const props = Object.keys((b.properties as Schema | undefined) ?? {});
      const score = Object.keys(seed).filter((k) => props.includes(k)).length;
      if (score > bestScore) [best, bestScore] = [b, score];
    }
    return best;
  }
  return branches[0]!;
}

function fill(schema: Schema, seed: unknown, name = ''): unknown {
  if (Array.isArray(schema.allOf)) {
    let out: unknown = seed;
    for (const part of schema.allOf as Schema[]) out = fill(part, out, name);
    return out;
  }
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) {
    if (seed === undefined && schema.nullable) return null;
    if (seed === null) return null;
    return fill({ ...schema, oneOf: undefined, anyOf: undefined, ...pickBranch(branches, seed) }, seed, name);
  }
  if (seed === null) return null;
  if (seed !== undefined && !(schema.type === 'object' && isPlainObject(seed))) return seed;
  if (seed === undefined && schema.nullable === true) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = isPlainObject(seed) ? { ...seed } : {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of (schema.required as string[] | undefined) ?? []) {
        if (!(key in out) && props[key]) out[key] = fill(props[key], undefined, key);
      }
      for (const [key, value] of Object.entries(out)) {
        if (props[key] && value !== undefined) out[key] = fill(props[key], value, key);
      }
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'date-time') return FIXED_TIME;
      if (schema.format === 'uri' || name.endsWith('url')) return 'https://api.github.com/';
      if (schema.format === 'email') return 'octocat@example.com';
      return '';
    default:
      return {};
  }
}

/** A schema's property (following allOf / oneOf / anyOf), for filling nested objects. */
function propSchema(schema: Schema, key: string): Schema | undefined {
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props?.[key]) return props[key];
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const b of (schema[k] as Schema[] | undefined) ?? []) {
      const found = propSchema(b, key);
      if (found) return found;
    }
  }
  return undefined;
}

function withExtra(
  obj: Record<string, unknown>,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!extra) return obj;
  const out = { ...obj };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

function errorBody(status: number, message?: string): { message: string; documentation_url: string } {
  const messages: Record<number, string> = {
    400: 'Problems parsing JSON',
    401: 'Requires authentication',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    410: 'Gone',
    422: 'Validation Failed',
    429: 'Too Many Requests',
    500: 'Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return {
    message: message ?? messages[status] ?? 'Error',
    documentation_url: 'https://docs.github.com/rest',
  };
}

const notFound = (): HttpAnswer => new HttpAnswer(404, errorBody(404));

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function findKey<T>(record: Record<string, T>, key: string): T | undefined {
  for (const [k, v] of Object.entries(record)) if (eq(k, key)) return v;
  return undefined;
}

interface PendingFault {
  method: string;
  path: string | RegExp;
  fault: Fault;
  remaining: number;
}

function globMatch(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
  return re.test(path);
}

/** Whether `spec` names an object in the bare repository (git rev-parse, no shell). */
function gitHas(gitDir: string, spec: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', spec], { cwd: gitDir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The commit a branch points at: from the repository's bare git when it has one, else from its
 * pull requests' heads and bases (a repository without git knows no other branches).
 */
function branchTip(repo: Repo, branch: string): string | undefined {
  if (repo.git) {
    try {
      return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
        cwd: repo.git,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return undefined;
    }
  }
  for (const pr of Object.values(repo.pulls)) {
    if (pr.head.ref === branch) return pr.head.sha;
    if (pr.base.ref === branch) return pr.base.sha;
  }
  return undefined;
}

export async function startGitHubApi(initial: Partial<GitHubState> = {}): Promise<GitHubApi> {
  const compiled = compile();
  const state: GitHubState = {
    repos: {},
    orgs: {},
    users: {},
    identity: GITHUB_ACTIONS_BOT,
    tokens: {},
    requireAuth: false,
    nextId: 1000,
    now: () => new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...initial,
  };
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const pending: PendingFault[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const userObject = (u: GitHubUser, schema: Schema): Record<string, unknown> => {
    const base = `${baseUrl}/users/${encodeURIComponent(u.login)}`;
    return fill(schema, {
      login: u.login,
      id: u.id,
      node_id: `U_${u.id}`,
      type: u.type ?? 'User',
      site_admin: u.site_admin ?? false,
      url: base,
      html_url: `https://github.com/${u.login}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      ...(u.name !== undefined ? { name: u.name } : {}),
      ...(u.email !== undefined ? { email: u.email } : {}),
    }) as Record<string, unknown>;
  };

  /** Fills `seed` against `schema`, building user objects for the listed user-valued keys. */
  const build = (schema: Schema, seed: Record<string, unknown>, users: Record<string, GitHubUser | null>) => {
    const out: Record<string, unknown> = { ...seed };
    for (const [key, u] of Object.entries(users)) {
      const s = propSchema(schema, key);
      out[key] = u === null ? null : userObject(u, pickUserSchema(s));
    }
    return fill(schema, out) as Record<string, unknown>;
  };

  const pickUserSchema = (s: Schema | undefined): Schema => {
    if (!s) return { type: 'object' };
    const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
    if (branches)
      return branches.find((b) => b.type === 'object' && (b.properties as Schema)?.login) ?? branches[0]!;
    return s;
  };

  const repoOf = (owner: string, repo: string): Repo | undefined =>
    Object.values(state.repos).find((r) => eq(r.owner, owner) && eq(r.name, repo)) ??
    findKey(state.repos, `${owner}/${repo}`);

  const pullOf = (repo: Repo, number: number): PullRequest | undefined => repo.pulls[number];

  const labelSeed = (repo: Repo, name: string) => {
    const id = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000_007, 7);
    return {
      id,
      node_id: `LA_${id}`,
      url: `${baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: 'ededed',
      default: false,
    };
  };

  /** A pull request as GitHub shows it, filled against `schema` (full or simple). */
  const pullObject = (schema: Schema, repo: Repo, pr: PullRequest): Record<string, unknown> => {
    const repoPath = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
    const owner: GitHubUser = state.users[repo.owner] ?? { login: repo.owner, id: 1, type: 'Organization' };
    const repoObject = (s: Schema | undefined) =>
      fill(s ?? { type: 'object' }, {
        id: repo.id ?? 1,
        node_id: `R_${repo.id ?? 1}`,
        name: repo.name,
        full_name: `${repo.owner}/${repo.name}`,
        private: repo.private ?? false,
        default_branch: repo.default_branch ?? 'main',
        url: repoPath,
        html_url: `https://github.com/${repo.owner}/${repo.name}`,
        owner: userObject(owner, pickUserSchema(propSchema(s ?? {}, 'owner'))),
      });
    const branch = (which: 'head' | 'base') => {
      const s = propSchema(schema, which) ?? { type: 'object' };
      return fill(s, {
        label: `${repo.owner}:${pr[which].ref}`,
        ref: pr[which].ref,
        sha: pr[which].sha,
        repo: repoObject(propSchema(s, 'repo')),
        user: userObject(owner, pickUserSchema(propSchema(s, 'user'))),
      });
    };
    const labelSchema = (propSchema(schema, 'labels')?.items as Schema | undefined) ?? { type: 'object' };
    const body = build(
      schema,
      {
        id: pr.number * 1000,
        node_id: `PR_${pr.number}`,
        number: pr.number,
        title: pr.title ?? `Pull request ${pr.number}`,
        body: pr.body ?? null,
        state: pr.state ?? 'open',
        draft: pr.draft ?? false,
        merged: pr.merged ?? false,
        merge_commit_sha: pr.merge_commit_sha ?? null,
        merged_at: pr.merged_at ?? null,
        locked: false,
        url: `${repoPath}/pulls/${pr.number}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
        issue_url: `${repoPath}/issues/${pr.number}`,
        comments_url: `${repoPath}/issues/${pr.number}/comments`,
        review_comments_url: `${repoPath}/pulls/${pr.number}/comments`,
        commits_url: `${repoPath}/pulls/${pr.number}/commits`,
        statuses_url: `${repoPath}/statuses/${pr.head.sha}`,
        created_at: FIXED_TIME,
        updated_at: FIXED_TIME,
        commits: pr.commits?.length ?? 0,
        labels: (pr.labels ?? []).map((name) => fill(labelSchema, labelSeed(repo, name))),
        head: branch('head'),
        base: branch('base'),
        author_association: 'MEMBER',
      },
      { user: pr.user },
    );
    return withExtra(body, pr.extra);
  };

  const paginate = (
    items: unknown[],
    query: Record<string, string>,
    path: string,
  ): { items: unknown[]; headers: Record<string, string> } => {
    const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
    const page = Math.max(Number(query.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string): string => {
      const params = new URLSearchParams({ ...query, per_page: String(perPage), page: String(p) });
      return `<${baseUrl}${path}?${params.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return {
      items: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  };

  const commentObject = (key: string, status: string, repo: Repo, c: IssueComment) => {
    const repoPath = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
    return withExtra(
      build(
        responseSchema(key, status).type === 'array'
          ? (responseSchema(key, status).items as Schema)
          : responseSchema(key, status),
        {
          id: c.id,
          node_id: `IC_${c.id}`,
          url: `${repoPath}/issues/comments/${c.id}`,
          html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${c.issue_number}#issuecomment-${c.id}`,
          issue_url: `${repoPath}/issues/${c.issue_number}`,
          body: c.body,
          created_at: c.created_at ?? FIXED_TIME,
          updated_at: c.updated_at ?? c.created_at ?? FIXED_TIME,
          author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
        },
        { user: c.user },
      ),
      c.extra,
    );
  };

  const now = (): string => state.now();

  type Handler = (
    p: Record<string, string>,
    query: Record<string, string>,
    body: unknown,
    identity: GitHubUser,
  ) => HttpAnswer;

  const handlers: Record<string, Handler> = {
    'GET /repos/{owner}/{repo}/pulls/{pull_number}': (p) => {
      const repo = repoOf(p.owner!, p.repo!);
      const pr = repo && pullOf(repo, Number(p.pull_number));
      if (!repo || !pr) return notFound();
      const key = 'GET /repos/{owner}/{repo}/pulls/{pull_number}';
      return new HttpAnswer(200, pullObject(responseSchema(key, '200'), repo, pr));
    },

    'POST /repos/{owner}/{repo}/pulls': (p, _q, body, identity) => {
      const repo = repoOf(p.owner!, p.repo!);
      if (!repo) return notFound();
      const b = body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
      const invalid = (field: string, message?: string) =>
        new HttpAnswer(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field, code: 'invalid', ...(message ? { message } : {}) }],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        });
      if (b.title === undefined) return invalid('title');
      const headSha = branchTip(repo, b.head);
      const baseSha = branchTip(repo, b.base);
      if (headSha === undefined) return invalid('head');
      if (baseSha === undefined) return invalid('base');
      if (headSha === baseSha) return invalid('head', `No commits between ${b.base} and ${b.head}`);
      const open = Object.values(repo.pulls).find(
        (x) => (x.state ?? 'open') === 'open' && x.head.ref === b.head && x.base.ref === b.base,
      );
      if (open) return invalid('head', `A pull request already exists for ${repo.owner}:${b.head}.`);
      const numbers = [...Object.keys(repo.pulls).map(Number), ...repo.comments.map((c) => c.issue_number)];
      const pr: PullRequest = {
        number: Math.max(0, ...numbers) + 1,
        title: b.title,
        body: b.body ?? null,
        state: 'open',
        draft: b.draft ?? false,
        user: identity,
        head: { ref: b.head, sha: headSha },
        base: { ref: b.base, sha: baseSha },
        labels: [],
      };
      repo.pulls[pr.number] = pr;
      const out = pullObject(responseSchema('POST /repos/{owner}/{repo}/pulls', '201'), repo, pr);
      return new HttpAnswer(201, out, { location: String(out.url) });
    },

    'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': (p, query) => {
      const repo = repoOf(p.owner!, p.repo!);
      if (!repo) return notFound();
      const sha = p.commit_sha!.toLowerCase();
      if (repo.git && !gitHas(repo.git, `${sha}^{commit}`)) {
        return new HttpAnswer(422, {
          message: `No commit found for SHA: ${p.commit_sha}`,
          documentation_url:
            'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit',
        });
      }
      // The pull requests whose head holds the commit, or whose merge put it on the base branch.
      const listed = Object.values(repo.pulls)
        .filter(
          (pr) =>
            pr.head.sha.toLowerCase() === sha ||
            (pr.merge_commit_sha ?? '').toLowerCase() === sha ||
            (pr.commits ?? []).some((c) => c.sha.toLowerCase() === sha),
        )
        .sort((a, b) => b.number - a.number);
      const itemSchema = responseSchema('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', '200')
        .items as Schema;
      const page = paginate(
        listed.map((pr) => pullObject(itemSchema, repo, pr)),
        query,
        `/repos/${p.owner}/${p.repo}/commits/${p.commit_sha}/pulls`,
      );
      return new HttpAnswer(200, page.items, page.headers);
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': (p, _q, body) => {
      const repo = repoOf(p.owner!, p.repo!);
      const pr = repo && pullOf(repo, Number(p.issue_number));
      if (!repo || !pr) return notFound();
      const given = Array.isArray(body) ? body : ((body as { labels?: unknown[] }).labels ?? []);
      const names = given.map((l) => (typeof l === 'string' ? l : String((l as { name: string }).name)));
      pr.labels = [...new Set([...(pr.labels ?? []), ...names])];
      const itemSchema = responseSchema('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', '200')
        .items as Schema;
      return new HttpAnswer(
        200,
        pr.labels.map((name) => fill(itemSchema, labelSeed(repo, name))),
      );
    },

    'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': (p, query) => {
      const repo = repoOf(p.owner!, p.repo!);
      const pr = repo && pullOf(repo, Number(p.pull_number));
      if (!repo || !pr) return notFound();
      const itemSchema = responseSchema('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', '200')
        .items as Schema;
      const repoPath = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
      const all = (pr.reviews ?? []).map((r) => {
        const html = `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`;
        const built = build(
          itemSchema,
          {
            node_id: `PRR_${r.id}`,
            body: r.body ?? '',
            html_url: html,
            pull_request_url: `${repoPath}/pulls/${pr.number}`,
            _links: { html: { href: html }, pull_request: { href: `${repoPath}/pulls/${pr.number}` } },
            author_association: 'MEMBER',
          },
          { user: r.user },
        );
        // The state's own fields win, so a review missing a required field stays missing.
        const out: Record<string, unknown> = {
          ...built,
          id: r.id,
          state: r.state,
          commit_id: r.commit_id,
          submitted_at: r.submitted_at,
        };
        return withExtra(out, r.extra);
      });
      const page = paginate(all, query, `/repos/${p.owner}/${p.repo}/pulls/${p.pull_number}/reviews`);
      return new HttpAnswer(200, page.items, page.headers);
    },

    'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits': (p, query) => {
      const repo = repoOf(p.owner!, p.repo!);
      const pr = repo && pullOf(repo, Number(p.pull_number));
      if (!repo || !pr) return notFound();
      const itemSchema = responseSchema('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', '200')
        .items as Schema;
      const repoPath = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
      const gitPerson = (u: GitHubUser | null) => ({
        name: u?.name ?? u?.login ?? 'Unlinked Author',
        email: u?.email ?? `${u?.id ?? 0}+${u?.login ?? 'unlinked'}@users.noreply.github.com`,
        date: FIXED_TIME,
      });
      const all = (pr.commits ?? []).map((c) =>
        withExtra(
          build(
            itemSchema,
            {
              sha: c.sha,
              node_id: `C_${c.sha}`,
              url: `${repoPath}/commits/${c.sha}`,
              html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
              comments_url: `${repoPath}/commits/${c.sha}/comments`,
              commit: fill(propSchema(itemSchema, 'commit') ?? { type: 'object' }, {
                url: `${repoPath}/git/commits/${c.sha}`,
                message: c.message ?? `Commit ${c.sha.slice(0, 7)}`,
                author: gitPerson(c.author),
                committer: gitPerson(c.committer),
                comment_count: 0,
              }),
              parents: (c.parents ?? []).map((sha) => ({ sha, url: `${repoPath}/commits/${sha}` })),
            },
            { author: c.author, committer: c.committer },
          ),
          c.extra,
        ),
      );
      const page = paginate(all, query, `/repos/${p.owner}/${p.repo}/pulls/${p.pull_number}/commits`);
      return new HttpAnswer(200, page.items, page.headers);
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': (p, query) => {
      const key = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
      const repo = repoOf(p.owner!, p.repo!);
      const issue = Number(p.issue_number);
      if (!repo || !pullOf(repo, issue)) return notFound();
      let list = repo.comments.filter((c) => c.issue_number === issue).sort((a, b) => a.id - b.id);
      if (query.since) list = list.filter((c) => (c.updated_at ?? FIXED_TIME) >= query.since!);
      const page = paginate(
        list.map((c) => commentObject(key, '200', repo, c)),
        query,
        `/repos/${p.owner}/${p.repo}/issues/${p.issue_number}/comments`,
      );
      return new HttpAnswer(200, page.items, page.headers);
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': (p, _q, body, identity) => {
      const repo = repoOf(p.owner!, p.repo!);
      const issue = Number(p.issue_number);
      if (!repo || !pullOf(repo, issue)) return notFound();
      const time = now();
      const comment: IssueComment = {
        id: state.nextId++,
        issue_number: issue,
        body: (body as { body: string }).body,
        user: identity,
        created_at: time,
        updated_at: time,
      };
      repo.comments.push(comment);
      const out = commentObject(
        'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        '201',
        repo,
        comment,
      );
      return new HttpAnswer(201, out, { location: String(out.url) });
    },

    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': (p, _q, body) => {
      const repo = repoOf(p.owner!, p.repo!);
      const comment = repo?.comments.find((c) => c.id === Number(p.comment_id));
      if (!repo || !comment) return notFound();
      comment.body = (body as { body: string }).body;
      comment.updated_at = now();
      return new HttpAnswer(
        200,
        commentObject('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', '200', repo, comment),
      );
    },

    'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': (p) => {
      const team = findKey(findKey(state.orgs, p.org!)?.teams ?? {}, p.team_slug!);
      const membership = team && findKey(team.members, p.username!);
      if (!membership) return notFound();
      return new HttpAnswer(200, {
        url: `${baseUrl}/organizations/1/team/1/memberships/${p.username}`,
        role: membership.role ?? 'member',
        state: membership.state,
      });
    },

    'POST /repos/{owner}/{repo}/statuses/{sha}': (p, _q, body, identity) => {
      const repo = repoOf(p.owner!, p.repo!);
      if (!repo) return notFound();
      const known = new Set<string>();
      for (const pr of Object.values(repo.pulls)) {
        known.add(pr.head.sha).add(pr.base.sha);
        for (const c of pr.commits ?? []) known.add(c.sha);
      }
      if (!known.has(p.sha!)) {
        return new HttpAnswer(422, {
          message: `No commit found for SHA: ${p.sha}`,
          documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
        });
      }
      const b = body as {
        state: CommitStatus['state'];
        target_url?: string | null;
        description?: string | null;
        context?: string;
      };
      const time = now();
      const status: CommitStatus = {
        id: state.nextId++,
        sha: p.sha!,
        state: b.state,
        target_url: b.target_url ?? null,
        description: b.description ?? null,
        context: b.context ?? 'default',
        creator: identity,
        created_at: time,
        updated_at: time,
      };
      repo.statuses.push(status);
      const out = build(
        responseSchema('POST /repos/{owner}/{repo}/statuses/{sha}', '201'),
        {
          id: status.id,
          node_id: `SC_${status.id}`,
          url: `${baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}`,
          avatar_url: null,
          state: status.state,
          target_url: status.target_url,
          description: status.description,
          context: status.context,
          created_at: status.created_at,
          updated_at: status.updated_at,
        },
        { creator: identity },
      );
      return new HttpAnswer(201, out, { location: String(out.url) });
    },

    'GET /users/{username}': (p) => {
      const u = findKey(state.users, p.username!);
      if (!u) return notFound();
      const schema = responseSchema('GET /users/{username}', '200');
      const publicUser = ((schema.oneOf ?? schema.anyOf) as Schema[] | undefined)?.find(
        (b) => b.title === 'Public User',
      );
      const body = fill(publicUser ?? schema, {
        ...userObject(u, publicUser ?? schema),
        created_at: FIXED_TIME,
        updated_at: FIXED_TIME,
      });
      return new HttpAnswer(200, body);
    },
  };

  const record = (v: Violation): void => {
    violations.push(v);
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const takeFault = (method: string, path: string, template: string | undefined): Fault | undefined => {
    const i = pending.findIndex(
      (f) =>
        (f.method === '*' || eq(f.method, method)) &&
        (f.path instanceof RegExp
          ? f.path.test(path)
          : f.path === template || f.path === path || (f.path.includes('*') && globMatch(f.path, path))),
    );
    if (i < 0) return undefined;
    const f = pending[i]!;
    f.remaining -= 1;
    if (f.remaining <= 0) pending.splice(i, 1);
    return f.fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
    const raw = await readBody(req);
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const entry: RecordedRequest = { method, path, query, body, headers };
    requests.push(entry);

    const match = compiled.operations
      .filter((o) => o.op.method === method)
      .map((o) => ({ o, m: o.regex.exec(path) }))
      .find((x) => x.m);
    const op = match?.o;
    if (op) entry.operation = op.key;
    const violation = (message: string, errors?: ErrorObject[] | null): void =>
      record({
        kind: 'request',
        method,
        path,
        operation: op?.key,
        message,
        ...(errors ? { errors: [...errors] } : {}),
      });

    const send = (answer: HttpAnswer, fromFault = false): void => {
      entry.status = answer.status;
      // Check the response against the published description before it leaves.
      if (op) {
        const validate = op.responses.get(String(answer.status));
        const documented = String(answer.status) in op.op.responses;
        if (validate) {
          if (!validate(answer.body)) {
            record({
              kind: 'response',
              method,
              path,
              operation: op.key,
              status: answer.status,
              message: `response ${answer.status} does not match ${op.key}`,
              errors: [...(validate.errors ?? [])],
            });
          }
        } else if (answer.status >= 400) {
          if (answer.body !== undefined && !compiled.basicError(answer.body)) {
            record({
              kind: 'response',
              method,
              path,
              operation: op.key,
              status: answer.status,
              message: `error response ${answer.status} is not GitHub's error shape`,
              errors: [...(compiled.basicError.errors ?? [])],
            });
          }
        } else if (!documented && !fromFault) {
          record({
            kind: 'response',
            method,
            path,
            operation: op.key,
            status: answer.status,
            message: `status ${answer.status} is not documented for ${op.key}`,
          });
        }
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `LOCAL:${requests.length}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
        ...answer.headers,
      });
      res.end(text);
    };

    // --- validate the request -------------------------------------------------------------
    if (!headers['user-agent']) violation('GitHub rejects requests without a User-Agent header');
    const params: Record<string, string> = {};
    if (!op) {
      violation(`${method} ${path} is not an operation leash uses (not in the extract)`);
    } else {
      op.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(match!.m![i + 1]!)));
      for (const p of op.op.parameters) {
        const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? query[p.name] : undefined;
        if (value === undefined) {
          if (p.required) violation(`missing required ${p.in} parameter ${p.name}`);
          continue;
        }
        const coerced =
          p.schema.type === 'integer' || p.schema.type === 'number' ? coerceNumber(value) : value;
        const validate = op.params.get(`${p.in}:${p.name}`)!;
        if (!validate(coerced)) violation(`${p.in} parameter ${p.name}=${value} is invalid`, validate.errors);
      }
      for (const name of Object.keys(query)) {
        if (!op.op.parameters.some((p) => p.in === 'query' && p.name === name)) {
          violation(`unknown query parameter ${name}`);
        }
      }
      if (op.op.requestBody) {
        if (raw.length === 0) {
          if (op.op.requestBody.required) violation('missing required JSON request body');
        } else {
          if (!(headers['content-type'] ?? '').includes('json')) {
            violation(
              `request body sent as ${headers['content-type'] ?? 'no content-type'}, not application/json`,
            );
          }
          if (badJson) violation('request body is not JSON');
          else if (op.body && !op.body(body))
            violation('request body does not match the schema', op.body.errors);
        }
      } else if (raw.length > 0) {
        violation(`${op.key} takes no request body`);
      }
    }

    // --- faults, auth, then the operation ---------------------------------------------------
    const fault = takeFault(method, path, op?.op.path);
    if (fault) {
      if (fault.dropConnection) {
        entry.status = 0;
        req.socket.destroy();
        return;
      }
      send(new HttpAnswer(fault.status, fault.body ?? errorBody(fault.status), fault.headers ?? {}), true);
      return;
    }

    const auth = headers.authorization;
    let identity = state.identity;
    if (!auth && state.requireAuth) return send(new HttpAnswer(401, errorBody(401)));
    if (auth && Object.keys(state.tokens).length > 0) {
      const token = auth.replace(/^(token|bearer)\s+/i, '');
      const known = state.tokens[token];
      if (!known) return send(new HttpAnswer(401, errorBody(401, 'Bad credentials')));
      identity = known;
    }

    if (!op) return send(notFound());
    if (badJson) return send(new HttpAnswer(400, errorBody(400)));
    const requestErrors = op.op.requestBody && raw.length > 0 && op.body && !op.body(toLenient(body, op));
    if (requestErrors || (op.op.requestBody?.required && raw.length === 0)) {
      return send(
        new HttpAnswer(422, {
          message: 'Invalid request.',
          documentation_url: 'https://docs.github.com/rest',
          errors: [{ resource: 'Request', code: 'invalid', message: 'Invalid request body' }],
        }),
      );
    }
    send(handlers[op.key]!(params, query, body, identity));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      record({
        kind: 'response',
        method: req.method ?? '',
        path: req.url ?? '',
        message: `server error: ${error instanceof Error ? error.stack : String(error)}`,
      });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody(500)));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    state,
    requests,
    violations,
    failNext(method, path, fault) {
      pending.push({ method, path, fault, remaining: fault.times ?? 1 });
    },
    pendingFaults: () => pending.reduce((n, f) => n + f.remaining, 0),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

function coerceNumber(value: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * GitHub answers 422 when a body has the wrong types or misses required fields, but ignores
 * unknown fields: for the answer, drop the fields the schema does not list (the violation for
 * them is already recorded).
 */
function toLenient(body: unknown, op: CompiledOperation): unknown {
  const props = op.op.requestBody?.content['application/json']?.schema.properties as Schema | undefined;
  if (!isPlainObject(body) || !props) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => k in props));
}

/** Creates a repository in the state shape with no pull requests, comments or statuses. */
export function repo(
  fullName: string,
  pulls: PullRequest[] = [],
  extra: Partial<Repo> = {},
): Record<string, Repo> {
  const [owner, name] = fullName.split('/') as [string, string];
  return {
    [fullName]: {
      owner,
      name,
      pulls: Object.fromEntries(pulls.map((p) => [p.number, p])),
      comments: [],
      statuses: [],
      ...extra,
    },
  };
}
