import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { runCli } from '../../src/cli/main.js';
import { GitRepo } from '../helpers/git-repo.js';
import { runLeash } from '../helpers/cli.js';

const NOW = '2026-11-22T10:00:00Z';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the example repository, without the local store a quick start may have left. */
function copyExample(into?: string): string {
  const dir = into ?? mkdtempSync(join(tmpdir(), 'leash-audit-cli-'));
  if (!into) dirs.push(dir);
  cpSync('policies', dir, { recursive: true, filter: (src) => !src.split('/').includes('.leash') });
  return dir;
}

function setAuditPath(dir: string, path: string) {
  const file = join(dir, 'leash.yaml');
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/^spec:\n/m, `spec:\n  audit:\n    path: ${path}\n`);
  expect(next).not.toBe(text);
  writeFileSync(file, next);
}

function entriesOf(path: string): AuditEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

/** The CLI with an environment of our choosing. */
async function runWithEnv(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: process.cwd(),
    env,
    isTty: false,
  });
  return { code, stdout, stderr };
}

describe('leash sync writes the audit log', () => {
  it('appends one chained entry per run, which leash audit verify accepts', async () => {
    const dir = copyExample();
    const log = join(dir, '.leash/audit.jsonl');
    const first = await runLeash(['sync', dir, '--now', NOW]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const [entry] = entriesOf(log);
    expect(entry).toMatchObject({
      formatVersion: 1,
      seq: 1,
      kind: 'sync',
      actor: userInfo().username,
      exitCode: 0,
      targets: [{ target: 'local', type: 'local', result: 'applied' }],
    });
    // a temporary folder is no git repository: no commit, and the sync did not fail for it
    expect(entry!.commit).toBeUndefined();
    expect(entry!.pullRequest).toBeUndefined();
    const applied = Number(/applied (\d+) changes/.exec(first.stdout)![1]);
    expect(entry!.targets[0]!.changes).toHaveLength(applied);
    expect(entry!.targets[0]!.changes.every((c) => c.ok)).toBe(true);
    expect(entry!.targets[0]!.changes.some((c) => c.op === 'create' && c.agent === 'kb-curator')).toBe(true);

    const second = await runLeash(['sync', dir, '--now', NOW]);
    expect(second.stdout).toBe('local (local): already in sync, nothing to do\n');
    const entries = entriesOf(log);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      seq: 2,
      prev: entries[0]!.hash,
      targets: [{ target: 'local', result: 'unchanged', changes: [] }],
    });

    const verify = await runLeash(['audit', 'verify', '-C', dir]);
    expect(verify).toEqual({
      code: 0,
      stdout: `audit log ${log}: 2 entries, intact, head ${entries[1]!.hash}\n`,
      stderr: '',
    });
    const json = await runLeash([
      'audit',
      'verify',
      '-C',
      dir,
      '--format',
      'json',
      '--expect-head',
      entries[0]!.hash,
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      formatVersion: 1,
      path: log,
      ok: true,
      entries: 2,
      head: entries[1]!.hash,
      problems: [],
    });
  });

  it('records who ran it, the commit and the pull request with its approvers', async () => {
    const repo = new GitRepo();
    dirs.push(repo.dir);
    copyExample(repo.dir);
    const commit = repo.commit('policies');
    const r = await runWithEnv(
      ['sync', repo.dir, '--now', NOW, '--pr', '42', '--approvers', 'bob, carol,bob'],
      { GITHUB_ACTOR: 'octocat', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'nw/policies' },
    );
    expect(r.code).toBe(0);
    const withActor = await runWithEnv(['sync', repo.dir, '--now', NOW, '--actor', 'release-bot'], {
      GITHUB_ACTOR: 'octocat',
    });
    expect(withActor.code).toBe(0);
    const entries = entriesOf(join(repo.dir, '.leash/audit.jsonl'));
    expect(entries[0]).toMatchObject({
      actor: 'octocat',
      commit,
      pullRequest: { number: 42, url: 'https://github.com/nw/policies/pull/42', approvers: ['bob', 'carol'] },
    });
    expect(entries[1]).toMatchObject({ actor: 'release-bot', commit });
    expect(entries[1]!.pullRequest).toBeUndefined();
  });

  it('refuses a bad --pr or --approvers before changing anything', async () => {
    const dir = copyExample();
    const noPr = await runLeash(['sync', dir, '--now', NOW, '--approvers', 'bob']);
    expect(noPr).toMatchObject({
      code: 2,
      stderr: 'leash: --approvers needs --pr: the pull request they approved\n',
    });
    const badPr = await runLeash(['sync', dir, '--now', NOW, '--pr', '12abc']);
    expect(badPr.code).toBe(2);
    expect(badPr.stderr).toMatch(/--pr must be a pull request number/);
    expect(existsSync(join(dir, '.leash'))).toBe(false);
  });

  it('records leash apply as apply, with or without a saved plan; leash plan writes nothing', async () => {
    const dir = copyExample();
    const planFile = join(dir, 'plan.json');
    expect((await runLeash(['plan', dir, '--now', NOW, '--out', planFile])).code).toBe(0);
    expect(existsSync(join(dir, '.leash/audit.jsonl'))).toBe(false);
    expect((await runLeash(['apply', planFile, '--dir', dir, '--actor', 'alice'])).code).toBe(0);
    const stale = await runLeash(['apply', planFile, '--dir', dir]);
    expect(stale.code).toBe(2);
    expect((await runLeash(['apply', '--dir', dir, '--now', NOW])).code).toBe(0);
    const entries = entriesOf(join(dir, '.leash/audit.jsonl'));
    expect(entries.map((e) => [e.kind, e.targets[0]!.result, e.exitCode])).toEqual([
      ['apply', 'applied', 0],
      ['apply', 'skipped', 2],
      ['apply', 'unchanged', 0],
    ]);
    expect(entries[0]!.actor).toBe('alice');
    expect(entries[1]!.targets[0]!.error).toMatch(/the state of local has changed since the plan was made/);
    expect((await runLeash(['audit', 'verify', '-C', dir])).code).toBe(0);
  });

  it('keeps the log where spec.audit.path says', async () => {
    const dir = copyExample();
    setAuditPath(dir, 'records/audit.jsonl');
    expect((await runLeash(['sync', dir, '--now', NOW])).code).toBe(0);
    expect(entriesOf(join(dir, 'records/audit.jsonl'))).toHaveLength(1);
    expect(existsSync(join(dir, '.leash/audit.jsonl'))).toBe(false);
    expect((await runLeash(['audit', 'verify', '-C', dir])).stdout).toMatch(
      /records\/audit\.jsonl: 1 entry, intact/,
    );
  });

  it('rejects an audit path that escapes the repository, before applying anything', async () => {
    const dir = copyExample();
    setAuditPath(dir, '../outside.jsonl');
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^leash: leash\.yaml:\d+:\d+: 'spec\/audit\/path' is not in the expected form/);
    expect(existsSync(join(dir, '.leash/state'))).toBe(false);
    expect(existsSync(join(dir, '../outside.jsonl'))).toBe(false);
  });

  it('rejects an audit path that leads outside through a symbolic link, before applying anything', async () => {
    const dir = copyExample();
    const outside = mkdtempSync(join(tmpdir(), 'leash-audit-outside-'));
    dirs.push(outside);
    symlinkSync(outside, join(dir, 'records'));
    setAuditPath(dir, 'records/audit.jsonl');
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^leash: .*audit log path "records\/audit\.jsonl" leads outside .* through a symbolic link/,
    );
    expect(existsSync(join(dir, '.leash/state'))).toBe(false);
    expect(existsSync(join(outside, 'audit.jsonl'))).toBe(false);
    const verify = await runLeash(['audit', 'verify', '-C', dir]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/through a symbolic link/);
  });

  it('a log that cannot be written fails the run, after the applied changes are printed', async () => {
    const dir = copyExample();
    mkdirSync(join(dir, '.leash'));
    writeFileSync(join(dir, '.leash/audit.jsonl'), 'someone was here\n');
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^local \(local\): applied \d+ changes$/m);
    expect(r.stderr).toMatch(
      /^leash: the run above was carried out as reported, but its audit entry could not be written: the audit log .* does not end with a valid entry \(not JSON: not an audit entry\); nothing was appended\. Run leash audit verify/,
    );
    // the changes stay applied
    expect((await runLeash(['drift', dir, '--now', NOW])).code).toBe(0);
    expect(readFileSync(join(dir, '.leash/audit.jsonl'), 'utf8')).toBe('someone was here\n');
  });
});

