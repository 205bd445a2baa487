/**
 * `leash plan`, `leash apply`, `leash sync` and `leash drift`. Exit codes: 0 every target holds
 * what the repository says (or the plan was made); 1 something was held back by policy (a
 * guardrail, agents whose files are broken) or, for drift, drift was found; 2 a target could
 * not be read, refused a stale plan, or a change failed.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { auditEntryFromSync } from '../audit/from-sync.js';
import { appendAuditEntry } from '../audit/log.js';
import { AuditPathError, auditLogPath } from '../audit/path.js';
import type { AuditEntryInput } from '../audit/types.js';
import { formatOutcomeText, formatPlanText } from '../report/sync.js';
import type { ChangeResult } from '../sync/apply.js';
import { resolveCommit } from '../source/git.js';
import { readPlanFile } from '../sync/plan-file.js';
import type { PreparedPolicy, SyncOutcome, SyncPlan } from '../sync/run.js';
import {
  SyncConfigError,
  acknowledgeKills,
  applySync,
  closeSessions,
  openSessions,
  planSync,
  preparePolicy,
  vetoLaterKills,
} from '../sync/run.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, whoRuns } from './io.js';
import { createProgress } from './progress.js';
import { parseNow } from './validate-command.js';

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
  const { plan, sessions } = await planSync(prepared, planOptions(flags, io));
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
  const { plan, sessions } = await planSync(prepared, planOptions(flags, io));
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
  const audit = await auditTarget(prepared, kind, who);
  const { plan, sessions } = await planSync(prepared, planOptions(flags, io));
  try {
    const outcome = await applySync(plan, sessions, {
      verifyFingerprint: false,
      onChange: progressFor(plan, io),
      veto: vetoLaterKills(prepared),
    });
    await acknowledge(prepared, outcome, audit.commit, io);
    report(outcome, plan, flags.format, io);
    return await recordRun(audit, outcome, outcomeExitCode(outcome), io);
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
  const audit = await auditTarget(prepared, 'apply', who);
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
    return await recordRun(audit, outcome, outcomeExitCode(outcome), io);
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

interface AuditTarget {
  path: string;
  kind: 'sync' | 'apply';
  who: Pick<AuditEntryInput, 'actor' | 'pullRequest'>;
  commit?: string;
}

/**
 * Where the run's entry goes, and the commit it acts on. Resolved before anything is applied,
 * so a log path that leads outside the repository stops the run while nothing has changed.
 */
async function auditTarget(
  prepared: PreparedPolicy,
  kind: 'sync' | 'apply',
  who: AuditTarget['who'],
): Promise<AuditTarget> {
  let path: string;
  try {
    path = auditLogPath(prepared.dir, prepared.index.config?.data.spec);
  } catch (error) {
    if (error instanceof AuditPathError)
      throw new CliError(`leash.yaml: ${error.message}; nothing was applied`);
    throw error;
  }
  // Not a git repository, or no git at all: the entry simply has no commit.
  const commit = await resolveCommit(prepared.dir, 'HEAD').catch(() => undefined);
  return { path, kind, who, ...(commit ? { commit } : {}) };
}

/**
 * Appends the run's entry after its results were printed. A failure here makes the run fail
 * (exit 2) but changes nothing that was applied, and says so.
 */
async function recordRun(
  audit: AuditTarget,
  outcome: SyncOutcome,
  exitCode: number,
  io: CliIo,
): Promise<number> {
  const entry = auditEntryFromSync(
    {
      kind: audit.kind,
      at: new Date().toISOString(),
      ...audit.who,
      ...(audit.commit ? { commit: audit.commit } : {}),
      exitCode,
    },
    outcome,
  );
  try {
    await appendAuditEntry(audit.path, entry);
    return exitCode;
  } catch (error) {
    io.stderr(
      `leash: the run above was carried out as reported, but its audit entry could not be written: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.fatal;
  }
}

/** Kills the repository now agrees with are acknowledged (a failure leaves them in force, which is safe). */
async function acknowledge(
  prepared: PreparedPolicy,
  outcome: SyncOutcome,
  commit: string | undefined,
  io: CliIo,
) {
  try {
    const done = await acknowledgeKills(prepared, new Date().toISOString(), commit);
    if (done.length > 0) outcome.acknowledged = done.map((k) => ({ agent: k.agent, id: k.id }));
  } catch (error) {
    io.stderr(
      `leash: the kill ledger could not be updated (the kills stay in force): ${(error as Error).message}\n`,
    );
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
