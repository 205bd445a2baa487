import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobAnswer } from '../../src/source/git.js';
import {
  BlobReader,
  GitError,
  changedPolicyPaths,
  grepPolicyFiles,
  guessRepository,
  openRepository,
  readPolicyPaths,
  readPolicyRevision,
} from '../../src/source/git.js';
import { LIMITS } from '../../src/source/limits.js';
import { BASE_FILES } from '../helpers/policy-repo.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function git(cwd: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function initRepo(files: Record<string, string | Buffer>): string {
  const repo = tempDir('leash-reads-');
  git(repo, ['-c', 'init.defaultBranch=main', 'init', '-q']);
  git(repo, ['config', 'user.name', 'Leash Test']);
  git(repo, ['config', 'user.email', 'leash@example.com']);
  git(repo, ['config', 'commit.gpgsign', 'false']);
  writeFiles(repo, files);
  git(repo, ['add', '--all']);
  git(repo, ['commit', '-q', '-m', 'files']);
  return repo;
}

// Sizes that put blob bodies and headers across the pipe's 64 KiB reads, at the size limit
// and one byte past it; text that is not ASCII; a byte order mark; a binary file.
const LINE = 'x: 1 # padding to make the file longer than one pipe read\n';
const BLOBS: Record<string, string | Buffer> = {
  'agents/empty.yaml': '',
  'agents/one.yaml': 'a',
  'agents/big-70k.yaml': LINE.repeat(Math.ceil((70 * 1024) / LINE.length)),
  'agents/big-100k.yaml': LINE.repeat(Math.ceil((100 * 1024) / LINE.length)),
  'agents/at-limit.yaml': 'y'.repeat(LIMITS.maxFileBytes),
  'agents/past-limit.yaml': 'z'.repeat(LIMITS.maxFileBytes + 1),
  'agents/unicode.yaml': 'name: café — 😀\n',
  'agents/bom.yaml': '\ufeffname: bom\n',
  'agents/binary.yaml': Buffer.from([0x61, 0x3a, 0x20, 0x00, 0x0a]),
  'agents/latin1.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
};

describe('BlobReader', () => {
  let repo: string;
  let oids: Record<string, string>;
  let sizes: Record<string, number>;
  let many: Record<string, string>;

  beforeAll(() => {
    // Many small files between the big ones, so headers also fall on read boundaries.
    many = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`agents/small-${i}.yaml`, `n: ${i}\n`.repeat(1 + (i % 37))]),
    );
    repo = initRepo({ ...many, ...BLOBS });
    const listing = git(repo, ['ls-tree', '-r', '-l', 'HEAD'])
      .split('\n')
      .map((l) => [l.slice(l.indexOf('\t') + 1), ...l.split(/\s+/)] as const);
    oids = Object.fromEntries(listing.map(([path, , , oid]) => [path, oid!]));
    sizes = Object.fromEntries(listing.map(([path, , , , size]) => [path, Number(size)]));
  });

  async function readAll(spool: boolean): Promise<Map<string, BlobAnswer>> {
    const reader = new BlobReader(repo, { spool });
    reader.start();
    const got = new Map<string, BlobAnswer>();
    for (const [path, oid] of Object.entries(oids)) {
      // A spool may only carry blobs known to fit; the stream skips the others itself.
      const size = sizes[path]!;
      if (spool && size > LIMITS.maxFileBytes) continue;
      reader.read(oid, size, (answer) => got.set(path, answer));
      // Asked twice: read once, answered twice.
      reader.read(oid, size, (answer) => expect(answer).toBe(got.get(path)));
      reader.flush();
    }
    await reader.end();
    return got;
  }

  for (const spool of [false, true]) {
    it(`returns every blob as git holds it (${spool ? 'spooled' : 'streamed'})`, async () => {
      const got = await readAll(spool);
      for (const [path, oid] of Object.entries(oids)) {
        const raw =
          path in many
            ? Buffer.from(many[path]!)
            : execFileSync('git', ['cat-file', 'blob', oid], { cwd: repo, maxBuffer: 1 << 24 });
        const answer = got.get(path);
        if (raw.length > LIMITS.maxFileBytes) {
          if (spool) expect(answer).toBeUndefined();
          else expect(answer).toEqual({ oid, size: raw.length });
          continue;
        }
        expect(answer?.oid).toBe(oid);
        expect(answer?.size).toBe(raw.length);
        if (path === 'agents/binary.yaml' || path === 'agents/latin1.yaml') {
          expect(answer?.text).toBeUndefined();
          expect(Buffer.from(answer!.bytes!)).toEqual(raw);
        } else {
          const text = raw.toString('utf8');
          expect(answer?.text).toBe(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        }
      }
      expect(got.get('agents/unicode.yaml')?.text).toBe('name: café — 😀\n');
      expect(got.get('agents/bom.yaml')?.text).toBe('name: bom\n');
    });
  }

  it('refuses to spool a blob whose size is unknown', () => {
    const reader = new BlobReader(repo, { spool: true });
    expect(() => reader.read(oids['agents/one.yaml']!, undefined, () => undefined)).toThrow(/unknown/);
  });

  it('fails when git cannot find an object, instead of answering wrongly', async () => {
    const reader = new BlobReader(repo);
    reader.read('0'.repeat(40), undefined, () => undefined);
    await expect(reader.end()).rejects.toThrow(GitError);
  });

  it('leaves no spool file behind', async () => {
    const own = tempDir('leash-tmp-');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      expect(tmpdir()).toBe(own);
      await readAll(true);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    // The file is closed off the main thread; give it a moment.
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(own)).toEqual([]);
  });

  it('reads a whole revision and named paths with the same problems and texts', async () => {
    const whole = await readPolicyRevision(repo, 'HEAD');
    expect(whole.diagnostics.map((d) => [d.ruleId, d.file])).toEqual([
      ['file-too-large', 'agents/past-limit.yaml'],
      ['invalid-encoding', 'agents/binary.yaml'],
      ['invalid-encoding', 'agents/latin1.yaml'],
    ]);
    const named = await readPolicyPaths(repo, 'HEAD', Object.keys(BLOBS));
    expect(named.diagnostics).toEqual(whole.diagnostics);
    const texts = (r: typeof whole) =>
      Object.fromEntries(r.files.filter((f) => f.path in BLOBS).map((f) => [f.path, f.text]));
    expect(texts(named)).toEqual(texts(whole));
    expect(texts(whole)['agents/at-limit.yaml']).toHaveLength(LIMITS.maxFileBytes);
  });
});

