/**
 * A SCIM 2.0 service provider for tests and the benchmark: SCIMMY (the maintained SCIM library)
 * behind scimmy-routers on express 5, listening on 127.0.0.1 with a random port and keeping
 * Users and Groups in memory. SCIMMY parses requests, applies PATCH operations, formats list
 * responses and paginates them; this file only stores what SCIMMY hands it, applies SCIMMY's
 * filter on reads and enforces what a real directory enforces (unique userName, members that
 * exist, membership as a set, a deleted user leaving its groups).
 *
 * Tests can make the next requests fail (`failNext`, e.g. a 429 with Retry-After) or tamper
 * with list responses (`tamperLists`, e.g. a page cut short) to exercise retries and partial
 * reads against the real server. Plain TypeScript, no test-framework imports.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';
// Types only: the libraries load in startScimServer, so a missing install gets a clear message.
import type SCIMMYModule from 'scimmy';

/** A stored SCIM resource (the JSON SCIMMY produced), with its server-assigned id. */
export interface ScimRecord {
  id: string;
  [key: string]: unknown;
}

/** One request the server received, for assertions about what a client sent. */
export interface RecordedRequest {
  method: string;
  /** The path below the base URL, e.g. `/Users` or `/Groups/<id>`. */
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

/** A list response as the server is about to send it, for `tamperLists`. */
export interface ScimListBody {
  Resources: Record<string, unknown>[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  [key: string]: unknown;
}

export interface FailOptions {
  /** Retry-After header value: seconds or an HTTP date. */
  retryAfter?: string;
  /** Only requests with this method (GET, POST, PATCH, PUT, DELETE); any by default. */
  method?: string;
  /** Only requests whose path starts with this, e.g. `/Groups`; any by default. */
  path?: string;
  /** How many matching requests fail; 1 by default. */
  times?: number;
}

export interface ScimServer {
  /** The base URL, holding /Users and /Groups. */
  url: string;
  /** The bearer token the server accepts. */
  token: string;
  /** The live state, by server id (read it, do not change it behind the server's back). */
  users: ReadonlyMap<string, ScimRecord>;
  groups: ReadonlyMap<string, ScimRecord>;
  /** Every authenticated request, in order. */
  requests: RecordedRequest[];
  /** The next matching requests get `status` (with a SCIM error body) instead of an answer. */
  failNext(status: number, options?: FailOptions): void;
  /**
   * The next matching requests are carried out, then the connection is cut before the answer:
   * the client cannot know whether its request landed.
   */
  dropNextAnswer(options?: Omit<FailOptions, 'retryAfter'>): void;
  /**
   * Every list response passes through `tamper` before it is sent (until called again without
   * one): return the body to send. `request` is the list request.
   */
  tamperLists(tamper?: (body: ScimListBody, request: RecordedRequest) => ScimListBody): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

export interface StartScimServerOptions {
  /** The bearer token to accept; a random one by default. */
  token?: string;
}

/** Where one server keeps its resources: passed to SCIMMY's handlers as the request context. */
interface Store {
  users: Map<string, ScimRecord>;
  groups: Map<string, ScimRecord>;
}

type Scimmy = typeof SCIMMYModule;

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Starts a SCIM service provider on 127.0.0.1 (random port). */
export async function startScimServer(options: StartScimServerOptions = {}): Promise<ScimServer> {
  const { SCIMMY, SCIMMYRouters, express } = await loadLibraries();
  declareResources(SCIMMY);

  const token = options.token ?? randomUUID();
  const store: Store = { users: new Map(), groups: new Map() };
  const requests: RecordedRequest[] = [];
  type Fault = Required<Omit<FailOptions, 'retryAfter'>> & { status?: number; retryAfter?: string };
  const faults: Fault[] = [];
  let tamper: ((body: ScimListBody, request: RecordedRequest) => ScimListBody) | undefined;

  const app = express();
  // express 5 re-parses req.query on every access, so the number casts scimmy-routers makes
  // are lost and SCIMMY would ignore startIndex and count; parse them as numbers here.
  app.set('query parser', (text: string) => {
    const query: Record<string, unknown> = { ...parseQueryString(text) };
    for (const key of ['startIndex', 'count']) {
      const value = query[key];
      if (typeof value === 'string' && /^-?\d+$/.test(value)) query[key] = Number(value);
    }
    return query;
  });
  app.use('/scim/v2', express.json({ type: ['application/scim+json', 'application/json'] }));
  app.use('/scim/v2', (req: Request, res: Response, next: NextFunction) => {
    if (req.header('authorization') !== `Bearer ${token}`) return next();
    const recorded: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)])),
      ...(req.body !== undefined ? { body: structuredClone(req.body as unknown) } : {}),
    };
    requests.push(recorded);
    const fault = faults.find(
      (f) => (f.method === '*' || f.method === req.method) && req.path.startsWith(f.path),
    );
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      if (fault.status === undefined) {
        res.send = () => {
          req.socket.destroy();
          return res;
        };
        return next();
      }
      if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
      res
        .status(fault.status)
        .type('application/scim+json')
        .send(
          JSON.stringify({
            schemas: [ERROR_SCHEMA],
            status: String(fault.status),
            detail: `injected failure (${fault.status})`,
          }),
        );
      return;
    }
    if (tamper && req.method === 'GET') {
      const change = tamper;
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const list = JSON.parse(JSON.stringify(body)) as ScimListBody;
        const isList = Array.isArray(list.schemas) && (list.schemas as unknown[]).includes(LIST_SCHEMA);
        return json(isList ? change(list, recorded) : body);
      };
    }
    next();
  });
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: Request) => {
        const header = req.header('authorization');
        if (!header?.startsWith('Bearer '))
          throw new Error('Authorization header with a bearer token required');
        if (header !== `Bearer ${token}`) throw new Error('The bearer token is not valid');
        return 'leash';
      },
      context: () => store,
    }),
  );

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    token,
    users: store.users,
    groups: store.groups,
    requests,
    failNext(status, failOptions = {}) {
      faults.push({
        status,
        method: failOptions.method ?? '*',
        path: failOptions.path ?? '/',
        times: failOptions.times ?? 1,
        ...(failOptions.retryAfter !== undefined ? { retryAfter: failOptions.retryAfter } : {}),
      });
    },
    dropNextAnswer(dropOptions = {}) {
      faults.push({
        method: dropOptions.method ?? '*',
        path: dropOptions.path ?? '/',
        times: dropOptions.times ?? 1,
      });
    },
    tamperLists(next) {
      tamper = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function loadLibraries() {
  try {
    const [scimmy, routers, express] = await Promise.all([
      import('scimmy'),
      import('scimmy-routers'),
      import('express'),
    ]);
    return { SCIMMY: scimmy.default, SCIMMYRouters: routers.default, express: express.default };
  } catch (error) {
    throw new Error(
      'the test SCIM server needs the dev dependencies scimmy, scimmy-routers and express (run npm ci)',
      { cause: error },
    );
  }
}

let declared = false;

/**
 * SCIMMY keeps declared resource types in a process-wide registry, so the handlers are declared
 * once and find each server's store in the request context.
 */
function declareResources(SCIMMY: Scimmy): void {
  if (declared) return;
  declared = true;
  const { Error: ScimError } = SCIMMY.Types;
  const now = () => new Date().toISOString();
  const plain = (instance: unknown) => JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  const list = (
    records: Map<string, ScimRecord>,
    resource: { id?: string; filter?: { match(v: unknown[]): unknown[] } },
  ) => {
    if (resource.id !== undefined) {
      // SCIMMY turns an id into the filter `id eq "<id>"`; a lookup answers it without a scan.
      const record = records.get(resource.id);
      if (!record) throw new ScimError(404, '', `Resource ${resource.id} not found`);
      return [record];
    }
    const all = [...records.values()];
    return resource.filter ? (resource.filter.match(all) as ScimRecord[]) : all;
  };
  const stored = (
    records: Map<string, ScimRecord>,
    id: string | undefined,
    data: Record<string, unknown>,
    resourceType: string,
  ): ScimRecord => {
    const previous = id === undefined ? undefined : records.get(id);
    if (id !== undefined && !previous) throw new ScimError(404, '', `Resource ${id} not found`);
    const record: ScimRecord = {
      ...data,
      id: id ?? randomUUID(),
      meta: {
        resourceType,
        created: (previous?.meta as { created?: string } | undefined)?.created ?? now(),
        lastModified: now(),
      },
    };
    records.set(record.id, record);
    return record;
  };

  SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .ingress((resource, instance, ctx: Store) => {
      const data = plain(instance);
      const userName = String(data.userName ?? '').toLowerCase();
      for (const other of ctx.users.values()) {
        if (other.id !== resource.id && String(other.userName).toLowerCase() === userName) {
          throw new ScimError(409, 'uniqueness', `userName ${String(data.userName)} is already taken`);
        }
      }
      return stored(ctx.users, resource.id, { ...data, schemas: [USER_SCHEMA] }, 'User') as never;
    })
    .egress((resource, ctx: Store) => list(ctx.users, resource) as never)
    .degress((resource, ctx: Store) => {
      if (resource.id === undefined || !ctx.users.delete(resource.id)) {
        throw new ScimError(404, '', `Resource ${resource.id} not found`);
      }
      // A deleted user leaves every group it was in, as directories do.
      for (const group of ctx.groups.values()) {
        const members = (group.members as { value: string }[] | undefined) ?? [];
        group.members = members.filter((m) => m.value !== resource.id);
      }
    });

  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, instance, ctx: Store) => {
      const data = plain(instance);
      // Membership is a set: adding a member twice keeps one (SCIMMY's PATCH add appends).
      const members = new Map<string, Record<string, unknown>>();
      for (const member of (data.members as Record<string, unknown>[] | undefined) ?? []) {
        const value = String(member.value);
        if (!ctx.users.has(value) && !ctx.groups.has(value)) {
          throw new ScimError(400, 'invalidValue', `member ${value} is neither a user nor a group`);
        }
        if (!members.has(value)) members.set(value, member);
      }
      return stored(
        ctx.groups,
        resource.id,
        { ...data, schemas: [GROUP_SCHEMA], members: [...members.values()] },
        'Group',
      ) as never;
    })
    .egress((resource, ctx: Store) => list(ctx.groups, resource) as never)
    .degress((resource, ctx: Store) => {
      if (resource.id === undefined || !ctx.groups.delete(resource.id)) {
        throw new ScimError(404, '', `Resource ${resource.id} not found`);
      }
    });
}
