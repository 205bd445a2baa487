/**
 * The effectful half of sync: read the policy repository, connect to each target, read its
 * state, plan (pure, src/sync/plan.ts) and apply. Targets run in parallel and fail alone: a
 * target that cannot be read is skipped (nothing pruned) and reported, the others go on.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EffectiveModel } from '../compile/compile.js';
import { compileModel } from '../compile/compile.js';
import type { PolicyIndex } from '../compile/policy-index.js';
import { locateModelSources } from '../compile/provenance.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { readPolicyDir } from '../source/files.js';
import { validatePolicyFiles } from '../validate.js';
import type { ApplyOptions, ChangeResult } from './apply.js';
import { applyChanges, describeError, withTimeout } from './apply.js';
import type { HeldAgents } from './enforcement.js';
import { buildDesiredInputs, declaredTargets, findHeldAgents } from './enforcement.js';
import type { Guardrails, TargetPlan } from './plan.js';
import { DEFAULT_GUARDRAILS, PLAN_FORMAT_VERSION, fingerprintState, planTarget } from './plan.js';
import { loadAdapter } from './registry.js';
import type { RetryPolicy } from './retry.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import type {
  Change,
  ManagedObject,
  TargetAdapter,
  TargetConnection,
  TargetSettings,
  TargetType,
} from './types.js';
import { killedState } from '../revoke/killed-state.js';
import type { KillRecord } from '../revoke/ledger.js';
import {
  acknowledgeAgreedKills,
  killLedgerPath,
  killsInForce,
  readKillLedger,
  readKillLedgerSync,
} from '../revoke/ledger.js';

/** The repository, read and judged, ready to be planned against targets. */
export interface PreparedPolicy {
  dir: string;
  index: PolicyIndex;
  diagnostics: Diagnostic[];
  /** Every agent's reach (compiled as if active), with source lines. */
  reach: EffectiveModel;
  held: HeldAgents;
  targets: Record<string, TargetSettings>;
  guardrails: Guardrails;
  /**
   * Agents killed and not yet agreed to by the repository (the kill ledger): kept revoked in
   * every target whatever their files say, broken or not (ADR 0007).
   */
  kills: Map<string, KillRecord>;
}

/** Raised when the repository cannot be synced at all (leash.yaml is broken or missing). */
export class SyncConfigError extends Error {
  override name = 'SyncConfigError';
}

/** Reads and validates the repository and compiles what targets should hold. */
export function preparePolicy(dir: string, now: Date): PreparedPolicy {
  const root = resolve(dir);
  const read = readPolicyDir(root);
  const result = validatePolicyFiles(read, { now });
  // A leash.yaml that loaded (passed its schema) names its targets, even if a lint rule objects.
  const configErrors = result.diagnostics.filter((d) => d.severity === 'error' && d.file === 'leash.yaml');
  if ((result.index.brokenNames.get('Config')?.size ?? 0) > 0) {
    const first = configErrors[0];
    const where = first?.range
      ? `leash.yaml:${first.range.start.line}:${first.range.start.column}: `
      : 'leash.yaml: ';
    throw new SyncConfigError(
      `${where}${first?.message ?? 'cannot be read'}; sync needs a valid leash.yaml to know its targets and guardrails`,
    );
  }
  const reach = locateModelSources(compileModel(result.index, { now, asIfActive: true }), read.files);
  const config = result.index.config?.data.spec;
  let kills: Map<string, KillRecord>;
  try {
    kills = killsInForce(readKillLedgerSync(killLedgerPath(root, config)));
  } catch (error) {
    // Not knowing who was killed, a sync could re-grant a killed agent: it does not run.
    throw new SyncConfigError(`${(error as Error).message}; sync needs it to keep killed agents revoked`);
  }
  return {
    kills,
    dir: root,
    index: result.index,
    diagnostics: result.diagnostics,
    reach,
    held: findHeldAgents(result.index, result.diagnostics),
    targets: declaredTargets(result.index),
    guardrails: {
      maxRemovalPercent: config?.guardrails?.maxRemovalPercent ?? DEFAULT_GUARDRAILS.maxRemovalPercent,
      allowEmptyTarget: config?.guardrails?.allowEmptyTarget ?? DEFAULT_GUARDRAILS.allowEmptyTarget,
    },
  };
}