describe('leash audit verify', () => {
  async function syncedTwice() {
    const dir = copyExample();
    await runLeash(['sync', dir, '--now', NOW]);
    await runLeash(['sync', dir, '--now', NOW]);
    await runLeash(['sync', dir, '--now', NOW]);
    const log = join(dir, '.leash/audit.jsonl');
    return { dir, log, lines: readFileSync(log, 'utf8').split('\n').slice(0, -1) };
  }

  it('names each problem with its line, and exits 1', async () => {
    const { dir, log, lines } = await syncedTwice();
    writeFileSync(
      log,
      [lines[0], lines[1]!.replace(/"actor":"[^"]*"/, '"actor":"mallory"'), lines[2], ''].join('\n'),
    );
    const r = await runLeash(['audit', 'verify', '--file', log]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `${log}:2: hash-mismatch: entry 2 was modified: its hash does not match its content\n` +
        `audit log ${log}: 3 entries, 1 problem found; the log has been tampered with or damaged\n`,
    );
    writeFileSync(log, [lines[0], lines[2], ''].join('\n'));
    const removed = await runLeash(['audit', 'verify', '-C', dir, '--format', 'json']);
    expect(removed.code).toBe(1);
    expect(
      JSON.parse(removed.stdout).problems.map((p: { line: number; kind: string }) => `${p.line}:${p.kind}`),
    ).toEqual(['2:seq-gap', '2:prev-mismatch']);
  });

  it('catches a truncated tail only with --expect-head', async () => {
    const { dir, log, lines } = await syncedTwice();
    const head = (JSON.parse(lines[2]!) as AuditEntry).hash;
    writeFileSync(log, [lines[0], lines[1], ''].join('\n'));
    expect((await runLeash(['audit', 'verify', '-C', dir])).code).toBe(0);
    const r = await runLeash(['audit', 'verify', '-C', dir, '--expect-head', head]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`^${log}: head-not-found: no entry has the expected hash ${head}`, 'm'),
    );
  });

  it('exits 2 when the log cannot be read or the arguments are wrong', async () => {
    const dir = copyExample();
    const missing = await runLeash(['audit', 'verify', '-C', dir]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: `leash: there is no audit log at ${join(dir, '.leash/audit.jsonl')}\n`,
    });
    const badHead = await runLeash(['audit', 'verify', '-C', dir, '--expect-head', 'abc']);
    expect(badHead).toMatchObject({
      code: 2,
      stderr: 'leash: --expect-head must be an entry hash: 64 lowercase hex digits\n',
    });
    writeFileSync(join(dir, 'leash.yaml'), 'apiVersion: leash/v1\nkind: Config\nmetadata: [\n');
    const broken = await runLeash(['audit', 'verify', '-C', dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^leash: leash\.yaml:\d+:\d+: /);
    expect((await runLeash(['audit', 'verify', '--format', 'xml'])).code).toBe(2);
  });
});
