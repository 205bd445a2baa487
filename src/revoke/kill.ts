/**
 * The kill switch: pull all of one agent's access in every configured target at once. It needs
 * only the agent's name and the targets' settings (leash.yaml alone), so a broken file elsewhere
 * cannot block it. Targets run in parallel, each under its own deadline; each disables the
 * identity first and then removes the grants, then reads back what is left and reports.
 */
import { performance } from 'node:perf_hooks';
import type { ChangeResult } from '../sync/apply.js';
import { applyChanges, describeError, withTimeout } from '../sync/apply.js';
import { canonicalJson, objectKey } from '../sync/plan.js';
import { loadAdapter } from '../sync/registry.js';
import type { RetryPolicy } from '../sync/retry.js';
import type {
  JsonValue,
  ManagedObject,
  TargetAdapter,
  TargetConnection,
  TargetSettings,
  TargetType,
} from '../sync/types.js';
import { checkAgentName, killChanges, killedState } from './killed-state.js';

/** How one target took the kill, read back from the target itself. */
export interface KillReceipt {
  target: string;
  type: TargetType;
  /**
   * revoked: read back, the agent holds no grant and its identity is disabled (or it held
   * nothing there); failed: the target answered but something is still held; unreachable: the
   * target could not be read before the deadline, so nothing is known to have changed there.
   */
  status: 'revoked' | 'failed' | 'unreachable';
  message?: string;
  /** What the agent held there before: identities and grants. */
  before: { identities: number; grants: number };
  /** Each change tried, in order. */
  changes: ChangeResult[];
  /** Grants and enabled identities still found on read-back ("failed" lists them). */
  remaining: ManagedObject[];
  /** Connection and read attempts it took. */
  attempts: number;
  /** Time from the start of the kill to this receipt. */
  ms: number;
}

export interface KillOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The folder holding leash.yaml: relative paths in settings resolve against it. */
  baseDir: string;
  /** The moment of the kill (ISO 8601); also the `asOf` of the killed state. */
  at: string;
  /** Each target's whole kill (connect, read, apply, read back) must end within this. Default: its timeoutSeconds, else 30 s. */
  timeoutMs?: number;
  /** How a change is retried (RetryableError); connection and reads are retried until the deadline. */
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Called as each target finishes, fastest first. */
  onReceipt?: (receipt: KillReceipt) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Waits between attempts to reach a target that is down, within its deadline. */
const REACH_BACKOFF_MS = [100, 200, 400, 800, 1600];

/** Kills `agent` in every target of `targets`, in parallel. Receipts come back sorted by target name. */
export async function killAgent(
  agent: string,
  targets: Readonly<Record<string, TargetSettings>>,
  options: KillOptions,
): Promise<KillReceipt[]> {
  checkAgentName(agent);
  const started = performance.now();
  const receipts = await Promise.all(
    Object.keys(targets)
      .sort()
      .map(async (name) => {
        const receipt = await killInTarget(name, targets[name]!, agent, options, started);
        options.onReceipt?.(receipt);
        return receipt;
      }),
  );
  return receipts;
}

