/**
 * IAM policy documents (pure): what leash writes, and how a document read back from IAM is
 * put in the same canonical form so that equal policies compare equal.
 */
import { parseLeashDate } from '../../../compile/policy-index.js';
import { canonicalJson } from '../../plan.js';
import type { EnforcedPermission, JsonObject, JsonValue } from '../../types.js';

export const POLICY_VERSION = '2012-10-17';

/** Every inline policy leash writes starts with this; system names cannot contain a dot. */
const GRANT_PREFIX = 'leash-';

/**
 * The deny-all a suspended or revoked agent's role carries. The dot keeps it apart from every
 * grant policy name (`leash-<system>`), since leash names never contain one.
 */
export const SUSPENSION_POLICY_NAME = 'leash.suspended';

/** IAM's role-name alphabet and length. */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** `service:Action`, wildcards allowed in the action part (s3:Get*, dynamodb:*). */
const IAM_ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
/** arn:partition:service:region:account:resource; region and account may be empty (S3). */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|\*)?:\S+$/;
/** IAM's limit on a policy name. */
const MAX_POLICY_NAME = 128;

/** The inline policy holding an agent's grants on one system. */
export function grantPolicyName(system: string): string {
  return `${GRANT_PREFIX}${system}`;
}

/** The system a leash grant policy is for; undefined for any other inline policy. */
export function systemOfPolicyName(name: string): string | undefined {
  return name.startsWith(GRANT_PREFIX) && name.length > GRANT_PREFIX.length
    ? name.slice(GRANT_PREFIX.length)
    : undefined;
}

/** The trust policy of every agent role: the configured principal may assume it. */
export function trustDocument(trustedPrincipal: string): JsonObject {
  return normalizePolicy({
    Version: POLICY_VERSION,
    Statement: [{ Effect: 'Allow', Principal: { AWS: trustedPrincipal }, Action: 'sts:AssumeRole' }],
  });
}

/** Denies everything: explicit denies win over any allow, including ones leash did not put there. */
export function denyAllDocument(): JsonObject {
  return normalizePolicy({
    Version: POLICY_VERSION,
    Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
  });
}

/**
 * Throws, naming the permission, when it cannot be written as IAM: an action that is not
 * `service:Action`, or a resource whose `object` is not an ARN (or `*`). Permissions without IAM
 * actions are not checked: they enforce nothing here.
 */
export function checkPermission(p: EnforcedPermission): void {
  const where = `aws-iam: system "${p.system}", resource "${p.resource}", action "${p.action}"`;
  for (const action of p.permissions) {
    if (!IAM_ACTION.test(action)) {
      throw new Error(
        `${where}: "${action}" is not an IAM action; enforce.permissions must name actions as service:Action (e.g. dynamodb:GetItem, s3:Get*)`,
      );
    }
  }
  if (p.object !== '*' && !ARN.test(p.object)) {
    throw new Error(
      `${where}: the resource's target object "${p.object}" is not an ARN; set enforce.object on the resource in the System to the ARN the actions apply to (e.g. arn:aws:dynamodb:us-east-1:123456789012:table/orders), or "*" for actions that take no resource`,
    );
  }
  if (grantPolicyName(p.system).length > MAX_POLICY_NAME) {
    throw new Error(
      `${where}: the system name is too long for an IAM policy name (${MAX_POLICY_NAME} characters)`,
    );
  }
}

/**
 * The grant policy for one agent on one system: Allow statements, one per distinct (action set,
 * expiry), each listing the resources that share them. Expiring permissions carry an
 * aws:CurrentTime condition, so IAM itself stops honouring them at the expiry even if no sync
 * runs. Deterministic: everything sorted.
 */
export function grantDocument(permissions: readonly EnforcedPermission[]): JsonObject {
  // First the actions each (resource, expiry) gets, then resources sharing an action set merge.
  const byResource = new Map<string, { object: string; until?: string; actions: Set<string> }>();
  for (const p of permissions) {
    const until = p.expires === undefined ? undefined : validUntil(p.expires);
    const key = `${p.object}\u0000${until ?? ''}`;
    const entry = byResource.get(key) ?? { object: p.object, until, actions: new Set<string>() };
    for (const action of p.permissions) entry.actions.add(action);
    byResource.set(key, entry);
  }
  const byActions = new Map<string, { actions: string[]; until?: string; resources: Set<string> }>();
  for (const { object, until, actions } of byResource.values()) {
    const sorted = [...actions].sort();
    const key = `${sorted.join(',')}\u0000${until ?? ''}`;
    const entry = byActions.get(key) ?? { actions: sorted, until, resources: new Set<string>() };
    entry.resources.add(object);
    byActions.set(key, entry);
  }
  const statements: JsonObject[] = [...byActions.values()].map(({ actions, until, resources }) => ({
    Effect: 'Allow',
    Action: actions,
    Resource: [...resources],
    ...(until ? { Condition: { DateLessThan: { 'aws:CurrentTime': until } } } : {}),
  }));
  return normalizePolicy({ Version: POLICY_VERSION, Statement: statements });
}

/**
 * The moment a leash expiry passes (a date alone means the end of that day, UTC), rounded up to
 * a whole second: IAM's date conditions take ISO 8601 without fractions.
 */
function validUntil(expires: string): string {
  const ms = parseLeashDate(expires).getTime();
  if (Number.isNaN(ms)) throw new Error(`aws-iam: "${expires}" is not a date`);
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const LIST_KEYS = ['Action', 'NotAction', 'Resource', 'NotResource'];

/**
 * The canonical form of a policy document: `Statement` always a list, sorted; actions,
 * resources and principals always sorted lists without duplicates. IAM treats a string and a
 * one-element list alike, and the order inside these lists carries no meaning, so neither may
 * show up as a difference.
 */
export function normalizePolicy(document: JsonObject): JsonObject {
  const statements = toList(document.Statement).map((s) => normalizeStatement(s));
  statements.sort((a, b) => compareStrings(canonicalJson(a), canonicalJson(b)));
  return { ...document, Statement: statements };
}

function normalizeStatement(statement: JsonValue): JsonValue {
  if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) return statement;
  const out: JsonObject = { ...statement };
  for (const key of LIST_KEYS) {
    const value = out[key];
    if (value !== undefined) out[key] = sortedUnique(toList(value));
  }
  for (const key of ['Principal', 'NotPrincipal']) {
    const value = out[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([kind, ids]) => [kind, sortedUnique(toList(ids ?? null))]),
      );
    }
  }
  return out;
}

/**
 * Parses a policy document as IAM returns it: URL-encoded (RFC 3986) JSON. A document that is
 * already plain JSON (some IAM-compatible servers skip the encoding) is taken as it is.
 */
export function parsePolicyDocument(raw: string | undefined, where: string): JsonObject {
  if (raw === undefined || raw === '') throw new Error(`${where}: IAM returned no policy document`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw));
  } catch (error) {
    throw new Error(`${where}: the policy document IAM returned is not JSON`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${where}: the policy document IAM returned is not a JSON object`);
  }
  return normalizePolicy(parsed as JsonObject);
}

function toList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function sortedUnique(values: JsonValue[]): JsonValue[] {
  const strings = values.filter((v): v is string => typeof v === 'string');
  // A non-string here is not valid IAM; keep it, unsorted, so it still shows as a difference.
  if (strings.length !== values.length) return values;
  return [...new Set(strings)].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
