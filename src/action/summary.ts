/**
 * The markdown the Action writes for `sync` and `kill`: the job summary and the kill's pull
 * request body (pure). User text (reasons, messages, names) is escaped, so it cannot break a
 * table, inject markup or mention anyone.
 */
import { escapeMarkdown } from '../approvals/format-signoff.js';
import type { KillReceipt } from '../revoke/kill.js';
import type { KillRun } from '../revoke/run-kill.js';
import type { RecordedSync } from '../sync/sync-and-record.js';
import type { TargetOutcome } from '../sync/run.js';

/** Where the run's state went: the state branch's new commit, nothing to save, or why it failed. */
export interface StateNote {
  branch: string;
  commit?: string;
  error?: string;
}

export interface SyncSummaryContext {
  commit?: string;
  pullRequest?: { number: number; url?: string; approvers: string[] };
  /** Why the pull request could not be looked up. */
  pullRequestError?: string;
  state?: StateNote;
  /** The path of the audit log relative to the workspace, for display. */
  auditFile: string;
}

const cell = (text: string) => escapeMarkdown(text);
const short = (sha: string) => sha.slice(0, 12);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The job summary of `command: sync`: per target what happened, killed agents kept revoked, the audit entry. */
export function formatSyncSummary(result: RecordedSync, context: SyncSummaryContext): string {
  const { outcome } = result;
  const lines = ['## leash sync', ''];
  const by = context.pullRequest
    ? `pull request ${link(`#${context.pullRequest.number}`, context.pullRequest.url)}, approved by ${
        context.pullRequest.approvers.length > 0
          ? context.pullRequest.approvers.map(cell).join(', ')
          : 'no one'
      }`
    : context.pullRequestError
      ? `pull request unknown (${cell(context.pullRequestError)})`
      : 'pushed directly (no pull request)';
  lines.push(`${context.commit ? `Commit \`${short(context.commit)}\`, ` : ''}${by}.`, '');
  lines.push('| target | type | result | changes |', '| --- | --- | --- | --- |');
  for (const t of outcome.targets) {
    lines.push(`| ${cell(t.name)} | ${t.type} | ${RESULT[t.status]} | ${changes(t)} |`);
  }
  lines.push('');
  if (outcome.held.length > 0) {
    lines.push(
      '**Held back**: left as they are in every target until their files are fixed.',
      '',
      ...outcome.held.map((h) => `- ${cell(h.agent)}: ${cell(h.reason)}`),
      '',
    );
  }
  if (outcome.killed && outcome.killed.length > 0) {
    lines.push(
      '**Killed agents kept revoked** in every target until the repository says revoked; after that, only a reviewed change to their status brings them back.',
      '',
      '| agent | killed by | at | reason | kill |',
      '| --- | --- | --- | --- | --- |',
      ...outcome.killed.map(
        (k) => `| ${cell(k.agent)} | ${cell(k.by)} | ${k.at} | ${cell(k.reason)} | \`${cell(k.id)}\` |`,
      ),
      '',
    );
  }
  for (const a of outcome.acknowledged ?? []) {
    lines.push(
      `Kill \`${cell(a.id)}\` acknowledged: the repository now says ${cell(a.agent)} is revoked.`,
      '',
    );
  }
  if (result.ledgerError)
    lines.push(
      `> [!WARNING]\n> The kill ledger could not be updated (its kills stay in force): ${cell(result.ledgerError)}`,
      '',
    );
  lines.push(auditLine(context.auditFile, result.audit.head, result.audit.error));
  if (context.state) lines.push(stateLine(context.state));
  return lines.join('\n') + '\n';
}

const RESULT: Record<TargetOutcome['status'], string> = {
  applied: 'applied',
  unchanged: 'in sync',
  partial: '**FAILED** (partly applied)',
  blocked: '**BLOCKED** by a guardrail',
  refused: '**REFUSED**',
  unreachable: '**UNREACHABLE**',
};

function changes(t: TargetOutcome): string {
  const applied = t.results.filter((r) => r.status === 'applied').length;
  const failed = t.results.length - applied;
  const counts =
    t.results.length === 0
      ? t.status === 'unchanged'
        ? 'nothing to do'
        : ''
      : `${applied} applied${failed > 0 ? `, ${failed} failed` : ''}`;
  const why = t.message && t.status !== 'applied' && t.status !== 'unchanged' ? cell(t.message) : '';
  return [counts, why].filter(Boolean).join(': ');
}

export interface KillSummaryContext {
  /** The pull request opened from the kill's branch. */
  pullRequest?: { number: number; url: string };
  /** Why the branch could not be pushed or the pull request opened. */
  pullRequestError?: string;
  labelError?: string;
  state?: StateNote;
  auditFile: string;
}

