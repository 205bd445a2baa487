/**
 * `leash authorize`: asks the local store whether an agent may perform an action, evaluated by
 * Cedar (@cedar-policy/cedar-wasm, its Node.js build). The answer is one of six decisions, with
 * the grant that decided it.
 */
import { createRequire } from 'node:module';
import type * as CedarWasm from '@cedar-policy/cedar-wasm/nodejs';
import { createHash } from 'node:crypto';
import type { Mode } from '../../../model/modes.js';
import {
  actionUid,
  agentUid,
  INACTIVE_POLICY_ID,
  permissionPolicyId,
  permitsSomething,
  resourceUid,
} from './cedar.js';
import type { LocalStore } from './index.js';
import type { AgentFile, StoredPermission } from './store-format.js';

export type Decision = 'allow' | 'deny' | 'needs-approval' | 'escalate' | 'recommend-only' | 'draft-only';
export const DECISIONS: readonly Decision[] = [
  'allow',
  'deny',
  'needs-approval',
  'escalate',
  'recommend-only',
  'draft-only',
];

export interface AuthorizeRequest {
  agent: string;
  system: string;
  resource: string;
  action: string;
  /** Request facts: `amount` (a decimal number) and `currency` are understood; others are passed through. */
  context?: Readonly<Record<string, string>>;
  /** The moment of the call; now by default. */
  at?: Date;
}

export interface AuthorizeResult {
  decision: Decision;
  /** Why, in a sentence. */
  reason: string;
  /** The grant that decided, when one did. */
  grant?: {
    mode: Mode;
    sources: string[];
    conditions?: StoredPermission['conditions'];
    expires?: string;
  };
  /** What the runtime must still enforce itself (rate limits). */
  obligations: string[];
}

/** What a mode lets through, given the grant's conditions hold. */
export function decisionForMode(mode: Mode): Decision {
  switch (mode) {
    case 'execute-limited':
    case 'read-only':
      return 'allow';
    case 'execute-gated':
      return 'needs-approval';
    case 'escalate':
      return 'escalate';
    case 'recommend-only':
      return 'recommend-only';
    case 'draft-only':
      return 'draft-only';
  }
}

type CedarModule = typeof CedarWasm;
let cedarModule: CedarModule | undefined;

/** Loads Cedar's Node.js build once (synchronously compiles the wasm). */
export function loadCedar(): CedarModule {
  cedarModule ??= createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as CedarModule;
  return cedarModule;
}

/**
 * An authorizer over a local store. It loads each agent's file once and keeps its policy set
 * parsed inside Cedar, so repeated questions cost one evaluation each.
 */
export class Authorizer {
  private readonly files = new Map<string, { file: AgentFile | undefined; policySetId?: string }>();

  constructor(private readonly store: Pick<LocalStore, 'readAgentFile'>) {}

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const entry = await this.load(request.agent);
    return this.decide(entry, request);
  }

  private async load(agent: string) {
    let entry = this.files.get(agent);
    if (!entry) {
      const file = await this.store.readAgentFile(agent);
      entry = { file };
      if (file) {
        const cedar = loadCedar();
        const id = `leash:${agent}:${createHash('sha256').update(JSON.stringify(file.cedar.policies)).digest('hex').slice(0, 16)}`;
        const parsed = cedar.preparsePolicySet(id, { staticPolicies: file.cedar.policies });
        if (parsed.type !== 'success') {
          throw new Error(
            `the local store's policies for ${agent} do not parse: ${parsed.errors.map((e) => e.message).join('; ')}`,
          );
        }
        entry.policySetId = id;
      }
      this.files.set(agent, entry);
    }
    return entry;
  }

  private decide(
    entry: { file: AgentFile | undefined; policySetId?: string },
    request: AuthorizeRequest,
  ): AuthorizeResult {
    const { file } = entry;
    const what = `${request.system}/${request.resource}/${request.action}`;
    if (!file || !entry.policySetId) {
      return deny(`${request.agent} is not in the local store (not in the repository, or not synced yet)`);
    }
    const cedar = loadCedar();
    const permission = findPermission(file.permissions, (id) => id === what);
    const { decision, diagnostics } = evaluate(cedar, {
      principal: agentUid(request.agent),
      action: actionUid(request.system, request.resource, request.action),
      resource: resourceUid(request.system, request.resource),
      context: buildContext(file.permissions, request) as never,
      preparsedPolicySetId: entry.policySetId,
      entities: file.cedar.entities as never,
    });
    if (decision === 'deny') {
      if (diagnostics.reason.includes(INACTIVE_POLICY_ID)) {
        return deny(`${request.agent} is ${file.identity?.status ?? 'not active'}: it holds nothing`);
      }
      if (!permission) return deny(`no grant of ${request.agent} covers ${what}`);
      if (!permitsSomething(permission)) {
        return deny(`${request.agent} holds ${what} read-only, and the action changes state`, permission);
      }
      return deny(
        `the grant's conditions do not hold for this request (${describeConditions(permission)})`,
        permission,
      );
    }
    const deciding = findPermission(file.permissions, (id) => diagnostics.reason.includes(id));
    if (!deciding)
      throw new Error(
        `Cedar allowed ${what} by policies ${diagnostics.reason.join(', ')}, which the store does not know`,
      );
    const result = decisionForMode(deciding.mode);
    return {
      decision: result,
      reason: `${deciding.mode} grant of ${what}`,
      grant: grantOf(deciding),
      obligations: obligationsOf(deciding),
    };
  }
}

