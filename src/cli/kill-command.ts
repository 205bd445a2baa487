/**
 * `leash kill <agent> --reason "…"`: pull all of an agent's access in every configured target
 * at once, record the kill (the kill ledger, which keeps it sticky, and the audit log), and
 * bring the repository to agree (a commit on a new branch setting the agent's status to
 * revoked). It reads leash.yaml alone, so a broken file elsewhere cannot block it.
 * Exit 0 revoked everywhere; 2 a target failed or could not be reached; 1 the agent was found
 * nowhere (no file, nothing held in any target): most likely a misspelt name.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { appendAuditEntry } from '../audit/log.js';
import { auditLogPath } from '../audit/path.js';
import type { AuditTargetRecord } from '../audit/types.js';
import { bringRepositoryToAgree, findAgentFile, killCommitMessage } from '../revoke/agree.js';
import type { Agreement } from '../revoke/agree.js';
import type { KillReceipt } from '../revoke/kill.js';
import { killAgent } from '../revoke/kill.js';
import { checkAgentName } from '../revoke/killed-state.js';
import type { KillRecord } from '../revoke/ledger.js';
import { killLedgerPath, updateKillLedger } from '../revoke/ledger.js';
import { resolveCommit } from '../source/git.js';
import { auditChangeFromResult } from '../audit/from-sync.js';
import { describeError } from '../sync/apply.js';
import { ConfigReadError, readConfigOnly } from '../sync/config.js';
import { DEFAULT_TARGETS } from '../sync/enforcement.js';
import type { TargetSettings } from '../sync/types.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, whoRuns } from './io.js';

export interface KillFlags {
  dir: string;
  reason?: string;
  by?: string;
  timeout?: string;
  target?: string[];
  /** commander's --no-commit: false when given. */
  commit: boolean;
  edit?: boolean;
  format: 'text' | 'json';
}

const MAX_REASON = 2000;

