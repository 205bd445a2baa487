/**
 * `leash plan`, `leash apply`, `leash sync` and `leash drift`. Exit codes: 0 every target holds
 * what the repository says (or the plan was made); 1 something was held back by policy (a
 * guardrail, agents whose files are broken) or, for drift, drift was found; 2 a target could
 * not be read, refused a stale plan, or a change failed.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatOutcomeText, formatPlanText } from '../report/sync.js';
import type { ChangeResult } from '../sync/apply.js';
import { readPlanFile } from '../sync/plan-file.js';
import type { PreparedPolicy, SyncOutcome, SyncPlan } from '../sync/run.js';
import {
  SyncConfigError,
  applySync,
  closeSessions,
  openSessions,
  planSync,
  preparePolicy,
} from '../sync/run.js';
import type { CliIo } from './io.js';
import { CliError, EXIT } from './io.js';
import { createProgress } from './progress.js';
import { parseNow } from './validate-command.js';

export interface PlanFlags {
  out?: string;
  format: 'text' | 'json';
  target?: string[];
  now?: string;
  overrideGuardrails?: boolean;
}

export interface SyncFlags {
  format: 'text' | 'json';
  target?: string[];
  now?: string;
  overrideGuardrails?: boolean;
}

export interface ApplyFlags {
  dir: string;
  format: 'text' | 'json';
  now?: string;
}

/** `leash plan [dir]`: a dry run through the same code path as apply, with no writes. */
export async function planCommand(dir: string, flags: PlanFlags, io: CliIo): Promise<number> {
  const prepared = prepare(dir, flags.now, io);
  // A plan saved or printed as JSON may be applied later, which checks the state's fingerprint.
  const fingerprint = flags.out !== undefined || flags.format === 'json';
  const { plan, sessions } = await planSync(prepared, { ...planOptions(flags, io), fingerprint });
  await closeSessions(sessions);
  if (flags.out) {
    const out = resolve(io.cwd, flags.out);
    await writeFile(out, JSON.stringify(plan, null, 2) + '\n');
    io.stderr(`leash: plan written to ${flags.out}; apply it with leash apply ${flags.out}\n`);
  }
  io.stdout(flags.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : formatPlanText(plan));
  return planExitCode(plan);
}

/** `leash drift [dir]`: what differs between the repository and the targets (changed out of band). */
export async function driftCommand(dir: string, flags: SyncFlags, io: CliIo): Promise<number> {
  const prepared = prepare(dir, flags.now, io);
  const { plan, sessions } = await planSync(prepared, {
    ...planOptions(flags, io),
    fingerprint: flags.format === 'json',
  });
  await closeSessions(sessions);
  io.stdout(flags.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : formatPlanText(plan, 'drift'));
  if (plan.failed.length > 0) return EXIT.fatal;
  return plan.targets.some((t) => t.changes.length > 0) || plan.held.length > 0 ? EXIT.problems : EXIT.ok;
}

/** `leash sync [dir]`: plan and apply in one run. */
export async function syncCommand(dir: string, flags: SyncFlags, io: CliIo): Promise<number> {
  const prepared = prepare(dir, flags.now, io);
  // The plan is applied in this run, against the state it was made from: no fingerprint to check.
  const { plan, sessions } = await planSync(prepared, { ...planOptions(flags, io), fingerprint: false });
  try {
    const outcome = await applySync(plan, sessions, {
      verifyFingerprint: false,
      onChange: progressFor(plan, io),
    });
    report(outcome, plan, flags.format, io);
    return outcomeExitCode(outcome);
  } finally {
    await closeSessions(sessions);
  }
}

/** `leash apply [plan]`: applies a saved plan (refusing targets whose state has changed), or syncs. */
export async function applyCommand(
  planPath: string | undefined,
  flags: ApplyFlags,
  io: CliIo,
): Promise<number> {
  if (planPath === undefined)
    return syncCommand(flags.dir, { format: flags.format, ...(flags.now ? { now: flags.now } : {}) }, io);
  const read = await readPlanFile(resolve(io.cwd, planPath), planPath);
  if (!read.plan) {
    const lines = read.diagnostics.map(
      (d) => `${d.file}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}: ${d.message}`,
    );
    throw new CliError(`the plan is not valid:\n${lines.join('\n')}`);
  }
  const plan = read.plan;
  const prepared = prepare(flags.dir, flags.now, io);
  const { sessions, failed } = await openSessions(
    prepared,
    plan.targets.map((t) => ({ name: t.name, type: t.type })),
    { env: io.env },
  );
  try {
    const outcome = await applySync({ ...plan, failed: [...plan.failed, ...failed] }, sessions, {
      verifyFingerprint: true,
      onChange: progressFor(plan, io),
    });
    report(outcome, plan, flags.format, io);
    return outcomeExitCode(outcome);
  } finally {
    await closeSessions(sessions);
  }
}

function prepare(dir: string, now: string | undefined, io: CliIo): PreparedPolicy {
  try {
    return preparePolicy(resolve(io.cwd, dir), parseNow(now));
  } catch (error) {
    if (error instanceof SyncConfigError) throw new CliError(error.message);
    throw error;
  }
}

function planOptions(flags: { target?: string[]; overrideGuardrails?: boolean }, io: CliIo) {
  return {
    env: io.env,
    ...(flags.target && flags.target.length > 0 ? { only: flags.target } : {}),
    ...(flags.overrideGuardrails ? { overrideGuardrails: true } : {}),
  };
}

function report(outcome: SyncOutcome, plan: SyncPlan, format: 'text' | 'json', io: CliIo): void {
  if (format === 'json') {
    io.stdout(JSON.stringify({ formatVersion: 1, asOf: plan.asOf, ...outcome }, null, 2) + '\n');
  } else {
    io.stdout(formatOutcomeText(outcome));
  }
}

/**
 * Progress for long runs, and the crash-test failpoint: with LEASH_FAILPOINT_KILL_AFTER=N the
 * process kills itself (SIGKILL, no clean-up) right after its Nth applied change, so tests can
 * stop an apply at every mutation boundary.
 */
function progressFor(
  plan: SyncPlan,
  io: CliIo,
): (target: string, result: ChangeResult, done: number, total: number) => void {
  const progress = createProgress(plan, io);
  const killAfter = Number(io.env.LEASH_FAILPOINT_KILL_AFTER ?? NaN);
  let applied = 0;
  return (target, result, done, total) => {
    progress(target, done, total);
    if (result.status === 'applied') applied++;
    if (Number.isInteger(killAfter) && applied === killAfter) process.kill(process.pid, 'SIGKILL');
  };
}

function planExitCode(plan: SyncPlan): number {
  if (plan.failed.length > 0) return EXIT.fatal;
  return plan.targets.some((t) => t.blocked) || plan.held.length > 0 ? EXIT.problems : EXIT.ok;
}

function outcomeExitCode(outcome: SyncOutcome): number {
  if (
    outcome.targets.some(
      (t) => t.status === 'unreachable' || t.status === 'refused' || t.status === 'partial',
    )
  ) {
    return EXIT.fatal;
  }
  return outcome.targets.some((t) => t.status === 'blocked') || outcome.held.length > 0
    ? EXIT.problems
    : EXIT.ok;
}
