/**
 * A connection to IAM: reads the roles leash manages with their inline policies, and applies
 * one change as one IAM call.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import { canonicalJson } from '../../plan.js';
import { parseRetryAfter } from '../../retry.js';
import type { Change, JsonObject, ManagedObject, TargetConnection } from '../../types.js';
import { RetryableError } from '../../types.js';
import { POLICY, ROLE, SUSPENSION, TRUST_AS_CONFIGURED, policyId } from './desired.js';
import {
  SUSPENSION_POLICY_NAME,
  grantPolicyName,
  parsePolicyDocument,
  systemOfPolicyName,
  trustDocument,
} from './policy.js';
import type { AwsIamSettings } from './settings.js';

/** The tag that marks a role as leash's; only roles at the path carrying it are read. */
export const MANAGED_BY_TAG = { Key: 'managed-by', Value: 'leash' } as const;
/** The tag naming the agent a role is for (informational; the role name is the agent). */
export const AGENT_TAG_KEY = 'leash:agent';

/**
 * How the connection reads. `authorization-details` reads every role with its tags and inline
 * policies in a few pages (GetAccountAuthorizationDetails); `listing` needs only role-scoped
 * privileges but costs several calls per role; `auto` (the default) tries the first and falls
 * back to the second when the account leash uses may not call it.
 */
export type ReadStrategy = 'auto' | 'authorization-details' | 'listing';

/** Knobs for tests and the benchmark; leash.yaml does not set them. */
export interface AwsIamTuning {
  readStrategy?: ReadStrategy;
  /** Items per page (IAM's MaxItems, at most 1000). */
  pageSize?: number;
  /** Concurrent per-role calls in the listing read. */
  concurrency?: number;
  /** Attempts the SDK makes per read call (throttling, 5xx); writes are retried by leash. */
  readAttempts?: number;
}

/** Per-call options of the SDK's send: the caller's abort signal. */
type SendOptions = { abortSignal?: AbortSignal };

/** What read found for one of leash's roles. */
interface RoleView {
  name: string;
  trust: JsonObject;
  /** Only the inline policies leash writes (leash-<system>, leash.suspended). */
  policies: { name: string; document: JsonObject }[];
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ConcurrentModification',
  'ConcurrentModificationException',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

export class AwsIamConnection implements TargetConnection {
  private readonly reader: IAMClient;
  private readonly writer: IAMClient;
  private strategy: ReadStrategy;
  private readonly pageSize: number;
  private readonly concurrency: number;
  private readonly configuredTrust: string;

  constructor(
    private readonly settings: AwsIamSettings,
    tuning: AwsIamTuning = {},
  ) {
    const base = {
      region: settings.region,
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
    };
    // Reads may be thousands of calls (the listing read): the SDK retries each one. Writes
    // are retried by leash's apply, which reports the attempts; two retry layers would
    // multiply them.
    this.reader = new IAMClient({ ...base, maxAttempts: tuning.readAttempts ?? 3 });
    this.writer = new IAMClient({ ...base, maxAttempts: 1 });
    this.strategy = tuning.readStrategy ?? 'auto';
    this.pageSize = Math.min(Math.max(tuning.pageSize ?? 1000, 1), 1000);
    this.concurrency = Math.max(tuning.concurrency ?? 8, 1);
    this.configuredTrust = canonicalJson(trustDocument(settings.trustedPrincipal));
  }

  async read(signal?: AbortSignal): Promise<ManagedObject[]> {
    let roles: RoleView[];
    if (this.strategy === 'listing') {
      roles = await this.readByListing(signal);
    } else {
      try {
        roles = await this.readByAuthorizationDetails(signal);
      } catch (error) {
        if (this.strategy !== 'auto' || !isAccessDenied(error)) throw error;
        this.strategy = 'listing';
        roles = await this.readByListing(signal);
      }
    }
    return roles.flatMap((role) => this.toObjects(role));
  }

