/**
 * The state branch against real git: a bare repository stands in for GitHub's copy, and each
 * clone of it for a fresh runner.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitAuthEnv, isBranchName } from '../../src/action/git-remote.js';
import { StateBranchError, restoreStateBranch } from '../../src/action/state-branch.js';

let root: string;
let origin: string;
let clones = 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'leash-state-branch-'));
  origin = join(root, 'origin.git');
  git(root, '-c', 'init.defaultBranch=main', 'init', '-q', '--bare', origin);
  const seed = join(root, 'seed');
  git(root, '-c', 'init.defaultBranch=main', 'init', '-q', seed);
  mkdirSync(join(seed, 'policies'));
  writeFileSync(join(seed, 'policies/leash.yaml'), 'kind: Config\n');
  writeFileSync(join(seed, '.gitignore'), '.leash/\n');
  git(seed, 'add', '-A');
  git(seed, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', origin, 'main');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh runner: a new clone of origin, and the state files' paths in it. */
function runner(options: { shallow?: boolean } = {}) {
  const dir = join(root, `runner-${++clones}`);
  const source = options.shallow ? `file://${origin}` : origin;
  git(root, 'clone', '-q', ...(options.shallow ? ['--depth=1'] : []), source, dir);
  const policy = join(dir, 'policies');
  const files = [join(policy, '.leash/kills.json'), join(policy, '.leash/audit.jsonl')];
  return { dir, policy, files, kills: files[0]!, audit: files[1]! };
}

function write(file: string, text: string) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

const tipOf = (branch: string) => git(origin, 'rev-parse', `refs/heads/${branch}`);
const show = (spec: string) => git(origin, 'show', spec);