/** What the repository says of an agent, for the kill ledger: a broken file is no agreement. */
export function repositoryStatus(
  prepared: Pick<PreparedPolicy, 'index' | 'held'>,
  agent: string,
): 'active' | 'suspended' | 'revoked' | 'broken' | 'absent' {
  if (prepared.held.names.has(agent)) return 'broken';
  const doc = prepared.index.agents.find((a) => a.name === agent);
  if (doc) return doc.data.spec.status ?? 'active';
  return prepared.held.unknown ? 'broken' : 'absent';
}

/**
 * After a sync has run: the kills the repository now agrees with are acknowledged in the
 * ledger, and from then on the repository decides (a reviewed change brings the agent back).
 */
export async function acknowledgeKills(
  prepared: PreparedPolicy,
  at: string,
  commit?: string,
): Promise<KillRecord[]> {
  if (prepared.kills.size === 0) return [];
  const path = killLedgerPath(prepared.dir, prepared.index.config?.data.spec);
  return acknowledgeAgreedKills(path, { statusOf: (agent) => repositoryStatus(prepared, agent) }, at, commit);
}

/**
 * A veto for applySync: skips any change that adds or alters something of an agent killed
 * after the plan was made, so a sync planned before a kill cannot undo it. The ledger is
 * re-read only when its file changed (one stat per change).
 */
export function vetoLaterKills(prepared: PreparedPolicy): (change: Change) => Promise<string | undefined> {
  const path = killLedgerPath(prepared.dir, prepared.index.config?.data.spec);
  let seen = '';
  let later = new Map<string, KillRecord>();
  return async (change) => {
    if (change.op === 'delete' || change.agent === undefined) return undefined;
    const info = await stat(path).catch(() => undefined);
    const stamp = info ? `${info.mtimeMs}:${info.size}:${info.ino}` : '';
    if (stamp !== seen) {
      seen = stamp;
      const kills = killsInForce(await readKillLedger(path));
      later = new Map([...kills].filter(([agent]) => !prepared.kills.has(agent)));
    }
    const kill = later.get(change.agent);
    return kill
      ? `skipped: ${change.agent} was killed (${kill.id}) after this plan was made; every sync keeps it revoked`
      : undefined;
  };
}

/** A target that could not be planned: not read, not changed. */
export interface TargetFailure {
  name: string;
  type: TargetType;
  error: string;
}

/** The saved plan (schemas/plan.schema.json). */
export interface SyncPlan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** The moment expiries were judged against. */
  asOf: string;
  /** Agents left exactly as they are in every target, and why. */
  held: { agent: string; reason: string }[];
  /** Killed agents kept revoked in every target until the repository agrees (absent when none). */
  killed?: { agent: string; id: string; at: string; by: string; reason: string }[];
  targets: TargetPlan[];
  failed: TargetFailure[];
}

/** An open target, kept between planning and applying within one run. */
export interface TargetSession {
  name: string;
  settings: TargetSettings;
  adapter: TargetAdapter;
  connection: TargetConnection;
}

export interface PlanOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Only these targets (by name); all when absent. */
  only?: readonly string[];
  overrideGuardrails?: boolean;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /**
   * Fingerprint each target's state (true when absent). A plan that is saved or printed as JSON,
   * to be applied by a later run, needs it; `leash sync` applies its plan at once and skips it.
   */
  fingerprint?: boolean;
}

/**
 * Connects to every target, reads its state and plans it. The sessions stay open for apply;
 * call closeSessions when done.
 */