async function killInTarget(
  name: string,
  settings: TargetSettings,
  agent: string,
  options: KillOptions,
  started: number,
): Promise<KillReceipt> {
  const receipt: KillReceipt = {
    target: name,
    type: settings.type,
    status: 'unreachable',
    before: { identities: 0, grants: 0 },
    changes: [],
    remaining: [],
    attempts: 0,
    ms: 0,
  };
  const own =
    typeof settings.timeoutSeconds === 'number' ? settings.timeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS;
  const deadline = options.timeoutMs ?? own;
  // The clients' own timeouts (connecting, each query or request) come from timeoutSeconds: none
  // may outlive a shorter deadline, or a hung target's socket would keep the process alive after
  // the receipts are out.
  const connectSettings = deadline < own ? { ...settings, timeoutSeconds: deadline / 1000 } : settings;
  let connection: TargetConnection | undefined;
  let phase: 'reach' | 'revoke' = 'reach';
  try {
    await withTimeout(
      async (signal) => {
        const adapter = await loadAdapter(settings.type);
        const read = async (): Promise<ManagedObject[]> => {
          const open = connection!;
          const objects = open.readAgent ? await open.readAgent(agent, signal) : await open.read(signal);
          return objects.filter((o) => o.agent === agent);
        };
        const actual = await untilReached(receipt, signal, async () => {
          try {
            if (!connection) {
              const opened = await adapter.connect({
                name,
                settings: connectSettings,
                env: options.env,
                baseDir: options.baseDir,
                signal,
              });
              // Opened after the deadline: the receipt is out and nothing else would close it.
              if (signal.aborted) {
                void opened.close().catch(() => undefined);
                signal.throwIfAborted();
              }
              connection = opened;
            }
            return await read();
          } catch (error) {
            // A connection that failed a read may be broken: the next attempt starts afresh.
            const broken = connection;
            connection = undefined;
            if (broken) await Promise.race([broken.close().catch(() => undefined), delay(1000)]);
            throw error;
          }
        });
        phase = 'revoke';
        receipt.before = count(adapter, actual);
        const killed = killedState(adapter, name, agent, actual, options.at);
        const plan = { changes: killChanges(adapter, killed, actual, agent) };
        receipt.changes = await applyChanges(connection!, plan, adapter.objectTypes, {
          signal,
          ...(options.retry ? { retry: options.retry } : {}),
        });
        const after = await read();
        receipt.remaining = stillHeld(adapter, killed, after);
        const failed = receipt.changes.filter((c) => c.status !== 'applied');
        if (receipt.remaining.length === 0 && failed.length === 0) {
          receipt.status = 'revoked';
          if (actual.length === 0) receipt.message = 'held nothing here';
        } else {
          receipt.status = 'failed';
          receipt.message = [
            ...failed.map((f) => `${f.change.op} ${objectKey(f.change)}: ${f.error ?? f.status}`),
            ...(receipt.remaining.length > 0
              ? [`still held on read-back: ${receipt.remaining.map((o) => objectKey(o)).join(', ')}`]
              : []),
          ].join('; ');
        }
      },
      deadline,
      options.signal,
    );
  } catch (error) {
    receipt.status = phase === 'reach' ? 'unreachable' : 'failed';
    receipt.message =
      phase === 'reach'
        ? `could not be reached in ${deadline} ms (${receipt.attempts} attempts): ${describeError(error)}`
        : `did not finish in ${deadline} ms: ${describeError(error)}`;
  } finally {
    // A hung target's close may hang too: never wait on it past a moment.
    if (connection) await Promise.race([connection.close().catch(() => undefined), delay(1000)]);
  }
  receipt.ms = Math.round(performance.now() - started);
  return receipt;
}

/** Runs `fn` until it succeeds or the deadline's signal aborts, backing off between attempts. */
async function untilReached<T>(receipt: KillReceipt, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    receipt.attempts++;
    try {
      return await fn();
    } catch (error) {
      const wait = REACH_BACKOFF_MS[attempt];
      if (signal.aborted || wait === undefined) throw error;
      await delay(wait, signal).catch(() => {
        throw error;
      });
    }
  }
}

function count(adapter: TargetAdapter, objects: readonly ManagedObject[]): KillReceipt['before'] {
  const classOf = new Map(adapter.objectTypes.map((t) => [t.name, t.class]));
  return {
    identities: objects.filter((o) => classOf.get(o.type) === 'identity').length,
    grants: objects.filter((o) => classOf.get(o.type) === 'grant').length,
  };
}

/** Objects read back that differ from the killed state: a grant still there, an identity not disabled. */
function stillHeld(
  adapter: TargetAdapter,
  killed: readonly ManagedObject[],
  after: readonly ManagedObject[],
): ManagedObject[] {
  const want = new Map(killed.map((o) => [objectKey(o), canonicalJson(o.attributes as JsonValue)]));
  const classOf = new Map(adapter.objectTypes.map((t) => [t.name, t.class]));
  return after.filter((o) => {
    if (classOf.get(o.type) === 'container') return false;
    return want.get(objectKey(o)) !== canonicalJson(o.attributes as JsonValue);
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