/**
 * The first permission whose policy id matches. A plain loop on purpose: with Array.find here,
 * Node 20's optimizer hit a fatal deoptimizer error (V8 "unreachable code") after many
 * thousands of decisions; Node 24 does not.
 */
function findPermission(
  permissions: readonly StoredPermission[],
  matches: (policyId: string) => boolean,
): StoredPermission | undefined {
  for (let i = 0; i < permissions.length; i++) {
    const p = permissions[i]!;
    if (matches(permissionPolicyId(p))) return p;
  }
  return undefined;
}

/** One Cedar evaluation; Cedar's own errors become exceptions. */
function evaluate(
  cedar: CedarModule,
  call: Parameters<CedarModule['statefulIsAuthorized']>[0],
): { decision: 'allow' | 'deny'; diagnostics: { reason: string[] } } {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== 'success') {
    throw new Error(
      `Cedar could not evaluate the request: ${answer.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    throw new Error(
      `Cedar reported errors: ${diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`,
    );
  }
  return { decision, diagnostics: { reason: diagnostics.reason } };
}

function deny(reason: string, permission?: StoredPermission): AuthorizeResult {
  return { decision: 'deny', reason, ...(permission ? { grant: grantOf(permission) } : {}), obligations: [] };
}

function grantOf(p: StoredPermission): NonNullable<AuthorizeResult['grant']> {
  return {
    mode: p.mode,
    sources: p.sources,
    ...(p.conditions ? { conditions: p.conditions } : {}),
    ...(p.expires ? { expires: p.expires } : {}),
  };
}

function obligationsOf(p: StoredPermission): string[] {
  const limit = p.conditions?.rateLimit;
  return limit ? [`at most ${limit.count} calls per ${limit.per} (the runtime counts them)`] : [];
}

function describeConditions(p: StoredPermission): string {
  const parts: string[] = [];
  if (p.expires) parts.push(`expires ${p.expires}`);
  const c = p.conditions;
  if (c?.schedule)
    parts.push(
      `schedule ${c.schedule.days?.join(',') ?? 'every day'} ${c.schedule.hours} ${c.schedule.timezone ?? 'UTC'}`,
    );
  if (c?.freezeWindows)
    parts.push(`freeze windows ${c.freezeWindows.map((w) => `${w.from}..${w.to}`).join(', ')}`);
  if (c?.maxAmount)
    parts.push(`at most ${c.maxAmount.value} ${c.maxAmount.currency} (pass --context amount=… currency=…)`);
  return parts.join('; ') || 'none';
}

/** Formatters are costly to build; one per time zone. */
const CLOCKS = new Map<string, Intl.DateTimeFormat>();

/** Day of week and minute of the day at `at` in a time zone. */
export function clockIn(zone: string, at: Date): { day: string; minute: number } {
  let format = CLOCKS.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    CLOCKS.set(zone, format);
  }
  let weekday = '';
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase().slice(0, 3);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day: weekday, minute: hour * 60 + minute };
}

const DECIMAL = /^-?\d{1,15}(\.\d{1,4})?$/;

/** The Cedar context for a request: the time, the clock in each zone the agent's schedules use, the amount. */
export function buildContext(
  permissions: readonly StoredPermission[],
  request: AuthorizeRequest,
): Record<string, unknown> {
  const at = request.at ?? new Date();
  const zones = new Set<string>();
  for (const p of permissions) {
    const s = p.conditions?.schedule;
    if (s) zones.add(s.timezone ?? 'UTC');
  }
  const clock: Record<string, unknown> = {};
  for (const zone of zones) clock[zone] = clockIn(zone, at);
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (key === 'now' || key === 'clock') continue;
    context[key] = value;
  }
  if (request.context?.amount !== undefined) {
    const amount = request.context.amount.trim();
    if (!DECIMAL.test(amount))
      throw new Error(`amount ${amount} is not a decimal number with at most four decimals`);
    context.amount = { __extn: { fn: 'decimal', arg: amount.includes('.') ? amount : `${amount}.0` } };
  }
  context.now = at.getTime();
  context.clock = clock;
  return context;
}