export async function planSync(
  prepared: PreparedPolicy,
  options: PlanOptions,
): Promise<{ plan: SyncPlan; sessions: Map<string, TargetSession> }> {
  const names = Object.keys(prepared.targets)
    .filter((n) => !options.only || options.only.includes(n))
    .sort();
  for (const name of options.only ?? []) {
    if (!Object.hasOwn(prepared.targets, name))
      throw new SyncConfigError(`leash.yaml declares no target ${name}`);
  }
  const adapters = new Map<string, TargetAdapter>();
  const failed: TargetFailure[] = [];
  for (const name of names) {
    const type = prepared.targets[name]!.type;
    if (adapters.has(type)) continue;
    try {
      adapters.set(type, await loadAdapter(type));
    } catch (error) {
      failed.push({ name, type, error: describeError(error) });
    }
  }
  // Only the targets this run plans: --target must not pay for the others' desired state.
  const planned = Object.fromEntries(names.map((n) => [n, prepared.targets[n]!]));
  const inputs = buildDesiredInputs(prepared.index, {
    reach: prepared.reach,
    targets: planned,
    adapters,
    held: prepared.held,
  });
  const killed = prepared.kills;
  const known = new Set([
    ...prepared.index.agents.map((a) => a.name),
    ...[...(prepared.index.brokenNames.get('Agent') ?? [])].filter((n) => n !== ''),
    ...killed.keys(),
  ]);
  // A killed agent is not held: even with a broken file it is driven to its killed state.
  const held = new Set([...prepared.held.names].filter((n) => !killed.has(n)));
  const sessions = new Map<string, TargetSession>();
  const plans: TargetPlan[] = [];
  await Promise.all(
    names.map(async (name) => {
      const settings = prepared.targets[name]!;
      const adapter = adapters.get(settings.type);
      if (!adapter) {
        if (!failed.some((f) => f.name === name)) {
          failed.push({
            name,
            type: settings.type,
            error: `target type ${settings.type} could not be loaded`,
          });
        }
        return;
      }
      let connection: TargetConnection | undefined;
      try {
        const desired = adapter.desired(inputs.get(name)!);
        const timeoutMs = timeoutOf(settings);
        connection = await withTimeout(
          (signal) => adapter.connect({ name, settings, env: options.env, baseDir: prepared.dir, signal }),
          timeoutMs,
          options.signal,
        );
        const open = connection;
        const { value: actual } = await withRetry(
          () => withTimeout((signal) => open.read(signal), timeoutMs, options.signal),
          options.retry ?? DEFAULT_RETRY,
          options.signal,
        );
        plans.push(
          planTarget({
            name,
            type: settings.type,
            objectTypes: adapter.objectTypes,
            desired: withKills(desired, actual, killed, adapter, name, prepared.reach.asOf),
            actual,
            guardrails: prepared.guardrails,
            overrideGuardrails: options.overrideGuardrails === true,
            fingerprint: options.fingerprint !== false,
            diff: { held, known, protectUnknown: prepared.held.unknown },
          }),
        );
        sessions.set(name, { name, settings, adapter, connection });
      } catch (error) {
        failed.push({
          name,
          type: settings.type,
          error: `could not read its state, so nothing in it was changed: ${describeError(error)}`,
        });
        await connection?.close().catch(() => undefined);
      }
    }),
  );
  plans.sort((a, b) => cmp(a.name, b.name));
  failed.sort((a, b) => cmp(a.name, b.name));
  const heldList = [...held]
    .sort()
    .map((agent) => ({ agent, reason: prepared.held.reasons.get(agent) ?? '' }));
  const killedList = [...killed.values()]
    .sort((a, b) => cmp(a.agent, b.agent))
    .map((k) => ({ agent: k.agent, id: k.id, at: k.at, by: k.by, reason: k.reason }));
  return {
    plan: {
      formatVersion: PLAN_FORMAT_VERSION,
      asOf: prepared.reach.asOf,
      held: heldList,
      ...(killedList.length > 0 ? { killed: killedList } : {}),
      targets: plans,
      failed,
    },
    sessions,
  };
}

/**
 * The desired state with each killed agent's objects replaced by its killed state (computed
 * from what the target holds, exactly as the kill switch computes it): a sync that meets a
 * killed agent keeps it where the kill left it.
 */
function withKills(
  desired: readonly ManagedObject[],
  actual: readonly ManagedObject[],
  killed: ReadonlyMap<string, KillRecord>,
  adapter: TargetAdapter,
  target: string,
  asOf: string,
): readonly ManagedObject[] {
  if (killed.size === 0) return desired;
  const out = desired.filter((o) => o.agent === undefined || !killed.has(o.agent));
  for (const agent of killed.keys()) out.push(...killedState(adapter, target, agent, actual, asOf));
  return out;
}

/** How a target's apply went. */
export interface TargetOutcome {
  name: string;
  type: TargetType;
  status: 'applied' | 'unchanged' | 'partial' | 'blocked' | 'refused' | 'unreachable';
  message?: string;
  results: ChangeResult[];
}

export interface SyncOutcome {
  targets: TargetOutcome[];
  held: SyncPlan['held'];
  killed?: SyncPlan['killed'];
  /** Kills this run found the repository agreeing with: from now on the repository decides. */
  acknowledged?: { agent: string; id: string }[];
}

export interface ApplySyncOptions extends Omit<ApplyOptions, 'timeoutMs' | 'onChange'> {
  /** Re-read each target and refuse it when its state no longer matches the plan's fingerprint. */
  verifyFingerprint: boolean;
  onChange?: (target: string, result: ChangeResult, done: number, total: number) => void;
}

