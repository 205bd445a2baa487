/**
 * A small SCIM 2.0 client (RFC 7644) on Node's global fetch: JSON requests with a bearer token,
 * SCIM errors turned into messages, transient failures into RetryableError, and list reads that
 * page through a whole collection and refuse to return it unless the pages add up.
 */
import type { RetryPolicy } from '../../retry.js';
import { parseRetryAfter, withRetry } from '../../retry.js';
import { RetryableError } from '../../types.js';

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A SCIM resource as a service provider returns it; only the attributes leash reads are typed. */
export interface ScimResource {
  id: string;
  externalId?: string;
  userName?: string;
  displayName?: string;
  active?: boolean;
  members?: { value?: string; type?: string }[];
  [key: string]: unknown;
}

export interface ScimClientOptions {
  /** The service provider's base URL (holding /Users and /Groups). */
  baseUrl: string;
  token?: string;
  /** The variable the token came from, named in authentication errors. */
  tokenEnv?: string;
  /** The longest one HTTP request may take. */
  requestTimeoutMs: number;
  /** How each page of a list read is retried on transient failures. */
  retry: RetryPolicy;
  /** Resources asked for per page (a server may send fewer and say so in itemsPerPage). */
  pageSize: number;
}

/** A SCIM request the service provider refused (a 4xx or 5xx that is not transient). */
export class ScimRequestError extends Error {
  override name = 'ScimRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

/**
 * The request may or may not have reached the server (connection reset, timeout): a create
 * retried after it must first look whether the first attempt landed.
 */
export class ScimNetworkError extends RetryableError {
  override name = 'ScimNetworkError';
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** HTTP statuses that say "try again later": the request was not carried out. */
const TRANSIENT = new Set([429, 502, 503, 504]);

export class ScimClient {
  private readonly base: string;

  constructor(private readonly options: ScimClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends one request; returns the parsed JSON body (undefined for an empty one). */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/scim+json, application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/scim+json';
    if (this.options.token !== undefined) headers.Authorization = `Bearer ${this.options.token}`;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const what = `SCIM ${method} ${path}`;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, {
        method,
        headers,
        signal,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      // The caller's own abort is not a transient failure: it must stop, not be retried.
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const reason = timeout.aborted
        ? `no answer within ${this.options.requestTimeoutMs} ms`
        : networkReason(error);
      throw new ScimNetworkError(`${what}: ${reason}`, undefined, { cause: error });
    }
    if (status >= 200 && status < 300) {
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new Error(`${what}: the answer is not JSON`, { cause: error });
      }
    }
    const { detail, scimType } = parseError(text);
    const message = `${what} answered ${status}${scimType ? ` (${scimType})` : ''}${detail ? `: ${detail}` : ''}`;
    if (TRANSIENT.has(status)) throw new RetryableError(message, parseRetryAfter(retryAfter, Date.now()));
    if (status === 401 || status === 403) {
      const hint =
        this.options.tokenEnv === undefined
          ? 'no bearer token is configured (set tokenEnv in the target settings)'
          : `check the bearer token in ${this.options.tokenEnv}`;
      throw new ScimRequestError(`${message}; ${hint}`, status, scimType);
    }
    throw new ScimRequestError(message, status, scimType);
  }

  /**
   * Every resource of a collection matching `filter`, page after page (startIndex/count) until
   * totalResults. Throws when the pages do not add up: a short or empty page before the end,
   * totalResults changing between pages, a resource seen twice, a page that fails for good.
   */
  async listAll(path: string, filter: string | undefined, signal?: AbortSignal): Promise<ScimResource[]> {
    const count = this.options.pageSize;
    const out: ScimResource[] = [];
    const seen = new Set<string>();
    let total: number | undefined;
    let startIndex = 1;
    const fail = (why: string) =>
      new Error(`SCIM GET ${path}: the list did not add up (${why}); nothing was read, try again`);
    for (;;) {
      const { value } = await withRetry(
        () => this.request('GET', path, { query: { filter, startIndex, count }, signal }),
        this.options.retry,
        signal,
      );
      const page = parseListPage(value);
      if (!page) throw fail(`the answer at startIndex ${startIndex} is not a SCIM ListResponse`);
      if (total === undefined) total = page.totalResults;
      else if (page.totalResults !== total) {
        throw fail(`totalResults went from ${total} to ${page.totalResults} while paging`);
      }
      if (page.startIndex !== undefined && page.startIndex !== startIndex) {
        throw fail(`asked for startIndex ${startIndex}, got a page starting at ${page.startIndex}`);
      }
      const remaining = total - out.length;
      const perPage = page.itemsPerPage !== undefined && page.itemsPerPage > 0 ? page.itemsPerPage : count;
      const expected = Math.min(remaining, count, perPage);
      if (page.resources.length > remaining) {
        throw fail(
          `${page.resources.length} resources at startIndex ${startIndex}, only ${remaining} left of ${total}`,
        );
      }
      if (remaining > 0 && (page.resources.length === 0 || page.resources.length < expected)) {
        throw fail(
          `${page.resources.length} resources at startIndex ${startIndex} where ${expected} were due (totalResults ${total})`,
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
}

interface ListPage {
  totalResults: number;
  startIndex?: number;
  itemsPerPage?: number;
  resources: ScimResource[];
}

function parseListPage(value: unknown): ListPage | undefined {
  if (!isRecord(value)) return undefined;
  const { totalResults, startIndex, itemsPerPage, Resources } = value;
  if (!isCount(totalResults)) return undefined;
  if (startIndex !== undefined && !isCount(startIndex)) return undefined;
  if (itemsPerPage !== undefined && !isCount(itemsPerPage)) return undefined;
  // RFC 7644 lets a server leave Resources out of an empty page.
  const resources = Resources ?? [];
  if (!Array.isArray(resources)) return undefined;
  if (!resources.every((r) => isRecord(r) && typeof r.id === 'string' && r.id !== '')) return undefined;
  return {
    totalResults,
    ...(startIndex !== undefined ? { startIndex } : {}),
    ...(itemsPerPage !== undefined ? { itemsPerPage } : {}),
    resources: resources as ScimResource[],
  };
}

function parseError(text: string): { detail?: string; scimType?: string } {
  try {
    const body = JSON.parse(text) as unknown;
    if (isRecord(body)) {
      return {
        ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
        ...(typeof body.scimType === 'string' ? { scimType: body.scimType } : {}),
      };
    }
  } catch {
    // not JSON: a proxy's error page; the first line says enough
  }
  const line = text.trim().split('\n')[0]?.slice(0, 200);
  return line ? { detail: line } : {};
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a reset) in cause.
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