  /**
   * One agent's role (named after it) with leash's inline policies: GetRole, then its policies,
   * a handful of calls whatever the size of the account. Only the role-scoped privileges of the
   * listing read are needed.
   */
  async readAgent(agent: string, signal?: AbortSignal): Promise<ManagedObject[]> {
    let role;
    try {
      role = (await this.reader.send(new GetRoleCommand({ RoleName: agent }), { abortSignal: signal })).Role;
    } catch (error) {
      if (errorCode(error) === 'NoSuchEntity') return [];
      throw classify(`aws-iam read (GetRole ${agent})`, error, signal);
    }
    // IAM matches role names ignoring case: read() names the role as IAM spells it.
    if (!role || role.RoleName !== agent || role.Path !== this.settings.path || !isLeashRole(role.Tags)) {
      return [];
    }
    return this.toObjects({
      name: agent,
      trust: parsePolicyDocument(role.AssumeRolePolicyDocument, `role ${agent} trust policy`),
      policies: await this.leashPoliciesOf(agent, signal),
    });
  }

  async apply(change: Change, signal?: AbortSignal): Promise<void> {
    const agent = change.agent ?? change.id;
    const what = `${change.op} ${change.type} ${change.id}`;
    if (change.type === ROLE) {
      if (change.op === 'create') {
        await this.write(
          what,
          signal,
          (c, o) => c.send(new CreateRoleCommand(this.createRoleInput(agent)), o),
          {
            EntityAlreadyExists: `a role named ${agent} already exists that leash does not manage (at another path than ${this.settings.path}, or without the tag managed-by=leash); leash will not take it over: rename the agent or remove that role`,
          },
        );
      } else if (change.op === 'update') {
        await this.write(what, signal, (c, o) =>
          c.send(
            new UpdateAssumeRolePolicyCommand({
              RoleName: agent,
              PolicyDocument: JSON.stringify(trustDocument(this.settings.trustedPrincipal)),
            }),
            o,
          ),
        );
      } else {
        await this.write(what, signal, (c, o) => c.send(new DeleteRoleCommand({ RoleName: agent }), o), {
          NoSuchEntity: null,
          DeleteConflict: `role ${agent} still has policies or an instance profile that leash did not put there; leash removed its own and leaves the rest to you: detach them (or keep the role)`,
        });
      }
      return;
    }
    const policyName =
      change.type === SUSPENSION
        ? SUSPENSION_POLICY_NAME
        : change.type === POLICY
          ? grantPolicyOf(change)
          : undefined;
    if (policyName === undefined) throw new Error(`aws-iam: unknown object type ${change.type}`);
    if (change.op === 'delete') {
      await this.write(
        what,
        signal,
        (c, o) => c.send(new DeleteRolePolicyCommand({ RoleName: agent, PolicyName: policyName }), o),
        {
          NoSuchEntity: null,
        },
      );
      return;
    }
    const document = change.after?.document;
    if (document === undefined || document === null || typeof document !== 'object') {
      throw new Error(`aws-iam: ${what} carries no policy document`);
    }
    // PutRolePolicy creates or replaces: one call either way.
    await this.write(
      what,
      signal,
      (c, o) =>
        c.send(
          new PutRolePolicyCommand({
            RoleName: agent,
            PolicyName: policyName,
            PolicyDocument: JSON.stringify(document),
          }),
          o,
        ),
      { NoSuchEntity: `role ${agent} does not exist (its creation failed or it was removed outside leash)` },
    );
  }

  async close(): Promise<void> {
    this.reader.destroy();
    this.writer.destroy();
  }

  /** The role with its marker tags, path and trust policy in one call, so it is never unmarked. */
  private createRoleInput(agent: string) {
    return {
      RoleName: agent,
      Path: this.settings.path,
      AssumeRolePolicyDocument: JSON.stringify(trustDocument(this.settings.trustedPrincipal)),
      Description: `Agent ${agent}, managed by leash: changes made here are undone by the next sync`,
      Tags: [MANAGED_BY_TAG, { Key: AGENT_TAG_KEY, Value: agent }],
    };
  }