/** The job summary of `command: kill`: the receipts, the pull request, the ledger and the audit entry. */
export function formatKillSummary(run: KillRun, context: KillSummaryContext): string {
  const { kill } = run;
  const revoked = run.receipts.filter((r) => r.status === 'revoked').length;
  const lines = [
    `## leash kill ${cell(kill.agent)}`,
    '',
    `Killed by ${cell(kill.by)} at ${kill.at} (\`${cell(kill.id)}\`): ${cell(kill.reason)}`,
    '',
    `**${revoked} of ${plural(run.receipts.length, 'target')}** revoked and read back.`,
    '',
    ...receiptsTable(run.receipts),
    '',
  ];
  if (run.unknown) {
    lines.push(
      `> [!WARNING]\n> No target held anything for ${cell(kill.agent)} and the repository has no file for it: check the name.`,
      '',
    );
  }
  if (revoked < run.receipts.length) {
    lines.push(
      `> [!CAUTION]\n> Not every target confirmed the revocation. Run the kill again once they are reachable: it only changes what is still held.`,
      '',
    );
  }
  lines.push(
    `Sticky: every sync keeps ${cell(kill.agent)} revoked in every target until the repository says it is revoked; after that, only a reviewed change to its status brings it back.`,
    '',
  );
  const a = run.agreement;
  if (run.agreementError) {
    lines.push(
      `Repository: **not** brought to agree: ${cell(run.agreementError)}. Set \`spec.status: revoked\` in its file by hand.`,
    );
  } else if (a?.kind === 'branch') {
    lines.push(
      context.pullRequest
        ? `Repository: pull request ${link(`#${context.pullRequest.number}`, context.pullRequest.url)} sets \`status: revoked\` in \`${cell(a.file)}\` (branch \`${cell(a.branch)}\`); it only removes access.`
        : `Repository: branch \`${cell(a.branch)}\` sets \`status: revoked\` in \`${cell(a.file)}\`, but ${cell(context.pullRequestError ?? 'it was not pushed')}.`,
    );
    if (context.labelError) lines.push('', `The label could not be added: ${cell(context.labelError)}.`);
  } else if (a?.kind === 'already') {
    lines.push(`Repository: \`${cell(a.file)}\` already says \`status: revoked\`.`);
  } else if (a?.kind === 'skipped') {
    lines.push(`Repository: **not** brought to agree: ${cell(a.reason)}.`);
  } else if (a?.kind === 'edited') {
    lines.push(`Repository: \`${cell(a.file)}\` edited in the work tree (not committed).`);
  }
  lines.push('');
  if (run.ledgerError) lines.push(`> [!WARNING]\n> ${cell(run.ledgerError)}`, '');
  lines.push(auditLine(context.auditFile, run.auditHead, run.auditError));
  if (context.state) lines.push(stateLine(context.state));
  return lines.join('\n') + '\n';
}

/** The body of the pull request that brings the repository to agree with a kill. */
export function formatKillPullRequestBody(run: KillRun, options: { runUrl?: string }): string {
  const { kill } = run;
  const file = run.agreement?.kind === 'branch' ? run.agreement.file : undefined;
  const lines = [
    `<!-- leash:kill ${kill.id} -->`,
    `**${cell(kill.agent)} was killed** by ${cell(kill.by)} at ${kill.at}: leash pulled all of its access in every target.`,
    '',
    `> ${cell(kill.reason)}`,
    '',
    `This pull request sets \`status: revoked\`${file ? ` in \`${cell(file)}\`` : ''} so the repository agrees with the kill. **It only removes access**: it grants nothing, and leash judges it a removal-only change.`,
    '',
    `Until it is merged, every sync keeps ${cell(kill.agent)} revoked whatever its file says. Once it is merged, the next sync acknowledges the kill, and from then on the repository decides: bringing the agent back is a reviewed change setting its status to active.`,
    '',
    '### Receipts',
    '',
    ...receiptsTable(run.receipts),
    '',
    `Kill \`${cell(kill.id)}\`${options.runUrl ? ` · ${link('workflow run', options.runUrl)}` : ''}`,
  ];
  return lines.join('\n') + '\n';
}

function receiptsTable(receipts: readonly KillReceipt[]): string[] {
  return [
    '| target | type | result | held before | details |',
    '| --- | --- | --- | --- | --- |',
    ...receipts.map((r) => {
      const before = `${plural(r.before.identities, 'identity', 'identities')}, ${plural(r.before.grants, 'grant')}`;
      const status = r.status === 'revoked' ? 'revoked' : `**${r.status.toUpperCase()}**`;
      const details =
        r.status === 'revoked'
          ? r.before.identities + r.before.grants === 0
            ? 'held nothing here'
            : 'read back clean'
          : cell(r.message ?? '');
      return `| ${cell(r.target)} | ${r.type} | ${status} | ${before} | ${details} (${r.ms} ms) |`;
    }),
  ];
}

function auditLine(file: string, head: string | undefined, error: string | undefined): string {
  return error
    ? `Audit: **not recorded**: ${cell(error)}`
    : `Audit: entry \`${short(head ?? '')}\` appended to \`${cell(file)}\`.`;
}

function stateLine(state: StateNote): string {
  if (state.error) return `\nState branch \`${cell(state.branch)}\`: **not saved**: ${cell(state.error)}`;
  return state.commit
    ? `\nState branch \`${cell(state.branch)}\`: saved as \`${short(state.commit)}\`.`
    : `\nState branch \`${cell(state.branch)}\`: nothing changed.`;
}

function link(text: string, url: string | undefined): string {
  return url && /^https?:\/\//.test(url) ? `[${text}](${url})` : text;
}