describe('changedPolicyPaths', () => {
  it('gives each side of a change its mode and blob id', async () => {
    const repo = initRepo({ ...BASE_FILES, 'agents/old.yaml': 'a: 1\n' });
    const base = git(repo, ['rev-parse', 'HEAD']);
    writeFiles(repo, { 'agents/bot.yaml': 'changed: true\n', 'agents/new.yaml': 'b: 2\n' });
    rmSync(join(repo, 'agents/old.yaml'));
    git(repo, ['add', '--all']);
    git(repo, ['commit', '-q', '-m', 'change']);
    const blob = (rev: string, path: string) => git(repo, ['rev-parse', `${rev}:${path}`]);
    expect(await changedPolicyPaths(repo, base, 'HEAD')).toEqual([
      {
        path: 'agents/bot.yaml',
        status: 'modified',
        base: { mode: '100644', oid: blob(base, 'agents/bot.yaml') },
        head: { mode: '100644', oid: blob('HEAD', 'agents/bot.yaml') },
      },
      {
        path: 'agents/new.yaml',
        status: 'added',
        head: { mode: '100644', oid: blob('HEAD', 'agents/new.yaml') },
      },
      {
        path: 'agents/old.yaml',
        status: 'deleted',
        base: { mode: '100644', oid: blob(base, 'agents/old.yaml') },
      },
    ]);
    // Against the work tree: an edit on disk and an untracked file.
    writeFiles(repo, { 'agents/new.yaml': 'b: 3\n', 'agents/untracked.yaml': 'c: 4\n' });
    const onDisk = await changedPolicyPaths(repo, 'HEAD', undefined);
    expect(onDisk.map((c) => [c.path, c.status, c.base?.oid])).toEqual([
      ['agents/new.yaml', 'modified', blob('HEAD', 'agents/new.yaml')],
      ['agents/untracked.yaml', 'added', undefined],
    ]);
  });
});

describe('grepPolicyFiles', () => {
  it('finds whole names (and may find more), and every file holding a backslash', async () => {
    const repo = initRepo({
      'agents/a.yaml': 'grants:\n  - template: support\n',
      'agents/b.yaml': 'grants:\n  - template: support2\n',
      'agents/c.yaml': 'grants:\n  - template: "supp\\x6frt"\n',
      'agents/d.yaml': 'grants: [{template: [support]}]\n',
      'agents/e.yaml': "grants:\n  - template: 'support'\n",
      'agents/f.yaml': 'grants:\n  - template: other\n',
      'templates/support.yaml': 'name: support\n',
    });
    const hits = await grepPolicyFiles(repo, 'HEAD', 'agents', ['support']);
    expect(hits).toEqual(['agents/a.yaml', 'agents/c.yaml', 'agents/d.yaml', 'agents/e.yaml']);
    expect(await grepPolicyFiles(repo, 'HEAD', 'agents', ['nothing-mentions-this'])).toEqual([
      'agents/c.yaml',
    ]);
    expect(await grepPolicyFiles(repo, 'HEAD', 'agents', [])).toEqual([]);
  });
});

describe('openRepository and guessRepository', () => {
  it('resolve the repository, the folder in it and every commit in one go', async () => {
    const repo = initRepo({ 'policies/leash.yaml': BASE_FILES['leash.yaml']! });
    const head = git(repo, ['rev-parse', 'HEAD']);
    const opened = await openRepository(join(repo, 'policies'), ['HEAD', 'main']);
    expect(opened).toEqual({
      top: git(repo, ['rev-parse', '--show-toplevel']),
      prefix: 'policies',
      commits: [head, head],
    });
    expect(guessRepository(join(repo, 'policies'))).toEqual({ top: opened.top, prefix: 'policies' });
    await expect(openRepository(repo, ['HEAD', 'no-such-branch'])).rejects.toThrow(
      "'no-such-branch' does not name a commit",
    );
    await expect(openRepository(repo, ['--output=x'])).rejects.toThrow(GitError);
    await expect(openRepository(tempDir('leash-plain-'), ['HEAD'])).rejects.toThrow(GitError);
  });

  it.skipIf(process.platform === 'win32')(
    'guess through a symbolic link as git does: by the real path',
    () => {
      const repo = initRepo({ 'policies/leash.yaml': BASE_FILES['leash.yaml']! });
      const link = join(tempDir('leash-link-'), 'p');
      symlinkSync(join(repo, 'policies'), link);
      expect(guessRepository(link)).toEqual({
        top: git(repo, ['rev-parse', '--show-toplevel']),
        prefix: 'policies',
      });
    },
  );
});
