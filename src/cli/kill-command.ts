/**
 * `leash kill <agent> --reason "…"`: pull all of an agent's access in every configured target
 * at once, record the kill (the kill ledger, which keeps it sticky, and the audit log), and
 * bring the repository to agree (a commit on a new branch setting the agent's status to
 * revoked). It reads leash.yaml alone, so a broken file elsewhere cannot block it.
 * Exit 0 revoked everywhere; 2 a target failed or could not be reached; 1 the agent was found
 * nowhere (no file, nothing held in any target): most likely a misspelt name.
 */
import { resolve } from 'node:path';
import type { Agreement } from '../revoke/agree.js';
import type { KillReceipt } from '../revoke/kill.js';
import type { KillRecord } from '../revoke/ledger.js';
import { KillRunError, describeReceipt, runKill } from '../revoke/run-kill.js';
import type { CliIo } from './io.js';
import { CliError, whoRuns } from './io.js';

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

export async function killCommand(agent: string, flags: KillFlags, io: CliIo): Promise<number> {
  // The name and the reason's length are checked by runKill; only the flag's wording is ours.
  const reason = flags.reason?.trim() ?? '';
  if (reason === '') throw new CliError('--reason is required: say why the agent is being killed');
  const timeoutMs = flags.timeout === undefined ? undefined : parseTimeout(flags.timeout);
  let run;
  try {
    run = await runKill({
      dir: resolve(io.cwd, flags.dir),
      agent,
      reason,
      by: flags.by?.trim() || whoRuns(io),
      env: io.env,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(flags.target && flags.target.length > 0 ? { only: flags.target } : {}),
      commit: flags.commit,
      editInPlace: flags.edit === true,
      onReceipt: (r) => {
        if (flags.format === 'text') io.stderr(`leash: ${describeReceipt(r)}\n`);
      },
    });
  } catch (error) {
    if (error instanceof KillRunError) throw new CliError(error.message);
    throw error;
  }
  const { kill, receipts, agreement, agreementError, unknown, auditPath, auditHead, auditError } = run;
  const { at, by } = kill;

  if (flags.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          formatVersion: 1,
          kill: { id: kill.id, agent, at, by, reason },
          receipts,
          ...(agreement ? { repository: agreement } : {}),
          ...(agreementError ? { repositoryError: agreementError } : {}),
          ledger: run.ledgerPath,
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
  if (run.ledgerError) io.stderr(`leash: ${run.ledgerError}\n`);
  return run.exitCode;
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
    ...receipts.map((r) => `  ${describeReceipt(r)}`),
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

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0) || seconds > 3600) {
    throw new CliError(
      `--timeout must be a number of seconds between 0 and 3600, not ${JSON.stringify(text)}`,
    );
  }
  return Math.round(seconds * 1000);
}