/** Applies a plan to the open sessions; targets in parallel, changes within a target in order. */
export async function applySync(
  plan: SyncPlan,
  sessions: ReadonlyMap<string, TargetSession>,
  options: ApplySyncOptions,
): Promise<SyncOutcome> {
  const outcomes: TargetOutcome[] = plan.failed.map((f) => ({
    name: f.name,
    type: f.type,
    status: 'unreachable',
    message: f.error,
    results: [],
  }));
  await Promise.all(
    plan.targets.map(async (target) => {
      const session = sessions.get(target.name);
      const base = { name: target.name, type: target.type, results: [] as ChangeResult[] };
      if (!session) {
        outcomes.push({ ...base, status: 'unreachable', message: 'no connection to the target' });
        return;
      }
      if (session.settings.type !== target.type) {
        outcomes.push({
          ...base,
          status: 'refused',
          message: `the plan was made for a ${target.type} target, but leash.yaml now declares ${target.name} as ${session.settings.type}`,
        });
        return;
      }
      if (target.blocked) {
        outcomes.push({ ...base, status: 'blocked', message: target.blocked.message });
        return;
      }
      const timeoutMs = timeoutOf(session.settings);
      if (options.verifyFingerprint && target.stateFingerprint === undefined) {
        outcomes.push({
          ...base,
          status: 'refused',
          message: `the plan holds no fingerprint of the state of ${target.name}, so it cannot be checked; nothing was applied to it. Make the plan with leash plan --out`,
        });
        return;
      }
      if (options.verifyFingerprint) {
        try {
          const { value: actual } = await withRetry(
            () => withTimeout((signal) => session.connection.read(signal), timeoutMs, options.signal),
            options.retry ?? DEFAULT_RETRY,
            options.signal,
          );
          if (fingerprintState(actual) !== target.stateFingerprint) {
            outcomes.push({
              ...base,
              status: 'refused',
              message: `the state of ${target.name} has changed since the plan was made; nothing was applied to it. Make a new plan (leash plan) or run leash sync`,
            });
            return;
          }
        } catch (error) {
          outcomes.push({
            ...base,
            status: 'unreachable',
            message: `could not read its state: ${describeError(error)}`,
          });
          return;
        }
      }
      const results = await applyChanges(session.connection, target, session.adapter.objectTypes, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.veto ? { veto: options.veto } : {}),
        timeoutMs,
        onChange: (result, done, total) => options.onChange?.(target.name, result, done, total),
      });
      const failed = results.filter((r) => r.status !== 'applied').length;
      outcomes.push({
        ...base,
        results,
        status: results.length === 0 ? 'unchanged' : failed > 0 ? 'partial' : 'applied',
        ...(failed > 0 ? { message: `${failed} of ${results.length} changes did not apply` } : {}),
      });
    }),
  );
  outcomes.sort((a, b) => cmp(a.name, b.name));
  return { targets: outcomes, held: plan.held, ...(plan.killed ? { killed: plan.killed } : {}) };
}

/** Connects to the targets a saved plan names, with the settings leash.yaml declares now. */
export async function openSessions(
  prepared: Pick<PreparedPolicy, 'dir' | 'targets'>,
  planned: readonly { name: string; type: TargetType }[],
  options: { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal },
): Promise<{ sessions: Map<string, TargetSession>; failed: TargetFailure[] }> {
  const sessions = new Map<string, TargetSession>();
  const failed: TargetFailure[] = [];
  await Promise.all(
    planned.map(async ({ name, type }) => {
      const settings = prepared.targets[name];
      if (!settings) {
        failed.push({ name, type, error: `leash.yaml no longer declares a target ${name}` });
        return;
      }
      try {
        const adapter = await loadAdapter(settings.type);
        const connection = await withTimeout(
          (signal) => adapter.connect({ name, settings, env: options.env, baseDir: prepared.dir, signal }),
          timeoutOf(settings),
          options.signal,
        );
        sessions.set(name, { name, settings, adapter, connection });
      } catch (error) {
        failed.push({ name, type: settings.type, error: `could not connect: ${describeError(error)}` });
      }
    }),
  );
  return { sessions, failed };
}

export async function closeSessions(sessions: ReadonlyMap<string, TargetSession>): Promise<void> {
  await Promise.all([...sessions.values()].map((s) => s.connection.close().catch(() => undefined)));
}

function timeoutOf(settings: TargetSettings): number {
  return Math.round((settings.timeoutSeconds ?? 30) * 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
