/**
 * Bringing the repository to agree with a kill: the agent's file gets `spec.status: revoked`.
 * In a git repository that change is a commit on a new branch (the work tree, the index and the
 * current branch are left alone), which the Action pushes and opens as a pull request; outside
 * git the file is edited in place. See ADR 0007.
 */
import { mkdtemp, readFile, readdir, lstat, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { YAMLMap } from 'yaml';
import { isMap, isScalar, parseDocument } from 'yaml';
import { runGit } from '../source/git.js';
import { KINDS } from '../model/modes.js';
import { checkAgentName } from './killed-state.js';
import type { KillRecord } from './ledger.js';
import type { KillReceipt } from './kill.js';

/** What was done to the repository. */
export type Agreement =
  | { kind: 'branch'; branch: string; commit: string; file: string }
  | { kind: 'edited'; file: string }
  | { kind: 'already'; file: string }
  | { kind: 'skipped'; reason: string };

const MAX_DEPTH = 8;

/** Finds the agent's file (agents/**\/<agent>.yaml|.yml), work-tree relative to `dir`; links are not followed. */
export async function findAgentFile(dir: string, agent: string): Promise<string | undefined> {
  checkAgentName(agent);
  const wanted = new Set([`${agent}.yaml`, `${agent}.yml`]);
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(join(dir, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${folder}/${e.name}`;
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(path, depth + 1);
      else if (e.isFile() && wanted.has(e.name)) found.push(path);
    }
  };
  await walk(KINDS.Agent, 0);
  return found.sort()[0];
}

/**
 * The file's text with `spec.status: revoked`, comments and layout kept; undefined when it
 * already says so. Throws with file, line and column when the file is not an agent named `agent`.
 */
export function revokeInText(file: string, text: string, agent: string): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    throw new Error(`${file}:${at?.line ?? 1}:${at?.col ?? 1}: ${problem.message.split('\n')[0]}`);
  }
  if (doc.get('kind') !== 'Agent' || doc.getIn(['metadata', 'name']) !== agent || !isMap(doc.get('spec'))) {
    throw new Error(`${file}: not the Agent ${agent} (kind Agent, metadata.name ${agent}, a spec mapping)`);
  }
  if (doc.getIn(['spec', 'status']) === 'revoked') return undefined;
  // A one-line change, so the pull request shows exactly the revocation: the status value is
  // replaced where it stands, or a status line is added after the tier (block style only).
  const spec = doc.get('spec', true) as YAMLMap<unknown, unknown>;
  const pair = spec.items.find((p) => isScalar(p.key) && p.key.value === 'status');
  if (pair && isScalar(pair.value) && pair.value.range) {
    const [start, end] = pair.value.range;
    return `${text.slice(0, start)}revoked${text.slice(end)}`;
  }
  const first = spec.items[0]?.key;
  if (!pair && !spec.flow && isScalar(first) && first.range) {
    const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
    const indent = text.slice(lineStart, first.range[0]);
    if (/^ +$/.test(indent)) {
      const tier = spec.items.find((p) => isScalar(p.key) && p.key.value === 'tier')?.value;
      const after = isScalar(tier) && tier.range ? text.indexOf('\n', tier.range[1]) + 1 : 0;
      const at = after > 0 ? after : lineStart;
      return `${text.slice(0, at)}${indent}status: revoked\n${text.slice(at)}`;
    }
  }
  doc.setIn(['spec', 'status'], 'revoked');
  return doc.toString();
}

/** The commit message of a kill: who, when, why and the receipts, with a trailer naming the kill. */
export function killCommitMessage(kill: KillRecord, receipts: readonly KillReceipt[]): string {
  const lines = [
    `Revoke ${kill.agent}: killed by ${kill.by}`,
    '',
    kill.reason,
    '',
    `leash kill pulled all of ${kill.agent}'s access at ${kill.at}. This change makes the`,
    'repository agree (status: revoked). Until it does, every sync keeps the agent revoked;',
    'bringing the agent back afterwards is a reviewed change setting its status to active.',
    '',
    'Receipts:',
    ...receipts.map((r) => `- ${r.target} (${r.type}): ${r.status}${r.message ? `: ${r.message}` : ''}`),
    '',
    `Leash-Kill: ${kill.id}`,
  ];
  return lines.join('\n') + '\n';
}

export interface AgreeOptions {
  /** Edit the work tree file even in a git repository, instead of committing on a branch. */
  editInPlace?: boolean;
  message: string;
  /** The branch to create (in a git repository). */
  branch: string;
}

/** Brings the repository at `dir` (the folder holding leash.yaml) to agree that `agent` is revoked. */
export async function bringRepositoryToAgree(
  dir: string,
  agent: string,
  options: AgreeOptions,
): Promise<Agreement> {
  const file = await findAgentFile(dir, agent);
  if (!file) return { kind: 'skipped', reason: `no file for agent ${agent} under ${KINDS.Agent}/` };
  const repo = options.editInPlace ? undefined : await gitRepository(dir);
  if (!repo) {
    const path = join(dir, file);
    const stat = await lstat(path);
    if (!stat.isFile()) return { kind: 'skipped', reason: `${file} is not a regular file` };
    const next = revokeInText(file, await readFile(path, 'utf8'), agent);
    if (next === undefined) return { kind: 'already', file };
    const tmp = join(dir, `${file}.${process.pid}.tmp`);
    await writeFile(tmp, next);
    await rename(tmp, path);
    return { kind: 'edited', file };
  }
  const repoPath = relative(repo.top, join(dir, file)).split('\\').join('/');
  // The committed file is edited, not the work tree's: the branch holds exactly the kill's change.
  const committed = await runGit(repo.top, ['show', `HEAD:${repoPath}`]).then(
    (b) => b.toString('utf8'),
    () => undefined,
  );
  if (committed === undefined) {
    return {
      kind: 'skipped',
      reason: `${file} is not committed at HEAD, so there is nothing to change on a branch`,
    };
  }
  const next = revokeInText(file, committed, agent);
  if (next === undefined) return { kind: 'already', file };
  const scratch = await mkdtemp(join(tmpdir(), 'leash-kill-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    const git = async (args: string[], input?: string) =>
      (await runGit(repo.top, args, input, env)).toString().trim();
    const head = await git(['rev-parse', '--verify', 'HEAD^{commit}']);
    const blob = await git(['hash-object', '-w', '--stdin'], next);
    await git(['read-tree', head]);
    await git(['update-index', '--cacheinfo', `100644,${blob},${repoPath}`]);
    const tree = await git(['write-tree']);
    const identity = await committer(repo.top);
    const commit = (
      await runGit(repo.top, ['commit-tree', tree, '-p', head, '-F', '-'], options.message, {
        ...env,
        ...identity,
      })
    )
      .toString()
      .trim();
    await git(['update-ref', `refs/heads/${options.branch}`, commit, '']);
    return { kind: 'branch', branch: options.branch, commit, file };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function gitRepository(dir: string): Promise<{ top: string } | undefined> {
  try {
    const top = (await runGit(dir, ['rev-parse', '--show-toplevel'])).toString().trim();
    await runGit(top, ['rev-parse', '--verify', 'HEAD^{commit}']);
    return { top };
  } catch {
    return undefined;
  }
}

/** The repository's own committer when configured; otherwise leash, so the commit never fails on a bare runner. */
async function committer(top: string): Promise<Record<string, string>> {
  const get = (key: string) =>
    runGit(top, ['config', '--get', key]).then(
      (b) => b.toString().trim(),
      () => '',
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (name && email) return {};
  return {
    GIT_AUTHOR_NAME: name || 'leash',
    GIT_AUTHOR_EMAIL: email || 'leash@localhost',
    GIT_COMMITTER_NAME: name || 'leash',
    GIT_COMMITTER_EMAIL: email || 'leash@localhost',
  };
}
