import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { computeRequiredSignoff } from '../approvals/compute-signoff.js';
import { evaluateSignoff } from '../approvals/evaluate-signoff.js';
import { formatSignoffMarkdown } from '../approvals/format-signoff.js';
import { relativize } from '../cli/validate-command.js';
import { leashVersion } from '../cli/version.js';
import { diffRevisions, readConfigAt } from '../diff/revisions.js';
import { createGitHubClient } from '../github/client.js';
import { upsertComment } from '../github/comment.js';
import { resolveMembership } from '../github/membership.js';
import { readPullRequestFacts } from '../github/pull-request.js';
import { setCommitStatus } from '../github/status.js';
import { listRuleInfo } from '../lint/catalog.js';
import type { Severity } from '../model/diagnostic.js';
import { BLAST_FORMATTERS, BLAST_RADIUS_MARKER } from '../report/blast.js';
import { VALIDATE_FORMATTERS } from '../report/index.js';
import { readPolicyDir } from '../source/files.js';
import { validatePolicyFiles } from '../validate.js';
import { runKillAction } from './kill.js';
import type { ActionSettings } from './settings.js';
import { readSettings } from './settings.js';
import { runSync } from './sync.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** The account GITHUB_TOKEN writes as: only its own marker comment is ever edited. */
const COMMENT_AUTHOR = 'github-actions[bot]';

/**
 * The action: inputs read once, the library does the work, one try/catch fails the step.
 * `check` validates the head, writes annotations and SARIF, and posts the blast radius with
 * the sign-off state; `approvals` evaluates the sign-off and sets the commit status branch
 * protection requires (neither runs code from the pull request: it only reads its YAML);
 * `sync` applies main to the targets (src/action/sync.ts); `kill` pulls an agent's access
 * everywhere (src/action/kill.ts).
 */
export async function run(): Promise<void> {
  try {
    const settings = readSettings((name) => core.getInput(name), process.env);
    if (settings.command === 'sync') await runSync(settings);
    else if (settings.command === 'kill') await runKillAction(settings);
    else await runOnPullRequest(settings);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function runOnPullRequest(settings: ActionSettings): Promise<void> {
  const pull = context.payload.pull_request as
    { number: number; base: { sha: string }; head: { sha: string } } | undefined;
  if (!pull) {
    throw new Error(
      `leash ${settings.command} runs on pull_request and pull_request_review events, not ${context.eventName}`,
    );
  }
  const pr = { owner: context.repo.owner, repo: context.repo.repo, number: pull.number };
  const now = new Date();
  const notes: string[] = [];
  let problems = 0;
  if (settings.command === 'check') problems = validateHead(settings, now);

  const radius = await diffRevisions({
    dir: settings.path,
    base: pull.base.sha,
    head: pull.head.sha,
    now,
  }).catch((error: Error) => {
    throw new Error(
      `${error.message} (check out the repository with fetch-depth: 0 so both commits are present)`,
    );
  });
  const requirement = computeRequiredSignoff(radius, await readConfigAt(settings.path, pull.base.sha));
  const client = createGitHubClient({
    token: settings.token,
    baseUrl: settings.apiUrl,
    log: (m) => core.info(m),
  });
  const facts = await readPullRequestFacts(client, pr);
  const { membership, problems: membershipProblems } = await resolveMembership(
    client,
    requirement,
    facts.reviews,
  );
  notes.push(...membershipProblems);
  const result = evaluateSignoff(requirement, facts.reviews, {
    headSha: facts.headSha,
    author: facts.author,
    pushers: facts.pushers,
    membership,
  });
  const runUrl = context.runId
    ? `${context.serverUrl}/${pr.owner}/${pr.repo}/actions/runs/${context.runId}`
    : undefined;
  const body = BLAST_FORMATTERS.markdown(radius, {
    signoff: formatSignoffMarkdown(requirement, result),
    ...(runUrl ? { detailsUrl: runUrl } : {}),
    toolVersion: leashVersion(),
  });

  if (settings.comment) {
    await writeOrExplain(notes, 'post the pull-request comment', () =>
      upsertComment(client, pr, { marker: BLAST_RADIUS_MARKER, body, author: COMMENT_AUTHOR }),
    );
  }
  if (settings.command === 'approvals') {
    await writeOrExplain(notes, 'set the commit status', () =>
      setCommitStatus(
        client,
        { owner: pr.owner, repo: pr.repo, sha: facts.headSha },
        {
          state: result.met ? 'success' : 'failure',
          context: settings.statusContext,
          description: result.met ? 'Sign-off met' : 'Sign-off required: see the leash comment',
          ...(runUrl ? { targetUrl: runUrl } : {}),
        },
      ),
    );
  }

  const summary = notes.length
    ? `${body}\n\n> [!WARNING]\n${notes.map((n) => `> - ${n}`).join('\n')}\n`
    : body;
  await core.summary.addRaw(summary).write();
  core.setOutput('risk-score', String(radius.risk.score));
  core.setOutput('risk-level', radius.risk.level);
  core.setOutput('signoff', JSON.stringify({ requirement, result }));
  core.setOutput('signoff-met', String(result.met));
  core.setOutput('problems', String(problems));

  if (problems > 0)
    core.setFailed(`${problems} policy problems at or above ${settings.failOn}; see the annotations`);
  else if (settings.command === 'approvals' && !result.met)
    core.setFailed('the sign-off this change requires is not met yet');
}

/** Validates the head: annotations on stdout, SARIF to a file; returns the failing count. */
function validateHead(settings: ActionSettings, now: Date): number {
  const read = readPolicyDir(settings.path);
  const result = validatePolicyFiles(read, { now });
  const diagnostics = relativize(result.diagnostics, settings.path, settings.workspace);
  const report = { diagnostics, fileCount: read.files.length, documentCount: result.documents.length };
  const options = { rules: listRuleInfo(), toolVersion: leashVersion() };
  process.stdout.write(VALIDATE_FORMATTERS.github(report, options));
  if (settings.sarif) {
    writeFileSync(settings.sarif, VALIDATE_FORMATTERS.sarif(report, options));
    core.setOutput('sarif-file', relative(settings.workspace, settings.sarif));
  }
  return diagnostics.filter((d) => RANK[d.severity] <= RANK[settings.failOn]).length;
}

/**
 * Writes to GitHub, or says why it could not: a read-only token (a fork's pull request) gets a
 * 403, which is reported in the job summary instead of failing a check that otherwise ran.
 */
async function writeOrExplain(notes: string[], what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 403) throw error;
    const note = `leash could not ${what}: the token is read-only (a pull request from a fork?). The check itself ran.`;
    core.warning(note);
    notes.push(note);
  }
}