  private toObjects(role: RoleView): ManagedObject[] {
    const trust = canonicalJson(role.trust);
    const out: ManagedObject[] = [
      {
        type: ROLE,
        id: role.name,
        agent: role.name,
        attributes: { trustPolicy: trust === this.configuredTrust ? TRUST_AS_CONFIGURED : trust },
      },
    ];
    for (const policy of role.policies) {
      if (policy.name === SUSPENSION_POLICY_NAME) {
        out.push({
          type: SUSPENSION,
          id: role.name,
          agent: role.name,
          attributes: { document: policy.document },
        });
        continue;
      }
      const system = systemOfPolicyName(policy.name);
      if (system === undefined) continue;
      out.push({
        type: POLICY,
        id: policyId(role.name, system),
        agent: role.name,
        attributes: { system, document: policy.document },
      });
    }
    return out;
  }

  /** Every role with its tags and inline policies, a page (up to 1,000 roles) per call. */
  private async readByAuthorizationDetails(signal?: AbortSignal): Promise<RoleView[]> {
    const roles: RoleView[] = [];
    let marker: string | undefined;
    do {
      const current = marker;
      const page = await this.call('GetAccountAuthorizationDetails', signal, (c, o) =>
        c.send(
          new GetAccountAuthorizationDetailsCommand({
            Filter: ['Role'],
            MaxItems: this.pageSize,
            Marker: current,
          }),
          o,
        ),
      );
      for (const role of page.RoleDetailList ?? []) {
        if (role.Path !== this.settings.path || !isLeashRole(role.Tags)) continue;
        const name = requireName(role.RoleName);
        roles.push({
          name,
          trust: parsePolicyDocument(role.AssumeRolePolicyDocument, `role ${name} trust policy`),
          policies: (role.RolePolicyList ?? [])
            .filter((p) => isLeashPolicyName(p.PolicyName))
            .map((p) => ({
              name: p.PolicyName as string,
              document: parsePolicyDocument(p.PolicyDocument, `role ${name} policy ${p.PolicyName}`),
            })),
        });
      }
      marker = nextMarker('GetAccountAuthorizationDetails', page);
    } while (marker !== undefined);
    return roles;
  }

  /**
   * The roles under the path (paged), then per role its tags, inline policy names and leash's
   * policies, a bounded number of roles at a time. Needs only role-scoped privileges.
   */
  private async readByListing(signal?: AbortSignal): Promise<RoleView[]> {
    const listed = await this.allPages(
      'ListRoles',
      signal,
      (c, Marker, o) =>
        c.send(new ListRolesCommand({ PathPrefix: this.settings.path, MaxItems: this.pageSize, Marker }), o),
      (page) => page.Roles ?? [],
    );
    // PathPrefix also matches deeper paths, which may be another leash configuration's.
    const atPath = listed.filter((r) => r.Path === this.settings.path);
    const views = await mapBounded(atPath, this.concurrency, async (role): Promise<RoleView | undefined> => {
      const name = requireName(role.RoleName);
      const tags = await this.allPages(
        `ListRoleTags ${name}`,
        signal,
        (c, Marker, o) =>
          c.send(new ListRoleTagsCommand({ RoleName: name, MaxItems: this.pageSize, Marker }), o),
        (page) => page.Tags ?? [],
      );
      if (!isLeashRole(tags)) return undefined;
      return {
        name,
        trust: parsePolicyDocument(role.AssumeRolePolicyDocument, `role ${name} trust policy`),
        policies: await this.leashPoliciesOf(name, signal),
      };
    });
    return views.filter((v): v is RoleView => v !== undefined);
  }

