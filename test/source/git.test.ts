import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { GitError, readPolicyRevision } from '../../src/source/git.js';
import { LIMITS } from '../../src/source/limits.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { BASE_FILES, TEST_NOW } from '../helpers/policy-repo.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Runs git in a folder with an argument vector; returns trimmed stdout. */
function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function initRepo(): string {
  const repo = tempDir('leash-git-');
  git(repo, ['-c', 'init.defaultBranch=main', 'init', '-q']);
  git(repo, ['config', 'user.name', 'Leash Test']);
  git(repo, ['config', 'user.email', 'leash@example.com']);
  git(repo, ['config', 'commit.gpgsign', 'false']);
  return repo;
}

function commitAll(repo: string, message: string): string {
  git(repo, ['add', '--all']);
  git(repo, ['commit', '-q', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']);
}

function textsOf(files: { path: string; text: string }[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.path, f.text]));
}

function at(d: Diagnostic) {
  return { ruleId: d.ruleId, file: d.file, line: d.range?.start.line, column: d.range?.start.column };
}

const CHANGED_BOT = BASE_FILES['agents/bot.yaml']!.replace('owner: cx-team', 'owner: ops-team');

describe('readPolicyRevision', () => {
  let repo: string;
  let first: string;
  let second: string;

  beforeAll(() => {
    repo = initRepo();
    writeFiles(repo, { ...BASE_FILES, 'README.md': '# not policy\n', 'agents/notes.txt': 'not yaml\n' });
    first = commitAll(repo, 'base');
    writeFiles(repo, { 'agents/bot.yaml': CHANGED_BOT });
    second = commitAll(repo, 'change the owner');
  });

  it('returns the policy files of each revision, with their blob ids', async () => {
    const old = await readPolicyRevision(repo, first);
    expect(old.diagnostics).toEqual([]);
    expect(textsOf(old.files)).toEqual(BASE_FILES);
    for (const f of old.files) expect(f.blob).toBe(git(repo, ['rev-parse', `${first}:${f.path}`]));

    const head = await readPolicyRevision(repo, 'HEAD');
    expect(textsOf(head.files)).toEqual({ ...BASE_FILES, 'agents/bot.yaml': CHANGED_BOT });
    expect(await readPolicyRevision(repo, 'main~1')).toEqual(old);
    expect(await readPolicyRevision(repo, second)).toEqual(head);
  });

  it('returns the files sorted by path', async () => {
    const { files } = await readPolicyRevision(repo, 'HEAD');
    const paths = files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
  });

  it('validates a revision like the same files on disk', async () => {
    const read = await readPolicyRevision(repo, first);
    expect(validatePolicyFiles(read, { now: TEST_NOW }).diagnostics).toEqual([]);
  });

  it('reads the commit, not the work tree or the index, and leaves both alone', async () => {
    const scratch = initRepo();
    writeFiles(scratch, BASE_FILES);
    const base = commitAll(scratch, 'base');
    // Edit the work tree, stage one edit, add an untracked file.
    writeFiles(scratch, {
      'agents/bot.yaml': 'edited: in the work tree\n',
      'systems/crm.yaml': 'staged: edit\n',
      'agents/untracked.yaml': 'untracked: true\n',
    });
    git(scratch, ['add', 'systems/crm.yaml']);
    const statusBefore = git(scratch, ['status', '--porcelain']);
    const indexBefore = readFileSync(join(scratch, '.git/index'));

    const read = await readPolicyRevision(scratch, 'HEAD');
    expect(textsOf(read.files)).toEqual(BASE_FILES);
    expect(await readPolicyRevision(scratch, base)).toEqual(read);

    expect(git(scratch, ['status', '--porcelain'])).toBe(statusBefore);
    expect(readFileSync(join(scratch, '.git/index'))).toEqual(indexBefore);
    expect(readFileSync(join(scratch, 'agents/bot.yaml'), 'utf8')).toBe('edited: in the work tree\n');
    expect(readFileSync(join(scratch, 'agents/untracked.yaml'), 'utf8')).toBe('untracked: true\n');
  });

  it('reports a committed symlink and a submodule entry without following them', async () => {
    const scratch = initRepo();
    writeFiles(scratch, BASE_FILES);
    const base = commitAll(scratch, 'base');
    // Entries written straight into the index: no symlink or submodule is needed on disk.
    const target = git(scratch, ['hash-object', '-w', '--stdin'], '../leash.yaml');
    git(scratch, ['update-index', '--add', '--cacheinfo', `120000,${target},agents/link.yaml`]);
    git(scratch, ['update-index', '--add', '--cacheinfo', `160000,${base},agents/sub`]);
    // A whole policy folder replaced by a link.
    git(scratch, ['rm', '-r', '-q', '--cached', 'templates']);
    git(scratch, ['update-index', '--add', '--cacheinfo', `120000,${target},templates`]);
    git(scratch, ['commit', '-q', '-m', 'links']);
    expect(git(scratch, ['ls-tree', '-r', 'HEAD', '--', 'agents/link.yaml', 'agents/sub'])).toMatch(
      /^120000 blob \w+\tagents\/link\.yaml\n160000 commit \w+\tagents\/sub$/,
    );

    const read = await readPolicyRevision(scratch, 'HEAD');
    expect(read.diagnostics.map(at)).toEqual([
      { ruleId: 'symlink', file: 'agents/link.yaml', line: 1, column: 1 },
      { ruleId: 'submodule', file: 'agents/sub', line: 1, column: 1 },
      { ruleId: 'symlink', file: 'templates', line: 1, column: 1 },
    ]);
    expect(read.files.map((f) => f.path)).toEqual([
      'agents/bot.yaml',
      'leash.yaml',
      'systems/crm.yaml',
      'tiers/standard.yaml',
    ]);
  });

  it('reports a .gitmodules file, an oversized blob and a binary blob', async () => {
    const scratch = initRepo();
    writeFiles(scratch, {
      ...BASE_FILES,
      '.gitmodules': '[submodule "agents/vendor"]\n\tpath = agents/vendor\n\turl = ../vendor\n',
      'agents/huge.yaml': '#'.repeat(LIMITS.maxFileBytes + 1),
      'agents/binary.yaml': Buffer.from([0x61, 0x3a, 0x20, 0x00, 0x0a]),
    });
    commitAll(scratch, 'hostile');
    const read = await readPolicyRevision(scratch, 'HEAD');
    expect(read.diagnostics.map(at)).toEqual([
      { ruleId: 'submodule', file: '.gitmodules', line: 1, column: 1 },
      { ruleId: 'file-too-large', file: 'agents/huge.yaml', line: 1, column: 1 },
      { ruleId: 'invalid-encoding', file: 'agents/binary.yaml', line: 1, column: 4 },
    ]);
    expect(read.files.map((f) => f.path).sort()).toEqual(Object.keys(BASE_FILES).sort());
  });

  describe('refuses revisions that are not plain revision names', () => {
    it.each([
      '--output=/tmp/leash-pwned',
      '-n',
      'HEAD;rm -rf /',
      'HEAD;rm',
      '$(id)',
      'HEAD main',
      'HEAD..main',
      '',
    ])('%j', async (revision) => {
      await expect(readPolicyRevision(repo, revision)).rejects.toThrow(GitError);
    });

    it('without running anything it names', async () => {
      const out = join(tempDir('leash-out-'), 'x');
      await expect(readPolicyRevision(repo, `--output=${out}`)).rejects.toThrow(GitError);
      expect(existsSync(out)).toBe(false);
    });
  });

  it('throws GitError for a missing revision, a tree, and a folder that is no repository', async () => {
    await expect(readPolicyRevision(repo, 'no-such-branch')).rejects.toThrow(GitError);
    await expect(readPolicyRevision(repo, 'HEAD~5')).rejects.toThrow(/git ls-tree failed/);
    await expect(readPolicyRevision(repo, 'HEAD^{tree}')).rejects.toThrow(GitError);
    await expect(readPolicyRevision(tempDir('leash-plain-'), 'HEAD')).rejects.toThrow(GitError);
  });

  it('reads the repository it is given even when GIT_DIR points elsewhere', async () => {
    const other = initRepo();
    writeFiles(other, { 'leash.yaml': 'other: repository\n' });
    commitAll(other, 'other');
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = join(other, '.git');
    try {
      const read = await readPolicyRevision(repo, first);
      expect(textsOf(read.files)).toEqual(BASE_FILES);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it('reads objects as committed, ignoring refs/replace', async () => {
    const scratch = initRepo();
    writeFiles(scratch, BASE_FILES);
    commitAll(scratch, 'base');
    const original = git(scratch, ['rev-parse', 'HEAD:agents/bot.yaml']);
    const swapped = git(scratch, ['hash-object', '-w', '--stdin'], 'swapped: behind the reviewers back\n');
    git(scratch, ['replace', original, swapped]);
    expect(git(scratch, ['cat-file', '-p', original])).toContain('swapped');
    const read = await readPolicyRevision(scratch, 'HEAD');
    expect(textsOf(read.files)['agents/bot.yaml']).toBe(BASE_FILES['agents/bot.yaml']);
  });

  it.skipIf(process.platform === 'win32')(
    'runs one git ls-tree and one git cat-file, nothing else',
    async () => {
      const realGit = (process.env.PATH ?? '')
        .split(delimiter)
        .map((dir) => join(dir, 'git'))
        .find((path) => {
          try {
            accessSync(path, constants.X_OK);
            return true;
          } catch {
            return false;
          }
        });
      expect(realGit).toBeDefined();
      const bin = tempDir('leash-bin-');
      const log = join(bin, 'calls.log');
      writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\nexec '${realGit}' "$@"\n`);
      chmodSync(join(bin, 'git'), 0o755);
      const savedPath = process.env.PATH;
      process.env.PATH = `${bin}${delimiter}${savedPath}`;
      try {
        const read = await readPolicyRevision(repo, 'HEAD');
        expect(read.files).toHaveLength(Object.keys(BASE_FILES).length);
      } finally {
        process.env.PATH = savedPath;
      }
      // The two run at once (the listing streams into cat-file), so either may start first.
      expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(['cat-file', 'ls-tree']);
    },
  );
});
