/**
 * The `scim` target: a SCIM 2.0 service provider (RFC 7643/7644), the provisioning API of many
 * SaaS apps. Each agent is a User (userName = agent name, inactive while suspended or revoked),
 * each entitlement a Group, and a grant a membership of that Group. leash marks what it creates
 * with an externalId (`leash:agent:<name>`, `leash:entitlement:<name>`) and touches nothing else.
 */
import type { RetryPolicy } from '../../retry.js';
import { DEFAULT_RETRY } from '../../retry.js';
import type {
  ConnectContext,
  EnforcedPermission,
  ManagedObject,
  TargetAdapter,
  TargetConnection,
  TargetSettings,
} from '../../types.js';
import { ScimClient } from './client.js';
import { ScimConnection } from './connection.js';
import { OBJECT_TYPES, groupObject, membershipObject, userObject } from './objects.js';

export { AGENT_MARKER, ENTITLEMENT_MARKER } from './objects.js';

/** Resources asked for per list page: 1,000 agents read in a couple of requests. */
const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_TIMEOUT_SECONDS = 30;

export const scimAdapter: TargetAdapter = {
  type: 'scim',
  objectTypes: OBJECT_TYPES,
  checkSettings: checkScimSettings,
  desired(input) {
    const out: ManagedObject[] = [];
    const groups = new Set<string>();
    for (const agent of input.agents) {
      // A bad mapping is reported even while the agent is suspended and holds nothing.
      for (const p of agent.reach) for (const entitlement of p.permissions) checkEntitlement(entitlement, p);
      out.push(userObject(agent.name, { userName: agent.name, active: agent.status === 'active' }));
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
    permissions: (action, system, resource) => [`${system}.${resource}.${action.name}`],
  },
  connect: (context) => connectScim(context),
};

/** Knobs tests and the benchmark turn; leash itself uses the defaults. */
export interface ScimConnectOptions {
  /** How each page of a read is retried on transient failures (apply is retried by its caller). */
  retry?: RetryPolicy;
  pageSize?: number;
}

/** Opens a connection to the service provider in `context.settings` (no request is sent yet). */
export async function connectScim(
  context: ConnectContext,
  options: ScimConnectOptions = {},
): Promise<TargetConnection> {
  const problems = checkScimSettings(context.settings, context.env);
  if (problems.length > 0) throw new Error(`${context.name}: ${problems.join('; ')}`);
  const { url, tokenEnv, timeoutSeconds } = context.settings;
  const token = typeof tokenEnv === 'string' ? context.env[tokenEnv] : undefined;
  const client = new ScimClient({
    baseUrl: String(url),
    ...(token !== undefined ? { token } : {}),
    ...(typeof tokenEnv === 'string' ? { tokenEnv } : {}),
    requestTimeoutMs: (typeof timeoutSeconds === 'number' ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000,
    retry: options.retry ?? DEFAULT_RETRY,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
  });
  return new ScimConnection(client);
}

function checkScimSettings(
  settings: TargetSettings,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  const { url, tokenEnv } = settings;
  let parsed: URL | undefined;
  if (typeof url !== 'string') problems.push('url is required: the SCIM base URL holding /Users and /Groups');
  else {
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`url ${url} is not a URL`);
    }
    if (parsed && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      problems.push(`url ${url} must be http or https`);
    }
  }
  if (tokenEnv !== undefined) {
    if (typeof tokenEnv !== 'string') problems.push('tokenEnv must name an environment variable');
    else if (!env[tokenEnv]) problems.push(`${tokenEnv} is not set: it must hold the SCIM bearer token`);
    else if (parsed?.protocol === 'http:' && !isLoopback(parsed.hostname)) {
      problems.push(`url ${String(url)} is plain http: the bearer token would travel unencrypted; use https`);
    }
  }
  return problems;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Entitlements are Group names, taken literally: a wildcard would grant a group named "*". */
function checkEntitlement(entitlement: string, p: EnforcedPermission): void {
  if (entitlement.includes('*')) {
    throw new Error(
      `${p.system}/${p.resource}/${p.action}: entitlement ${entitlement} has a wildcard; a SCIM target grants Group memberships by exact name, so list the entitlements in enforce.permissions`,
    );
  }
  if (entitlement.trim() === '' || entitlement.includes('/')) {
    throw new Error(
      `${p.system}/${p.resource}/${p.action}: entitlement "${entitlement}" is not a valid SCIM Group name`,
    );
  }
}