export async function killCommand(agent: string, flags: KillFlags, io: CliIo): Promise<number> {
  try {
    checkAgentName(agent);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const reason = flags.reason?.trim() ?? '';
  if (reason === '') throw new CliError('--reason is required: say why the agent is being killed');
  if (reason.length > MAX_REASON) throw new CliError(`--reason is over ${MAX_REASON} characters`);
  const timeoutMs = flags.timeout === undefined ? undefined : parseTimeout(flags.timeout);
  const dir = resolve(io.cwd, flags.dir);
  let config;
  try {
    config = readConfigOnly(dir);
  } catch (error) {
    if (error instanceof ConfigReadError) {
      throw new CliError(`${error.message}; the kill switch needs leash.yaml to know the targets`);
    }
    throw error;
  }
  const declared = config?.data.spec.targets as Record<string, TargetSettings> | undefined;
  const all = declared && Object.keys(declared).length > 0 ? declared : { ...DEFAULT_TARGETS };
  const targets = pickTargets(all, flags.target);
  let auditPath: string;
  let ledgerPath: string;
  try {
    auditPath = auditLogPath(dir, config?.data.spec);
    ledgerPath = killLedgerPath(dir, config?.data.spec);
  } catch (error) {
    throw new CliError(`leash.yaml: ${describeError(error)}; nothing was changed`);
  }
  const at = new Date().toISOString();
  const by = flags.by?.trim() || whoRuns(io);
  const kill: KillRecord = {
    id: `kill-${agent}-${at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`,
    agent,
    at,
    by,
    reason,
    receipts: [],
    state: 'in-force',
  };
  // In the ledger before any target is touched: a sync running meanwhile already keeps it revoked.
  await recordKill(ledgerPath, kill, 'before');

  const receipts = await killAgent(agent, targets, {
    env: io.env,
    baseDir: dir,
    at,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    onReceipt: (r) => {
      if (flags.format === 'text') io.stderr(`leash: ${receiptLine(r)}\n`);
    },
  });
  kill.receipts = receipts.map((r) => ({
    target: r.target,
    type: r.type,
    status: r.status,
    ...(r.message ? { message: r.message } : {}),
  }));

  const file = await findAgentFile(dir, agent).catch(() => undefined);
  const heldSomething = receipts.some((r) => r.before.identities + r.before.grants > 0);
  const unknown = file === undefined && !heldSomething && receipts.every((r) => r.status === 'revoked');

  let agreement: Agreement | undefined;
  let agreementError: string | undefined;
  if (flags.commit && !unknown) {
    try {
      agreement = await bringRepositoryToAgree(dir, agent, {
        editInPlace: flags.edit === true,
        branch: `leash/kill/${agent}-${at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`,
        message: killCommitMessage(kill, receipts),
      });
      if (agreement.kind === 'branch') kill.branch = agreement.branch;
    } catch (error) {
      agreementError = describeError(error);
    }
  }
  const ledgerError = await recordKill(ledgerPath, kill, 'after');

  const failed = receipts.some((r) => r.status !== 'revoked');
  const exitCode = failed ? EXIT.fatal : unknown ? EXIT.problems : EXIT.ok;
  let auditError: string | undefined;
  let auditHead: string | undefined;
  try {
    const commit = await resolveCommit(dir, 'HEAD').catch(() => undefined);
    const entry = await appendAuditEntry(auditPath, {
      kind: 'kill',
      at,
      actor: by,
      agent,
      reason,
      ...(commit ? { commit } : {}),
      targets: receipts.map(auditRecord),
      exitCode,
    });
    auditHead = entry.hash;
  } catch (error) {
    auditError = describeError(error);
  }

  if (flags.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          formatVersion: 1,
          kill: { id: kill.id, agent, at, by, reason },
          receipts,
          ...(agreement ? { repository: agreement } : {}),
          ...(agreementError ? { repositoryError: agreementError } : {}),
          ledger: ledgerPath,
          audit: {
            path: auditPath,
            ...(auditHead ? { head: auditHead } : {}),
            ...(auditError ? { error: auditError } : {}),
          },
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout(
      formatKillText(kill, receipts, {
        agreement,
        agreementError,
        unknown,
        auditPath,
        auditHead,
        auditError,
      }),
    );
  }
  if (ledgerError) io.stderr(`leash: ${ledgerError}\n`);
  return (auditError || ledgerError) && exitCode === EXIT.ok ? EXIT.fatal : exitCode;
}

/**
 * Writes the kill into the ledger. Before the targets are touched a failure stops the kill (a
 * kill no sync knows about would be undone by the next sync); afterwards it is reported.
 */
async function recordKill(
  path: string,
  kill: KillRecord,
  stage: 'before' | 'after',
): Promise<string | undefined> {
  try {
    await updateKillLedger(path, (ledger) => ({
      ledger: { ...ledger, kills: [...ledger.kills.filter((k) => k.id !== kill.id), { ...kill }] },
      result: undefined,
    }));
    return undefined;
  } catch (error) {
    if (stage === 'before') {
      throw new CliError(
        `cannot record the kill in ${path}: ${describeError(error)}; without it the next sync would re-grant the agent, so no target was touched. Fix or move the ledger and run leash kill again`,
      );
    }
    return `the receipts could not be written to the kill ledger ${path}: ${describeError(error)} (the kill itself is recorded there and stays in force)`;
  }
}

function auditRecord(r: KillReceipt): AuditTargetRecord {
  return {
    target: r.target,
    type: r.type,
    result: r.status,
    changes: r.changes.map(auditChangeFromResult),
    ...(r.message && r.status !== 'revoked' ? { error: r.message } : {}),
  };
}

function receiptLine(r: KillReceipt): string {
  const what =
    r.status === 'revoked'
      ? r.before.identities + r.before.grants === 0
        ? 'held nothing here'
        : `identity disabled, ${r.before.grants} grant${r.before.grants === 1 ? '' : 's'} removed, read back clean`
      : (r.message ?? '');
  return `${r.target} (${r.type}): ${r.status.toUpperCase()} in ${r.ms} ms: ${what}`;
}

function formatKillText(
  kill: KillRecord,
  receipts: readonly KillReceipt[],
  extra: {
    agreement: Agreement | undefined;
    agreementError: string | undefined;
    unknown: boolean;
    auditPath: string;
    auditHead: string | undefined;
    auditError: string | undefined;
  },
): string {
  const revoked = receipts.filter((r) => r.status === 'revoked').length;
  const lines = [
    `Killed ${kill.agent} (${kill.id}) by ${kill.by} at ${kill.at}: ${kill.reason}`,
    `Receipts: ${revoked} of ${receipts.length} targets revoked and read back.`,
    ...receipts.map((r) => `  ${receiptLine(r)}`),
    '',
  ];
  if (extra.unknown) {
    lines.push(
      `No target held anything for ${kill.agent} and the repository has no file for it: check the name.`,
    );
  }
  if (receipts.some((r) => r.status !== 'revoked')) {
    lines.push(
      `Not every target confirmed the revocation. Run leash kill ${kill.agent} again once they are reachable: it only changes what is still held.`,
    );
  }
  lines.push(
    `Sticky: every sync keeps ${kill.agent} revoked in every target until the repository says it is revoked; after that, only a reviewed change to its status brings it back.`,
  );
  const a = extra.agreement;
  if (extra.agreementError) {
    lines.push(
      `Repository: NOT brought to agree: ${extra.agreementError}. Set spec.status: revoked in its file by hand.`,
    );
  } else if (a?.kind === 'branch') {
    lines.push(
      `Repository: branch ${a.branch} (commit ${a.commit.slice(0, 12)}) sets status: revoked in ${a.file}; push it and open a pull request (it only removes access).`,
    );
  } else if (a?.kind === 'edited') {
    lines.push(`Repository: ${a.file} now says status: revoked; commit it.`);
  } else if (a?.kind === 'already') {
    lines.push(`Repository: ${a.file} already says status: revoked.`);
  } else if (a?.kind === 'skipped') {
    lines.push(`Repository: NOT brought to agree: ${a.reason}.`);
  }
  lines.push(
    extra.auditError
      ? `Audit: NOT recorded: ${extra.auditError}`
      : `Audit: recorded in ${extra.auditPath} (head ${extra.auditHead ?? ''}).`,
  );
  return lines.join('\n') + '\n';
}

function pickTargets(
  all: Readonly<Record<string, TargetSettings>>,
  only: readonly string[] | undefined,
): Record<string, TargetSettings> {
  if (!only || only.length === 0) return { ...all };
  const out: Record<string, TargetSettings> = {};
  for (const name of only) {
    if (!Object.hasOwn(all, name)) throw new CliError(`leash.yaml declares no target ${name}`);
    out[name] = all[name]!;
  }
  return out;
}

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0) || seconds > 3600) {
    throw new CliError(
      `--timeout must be a number of seconds between 0 and 3600, not ${JSON.stringify(text)}`,
    );
  }
  return Math.round(seconds * 1000);
}