  /** The inline policies leash writes on role `name`, each read whole. */
  private async leashPoliciesOf(name: string, signal?: AbortSignal): Promise<RoleView['policies']> {
    const names = await this.allPages(
      `ListRolePolicies ${name}`,
      signal,
      (c, Marker, o) =>
        c.send(new ListRolePoliciesCommand({ RoleName: name, MaxItems: this.pageSize, Marker }), o),
      (page) => page.PolicyNames ?? [],
    );
    const policies: RoleView['policies'] = [];
    for (const policyName of names.filter(isLeashPolicyName).sort()) {
      const got = await this.call(`GetRolePolicy ${name} ${policyName}`, signal, (c, o) =>
        c.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }), o),
      );
      policies.push({
        name: policyName,
        document: parsePolicyDocument(got.PolicyDocument, `role ${name} policy ${policyName}`),
      });
    }
    return policies;
  }

  private async allPages<Page extends { IsTruncated?: boolean; Marker?: string }, Item>(
    what: string,
    signal: AbortSignal | undefined,
    fetch: (client: IAMClient, marker: string | undefined, options: SendOptions) => Promise<Page>,
    items: (page: Page) => Item[],
  ): Promise<Item[]> {
    const out: Item[] = [];
    let marker: string | undefined;
    do {
      const current = marker;
      const page = await this.call(what, signal, (client, options) => fetch(client, current, options));
      out.push(...items(page));
      marker = nextMarker(what, page);
    } while (marker !== undefined);
    return out;
  }

  /** A read call; failures become errors naming the call (RetryableError when transient). */
  private async call<T>(
    what: string,
    signal: AbortSignal | undefined,
    run: (client: IAMClient, options: SendOptions) => Promise<T>,
  ): Promise<T> {
    try {
      return await run(this.reader, { abortSignal: signal });
    } catch (error) {
      throw classify(`aws-iam read (${what})`, error, signal);
    }
  }

  /**
   * One write call. `expected` maps IAM error codes to a clearer message, or to null when the
   * error means the change is already done (a delete of something already gone).
   */
  private async write(
    what: string,
    signal: AbortSignal | undefined,
    run: (client: IAMClient, options: SendOptions) => Promise<unknown>,
    expected: Record<string, string | null> = {},
  ): Promise<void> {
    try {
      await run(this.writer, { abortSignal: signal });
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined && code in expected) {
        const message = expected[code];
        if (message === null) return;
        throw new Error(`aws-iam ${what}: ${message}`, { cause: error });
      }
      throw classify(`aws-iam ${what}`, error, signal);
    }
  }
}

function grantPolicyOf(change: Change): string {
  const system = (change.after ?? change.before)?.system;
  if (typeof system !== 'string' || system === '') {
    throw new Error(`aws-iam: policy change ${change.id} carries no system`);
  }
  return grantPolicyName(system);
}

function isLeashRole(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((t) => t.Key === MANAGED_BY_TAG.Key && t.Value === MANAGED_BY_TAG.Value);
}

function isLeashPolicyName(name: string | undefined): name is string {
  return name !== undefined && (name === SUSPENSION_POLICY_NAME || systemOfPolicyName(name) !== undefined);
}

function requireName(name: string | undefined): string {
  if (!name) throw new Error('aws-iam read: IAM returned a role without a name');
  return name;
}

/** The next page's marker; throws when IAM says there is more but gives no way to it. */
function nextMarker(what: string, page: { IsTruncated?: boolean; Marker?: string }): string | undefined {
  if (!page.IsTruncated) return undefined;
  if (!page.Marker)
    throw new Error(`aws-iam read (${what}): the listing is truncated but IAM gave no marker`);
  return page.Marker;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** IAM's error code (NoSuchEntity, DeleteConflict...), without the SDK's Exception suffix. */
function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as AwsErrorShape;
  const code = e.Code ?? e.name;
  return code?.replace(/Exception$/, '');
}

function isAccessDenied(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = errorCode(cause);
  return code === 'AccessDenied' || code === 'UnauthorizedOperation';
}

/** Transient failures (throttling, 5xx, a dropped connection) become RetryableError. */
function classify(what: string, error: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return error instanceof Error ? error : new Error(String(error));
  const e = (error ?? {}) as AwsErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  const transient =
    (code !== undefined && THROTTLING.has(code)) ||
    (e.name !== undefined && THROTTLING.has(e.name)) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    (e.code !== undefined && NETWORK.has(e.code)) ||
    e.name === 'TimeoutError' ||
    Boolean(e.$retryable);
  if (transient) {
    const retryAfter = parseRetryAfter(e.$response?.headers?.['retry-after'], Date.now());
    return new RetryableError(`${what}: ${message}`, retryAfter, { cause: error });
  }
  return new Error(`${what}: ${code && !message.includes(code) ? `${code}: ` : ''}${message}`, {
    cause: error,
  });
}

/** Maps `items` through `fn`, at most `limit` at a time; the first failure rejects the whole. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
