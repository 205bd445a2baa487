/**
 * The local store's permissions as Cedar policies and entities (pure). One permit per
 * permission whose mode lets the request through in some form; conditions become `when`
 * clauses over the request context the authorizer builds (see context.ts); a forbid stops any
 * agent whose status is not active.
 */
import type { Conditions } from '../../../model/generated.js';
import type { StoredPermission } from './store-format.js';

export const NAMESPACE = 'Leash';

/** Cedar entity uids for agents, actions and resources. */
export function agentUid(agent: string) {
  return { type: `${NAMESPACE}::Agent`, id: agent };
}
export function actionUid(system: string, resource: string, action: string) {
  return { type: `${NAMESPACE}::Action`, id: `${system}/${resource}/${action}` };
}
export function resourceUid(system: string, resource: string) {
  return { type: `${NAMESPACE}::Resource`, id: `${system}/${resource}` };
}

/** The policy id of a permission: `<system>/<resource>/<action>`. */
export function permissionPolicyId(p: Pick<StoredPermission, 'system' | 'resource' | 'action'>): string {
  return `${p.system}/${p.resource}/${p.action}`;
}

export const INACTIVE_POLICY_ID = 'leash-inactive-agent';

/**
 * Whether a permission lets a request through in any form: read-only covers reads only, so a
 * read-only grant of a write action decides nothing (the request is denied).
 */
export function permitsSomething(p: Pick<StoredPermission, 'mode' | 'effect'>): boolean {
  return !(p.mode === 'read-only' && p.effect === 'write');
}

/**
 * One agent's permissions as Cedar policies, by policy id (Cedar reports the deciding policies
 * by these ids): the forbid for inactive agents, and a permit per permission.
 */
export function compilePolicies(
  agent: string,
  permissions: readonly StoredPermission[],
): Record<string, string> {
  const parts: Record<string, string> = {
    [INACTIVE_POLICY_ID]: `@id(${cedarString(INACTIVE_POLICY_ID)})\nforbid (principal == ${uidText(agentUid(agent))}, action, resource)\nunless { principal.status == "active" };`,
  };
  for (const p of permissions) {
    if (!permitsSomething(p)) continue;
    const clauses = conditionClauses(p.conditions, p.expires);
    parts[permissionPolicyId(p)] = [
      `@id(${cedarString(permissionPolicyId(p))})`,
      `@mode(${cedarString(p.mode)})`,
      'permit (',
      `  principal == ${uidText(agentUid(agent))},`,
      `  action == ${uidText(actionUid(p.system, p.resource, p.action))},`,
      `  resource == ${uidText(resourceUid(p.system, p.resource))}`,
      clauses.length > 0 ? `) when {\n  ${clauses.join(' &&\n  ')}\n};` : ');',
    ].join('\n');
  }
  return parts;
}

/** The entities a request needs: the agent (with its status) and the resources it reaches. */
export function compileEntities(
  agent: string,
  attributes: { status: string; environment: string; tier: string },
  permissions: readonly StoredPermission[],
) {
  const resources = new Map<string, { system: string; resource: string }>();
  for (const p of permissions)
    resources.set(`${p.system}/${p.resource}`, { system: p.system, resource: p.resource });
  return [
    {
      uid: agentUid(agent),
      attrs: { status: attributes.status, environment: attributes.environment, tier: attributes.tier },
      parents: [],
    },
    ...[...resources.values()]
      .sort((a, b) => (a.system + '/' + a.resource < b.system + '/' + b.resource ? -1 : 1))
      .map((r) => ({ uid: resourceUid(r.system, r.resource), attrs: { system: r.system }, parents: [] })),
  ];
}

/**
 * The `when` clauses of a permission. The request context carries `now` (milliseconds since
 * the epoch), `clock["<time zone>"]` ({ day, minute }) for every zone the agent's schedules use,
 * and optionally `amount` (a decimal) and `currency`.
 */
export function conditionClauses(conditions: Conditions | undefined, expires: string | undefined): string[] {
  const out: string[] = [];
  if (expires !== undefined) out.push(`context.now <= ${dateEndMs(expires)}`);
  if (!conditions) return out;
  const { schedule, freezeWindows, maxAmount } = conditions;
  if (schedule) {
    const zone = cedarString(schedule.timezone ?? 'UTC');
    const clock = `context.clock[${zone}]`;
    const [start, end] = parseHours(schedule.hours);
    const inHours =
      start <= end
        ? `(${clock}.minute >= ${start} && ${clock}.minute < ${end})`
        : `(${clock}.minute >= ${start} || ${clock}.minute < ${end})`;
    const days = schedule.days
      ? `[${schedule.days.map(cedarString).join(', ')}].contains(${clock}.day)`
      : 'true';
    out.push(`(context.clock has ${zone} && ${days} && ${inHours})`);
  }
  for (const w of freezeWindows ?? []) {
    out.push(`!(context.now >= ${dateStartMs(w.from)} && context.now <= ${dateEndMs(w.to)})`);
  }
  if (maxAmount) {
    out.push(
      `(context has amount && context has currency && context.currency == ${cedarString(maxAmount.currency)} && context.amount.lessThanOrEqual(decimal(${cedarString(toDecimal(maxAmount.value))})))`,
    );
  }
  return out;
}

/** "HH:MM-HH:MM" as minutes of the day. */
export function parseHours(hours: string): [number, number] {
  const [from = '00:00', to = '24:00'] = hours.split('-');
  const minutes = (hm: string) => {
    const [h = '0', m = '0'] = hm.split(':');
    return Number(h) * 60 + Number(m);
  };
  return [minutes(from), minutes(to)];
}

/** A bare date starts at 00:00 UTC; a date-time is itself. */
export function dateStartMs(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
}

/** A bare date ends at the last millisecond of that day in UTC (as parseLeashDate). */
export function dateEndMs(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
}

/** A number as a Cedar decimal literal: at most four fractional digits. */
export function toDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite amount`);
  const fixed = value.toFixed(4).replace(/0+$/, '');
  return fixed.endsWith('.') ? `${fixed}0` : fixed;
}

/** A Cedar string literal. Names and keys are plain ASCII; anything else is escaped. */
export function cedarString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f || code > 0x7e) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

function uidText(uid: { type: string; id: string }): string {
  return `${uid.type}::${cedarString(uid.id)}`;
}