describe('the state branch', () => {
  it('is created as an orphan the first time, restored by the next runner and moved on from its tip', async () => {
    const a = runner();
    const first = await restoreStateBranch({ dir: a.policy, branch: 'leash-state', files: a.files });
    expect(first.tip).toBeUndefined();
    expect(first.restored).toEqual([]);
    write(a.kills, '{"formatVersion":1,"kills":[]}\n');
    write(a.audit, '{"seq":1}\n');
    const head = git(a.dir, 'rev-parse', 'HEAD');
    const commit = await first.save('leash sync abc');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(tipOf('leash-state')).toBe(commit);
    // An orphan holding exactly the two files at their repository paths, by the Actions bot.
    expect(git(origin, 'rev-list', '--parents', '-n', '1', commit!)).toBe(commit);
    expect(git(origin, 'ls-tree', '-r', '--name-only', commit!).split('\n')).toEqual([
      'policies/.leash/audit.jsonl',
      'policies/.leash/kills.json',
    ]);
    expect(git(origin, 'log', '-1', '--format=%an <%ae>|%B', commit!)).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|leash sync abc',
    );
    // The checkout is left alone: same HEAD, same branch, a clean index.
    expect(git(a.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(a.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(a.dir, 'status', '--porcelain')).toBe('');

    const b = runner();
    expect(existsSync(b.kills)).toBe(false);
    const second = await restoreStateBranch({ dir: b.policy, branch: 'leash-state', files: b.files });
    expect(second.tip).toBe(commit);
    expect(second.restored).toEqual(['policies/.leash/kills.json', 'policies/.leash/audit.jsonl']);
    expect(readFileSync(b.kills, 'utf8')).toBe('{"formatVersion":1,"kills":[]}\n');
    expect(readFileSync(b.audit, 'utf8')).toBe('{"seq":1}\n');

    // Nothing changed: nothing is committed.
    expect(await second.save('leash sync def')).toBeUndefined();
    expect(tipOf('leash-state')).toBe(commit);

    writeFileSync(b.audit, '{"seq":1}\n{"seq":2}\n');
    const next = await second.save('leash kill x');
    expect(git(origin, 'rev-parse', `${next}^`)).toBe(commit);
    expect(show(`${next}:policies/.leash/audit.jsonl`)).toBe('{"seq":1}\n{"seq":2}');
    expect(show(`${next}:policies/.leash/kills.json`)).toBe('{"formatVersion":1,"kills":[]}');
  });

  it('a run that saves after another run pushed is rejected, asking for a concurrency group', async () => {
    const branch = 'state-race';
    const seed = runner();
    write(seed.audit, 'one\n');
    const base = await (
      await restoreStateBranch({ dir: seed.policy, branch, files: seed.files })
    ).save('one');
    const a = runner();
    const b = runner();
    const stateA = await restoreStateBranch({ dir: a.policy, branch, files: a.files });
    const stateB = await restoreStateBranch({ dir: b.policy, branch, files: b.files });
    expect(stateA.tip).toBe(base);
    writeFileSync(b.audit, 'one\nfrom b\n');
    const fromB = await stateB.save('b');
    writeFileSync(a.audit, 'one\nfrom a\n');
    const error = await stateA.save('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateBranchError);
    expect((error as Error).message).toMatch(/moved on while this run worked/);
    expect((error as Error).message).toMatch(/concurrency: leash-state/);
    // B's state stands; nothing of A's overwrote it.
    expect(tipOf(branch)).toBe(fromB);
    expect(show(`${branch}:policies/.leash/audit.jsonl`)).toBe('one\nfrom b');
  });

  it('two first runs racing to create the branch: the second is rejected too', async () => {
    const a = runner();
    const b = runner();
    const stateA = await restoreStateBranch({ dir: a.policy, branch: 'state-new', files: a.files });
    const stateB = await restoreStateBranch({ dir: b.policy, branch: 'state-new', files: b.files });
    write(a.kills, 'a\n');
    write(b.kills, 'b\n');
    await stateA.save('a');
    await expect(stateB.save('b')).rejects.toThrow(/concurrency:/);
    expect(show('state-new:policies/.leash/kills.json')).toBe('a');
  });

  it('keeps files of the branch it does not manage, and restores only the two it is given', async () => {
    const seed = runner();
    const other = join(seed.policy, '.leash/state/agents/x.json');
    write(seed.kills, 'k\n');
    write(other, 'local store\n');
    const state = await restoreStateBranch({
      dir: seed.policy,
      branch: 'state-two',
      files: [...seed.files, other],
    });
    await state.save('three files');
    const fresh = runner();
    const restored = await restoreStateBranch({ dir: fresh.policy, branch: 'state-two', files: fresh.files });
    expect(restored.restored).toEqual(['policies/.leash/kills.json']);
    expect(existsSync(join(fresh.policy, '.leash/state/agents/x.json'))).toBe(false);
    write(fresh.audit, 'a\n');
    const commit = await restored.save('two files');
    expect(git(origin, 'ls-tree', '-r', '--name-only', commit!).split('\n')).toEqual([
      'policies/.leash/audit.jsonl',
      'policies/.leash/kills.json',
      'policies/.leash/state/agents/x.json',
    ]);
  });

  it('works in a shallow checkout, as actions/checkout makes one', async () => {
    const seed = runner();
    write(seed.kills, 'deep history\n');
    const first = await (
      await restoreStateBranch({ dir: seed.policy, branch: 'state-shallow', files: seed.files })
    ).save('1');
    const again = await restoreStateBranch({ dir: seed.policy, branch: 'state-shallow', files: seed.files });
    write(seed.kills, 'deep history 2\n');
    const second = await again.save('2');
    expect(git(origin, 'rev-parse', `${second}^`)).toBe(first);
    const shallow = runner({ shallow: true });
    expect(git(shallow.dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const state = await restoreStateBranch({
      dir: shallow.policy,
      branch: 'state-shallow',
      files: shallow.files,
    });
    expect(state.tip).toBe(second);
    expect(readFileSync(shallow.kills, 'utf8')).toBe('deep history 2\n');
    writeFileSync(shallow.kills, 'deep history 3\n');
    const third = await state.save('3');
    expect(git(origin, 'rev-parse', `${third}^`)).toBe(second);
    expect(git(origin, 'rev-list', '--count', third!)).toBe('3');
  });

  it('a remote it cannot ask is an error, never an empty state', async () => {
    const r = runner();
    write(r.kills, 'local kills\n');
    git(r.dir, 'remote', 'set-url', 'origin', join(root, 'gone.git'));
    const error = await restoreStateBranch({ dir: r.policy, branch: 'leash-state', files: r.files }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StateBranchError);
    expect((error as Error).message).toMatch(/cannot read the state branch leash-state from origin/);
    expect(readFileSync(r.kills, 'utf8')).toBe('local kills\n');
  });

  it('refuses a bad branch name, and a file outside the repository', async () => {
    const r = runner();
    await expect(restoreStateBranch({ dir: r.policy, branch: '-x', files: r.files })).rejects.toThrow(
      /not a branch name/,
    );
    await expect(
      restoreStateBranch({ dir: r.policy, branch: 'leash-state', files: [join(root, 'outside.json')] }),
    ).rejects.toThrow(/not inside the repository/);
  });
});

describe('branch names and credentials', () => {
  it('accepts branch names git accepts and refuses the others', () => {
    for (const ok of ['leash-state', 'leash/state', 'state_2', 'a.b'])
      expect(isBranchName(ok), ok).toBe(true);
    for (const bad of ['', '-x', 'a..b', 'a/', '/a', 'a.lock', '.a', 'a b', 'a~1', 'a:b', '@', 'a//b', 'a.'])
      expect(isBranchName(bad), bad).toBe(false);
  });

  it('sends the token to the GitHub server only, replacing what checkout persisted', () => {
    const env = gitAuthEnv('https://github.com/acme/policy', 'https://github.com', 'ghs_abc');
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    });
    expect(gitAuthEnv('/tmp/origin.git', 'https://github.com', 'ghs_abc')).toEqual({});
    expect(gitAuthEnv('https://github.com.evil.example/x', 'https://github.com', 'ghs_abc')).toEqual({});
  });

  it('git itself sends only the replacement header', async () => {
    // A real git talks to a local HTTP server: the header checkout persisted is gone, ours is sent.
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(...req.rawHeaders.filter((_h, i, all) => /^authorization$/i.test(all[i - 1] ?? '')));
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const r = runner();
      git(r.dir, 'config', `http.${url}/.extraheader`, 'AUTHORIZATION: basic persisted');
      const env = gitAuthEnv(`${url}/acme/policy`, url, 'new-token');
      const { runGit } = await import('../../src/source/git.js');
      await runGit(r.dir, ['ls-remote', `${url}/acme/policy`], undefined, env).catch(() => undefined);
    } finally {
      server.close();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(
      new Set([`basic ${Buffer.from('x-access-token:new-token').toString('base64')}`]),
    );
  });
});
