/**
 * `leash plan`, `leash apply`, `leash sync` and `leash drift`. Exit codes: 0 every target holds
 * what the repository says (or the plan was made); 1 something was held back by policy (a
 * guardrail, agents whose files are broken) or, for drift, drift was found; 2 a target could
 * not be read, refused a stale plan, or a change failed.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuditPathError } from '../audit/path.js';
import type { AuditEntryInput } from '../audit/types.js';
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
  vetoLaterKills,
} from '../sync/run.js';
import type { AuditTarget } from '../sync/sync-and-record.js';
import { recordSyncRun, resolveAuditTarget, syncAndRecord, syncExitCode } from '../sync/sync-and-record.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, parseNow, whoRuns } from './io.js';
import { createProgress } from './progress.js';

export interface PlanFlags {
  out?: string;
  format: 'text' | 'json';
  target?: string[];
  now?: string;
  overrideGuardrails?: boolean;
}

/** Who runs a sync or apply and on whose approval, for the audit log. */
export interface AuditFlags {
  actor?: string;
  /** The pull request number. */
  pr?: string;
  /** Comma-separated logins. */
  approvers?: string;
}

export interface SyncFlags extends AuditFlags {
  format: 'text' | 'json';
  target?: string[];
  now?: string;
  overrideGuardrails?: boolean;
}

export interface ApplyFlags extends AuditFlags {
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
  return planAndApply(dir, flags, io, 'sync');
}

async function planAndApply(
  dir: string,
  flags: SyncFlags,
  io: CliIo,
  kind: 'sync' | 'apply',
): Promise<number> {
  const who = auditContext(flags, io);
  const prepared = prepare(dir, flags.now, io);
  let run;
  try {
    run = await syncAndRecord(prepared, {
      ...planOptions(flags, io),
      kind,
      runner: who,
      progress: (plan) => progressFor(plan, io),
    });
  } catch (error) {
    throw auditPathProblem(error);
  }
  if (run.ledgerError) {
    io.stderr(`leash: the kill ledger could not be updated (the kills stay in force): ${run.ledgerError}\n`);
  }
  report(run.outcome, run.plan, flags.format, io);
  if (run.audit.error) auditFailed(run.audit.error, io);
  return run.exitCode;
}

/** `leash apply [plan]`: applies a saved plan (refusing targets whose state has changed), or syncs. */
export async function applyCommand(
  planPath: string | undefined,
  flags: ApplyFlags,
  io: CliIo,
): Promise<number> {
  const { dir, ...rest } = flags;
  if (planPath === undefined) return planAndApply(dir, rest, io, 'apply');
  const who = auditContext(flags, io);
  const read = await readPlanFile(resolve(io.cwd, planPath), planPath);
  if (!read.plan) {
    const lines = read.diagnostics.map(
      (d) => `${d.file}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}: ${d.message}`,
    );
    throw new CliError(`the plan is not valid:\n${lines.join('\n')}`);
  }
  const plan = read.plan;
  const prepared = prepare(flags.dir, flags.now, io);
  const audit = await resolveAuditTarget(prepared).catch((error: unknown) => {
    throw auditPathProblem(error);
  });
  const { sessions, failed } = await openSessions(
    prepared,
    plan.targets.map((t) => ({ name: t.name, type: t.type })),
    { env: io.env },
  );
  try {
    const outcome = await applySync({ ...plan, failed: [...plan.failed, ...failed] }, sessions, {
      verifyFingerprint: true,
      onChange: progressFor(plan, io),
      veto: vetoLaterKills(prepared),
    });
    report(outcome, plan, flags.format, io);
    return await recordRun(audit, who, outcome, io);
  } finally {
    await closeSessions(sessions);
  }
}

/** Who ran the run and on whose approval; checked before anything is read or changed. */
function auditContext(flags: AuditFlags, io: CliIo): Pick<AuditEntryInput, 'actor' | 'pullRequest'> {
  const actor = flags.actor?.trim() || whoRuns(io);
  if (flags.pr === undefined) {
    if (flags.approvers !== undefined)
      throw new CliError('--approvers needs --pr: the pull request they approved');
    return { actor };
  }
  if (!/^[1-9][0-9]{0,15}$/.test(flags.pr) || !Number.isSafeInteger(Number(flags.pr))) {
    throw new CliError(`--pr must be a pull request number, not ${JSON.stringify(flags.pr)}`);
  }
  const number = Number(flags.pr);
  const approvers = [
    ...new Set(
      (flags.approvers ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    ),
  ];
  const server = io.env.GITHUB_SERVER_URL;
  const repo = io.env.GITHUB_REPOSITORY;
  return {
    actor,
    pullRequest: {
      number,
      ...(server && repo ? { url: `${server}/${repo}/pull/${number}` } : {}),
      approvers,
    },
  };
}

/** A log path that leads outside the repository stops the run before anything is applied. */
function auditPathProblem(error: unknown): unknown {
  return error instanceof AuditPathError
    ? new CliError(`leash.yaml: ${error.message}; nothing was applied`)
    : error;
}

/**
 * Appends the run's entry after its results were printed. A failure here makes the run fail
 * (exit 2) but changes nothing that was applied, and says so.
 */
async function recordRun(
  audit: AuditTarget,
  who: Pick<AuditEntryInput, 'actor' | 'pullRequest'>,
  outcome: SyncOutcome,
  io: CliIo,
): Promise<number> {
  const exitCode = syncExitCode(outcome);
  const written = await recordSyncRun(
    audit,
    { kind: 'apply', ...who, at: new Date().toISOString(), exitCode },
    outcome,
  );
  if (!written.error) return exitCode;
  auditFailed(written.error, io);
  return EXIT.fatal;
}

function auditFailed(error: string, io: CliIo): void {
  io.stderr(
    `leash: the run above was carried out as reported, but its audit entry could not be written: ${error}\n`,
  );
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
