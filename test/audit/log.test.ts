import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, hashEntry } from '../../src/audit/entry.js';
import { AuditLogError, appendAuditEntry, verifyAuditLog } from '../../src/audit/log.js';
import type { AuditEntry, AuditEntryInput, AuditProblemKind } from '../../src/audit/types.js';
import { AUDIT_LIMITS, GENESIS_HASH } from '../../src/audit/types.js';

const root = mkdtempSync(join(tmpdir(), 'leash-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `case-${++n}`, 'nested', 'audit.jsonl');

function input(i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    kind: 'sync',
    at: `2026-11-22T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    actor: `actor-${i}`,
    commit: 'c'.repeat(40),
    pullRequest: {
      number: 40 + i,
      url: `https://github.example/o/r/pull/${40 + i}`,
      approvers: ['bob', 'carol'],
    },
    targets: [
      {
        target: 'pg',
        type: 'postgres',
        result: 'failed',
        error: '1 of 2 changes did not apply',
        changes: [
          { op: 'create', type: 'grant', id: `g${i}`, agent: 'kb-curator', ok: true },
          { op: 'delete', type: 'role', id: `r${i}`, ok: false, error: 'permission denied' },
        ],
      },
    ],
    exitCode: 2,
    ...extra,
  };
}

/** A log of `count` entries; returns its path, lines and entries. */
async function makeLog(count: number) {
  const path = freshPath();
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= count; i++) entries.push(await appendAuditEntry(path, input(i)));
  return { path, entries, lines: readLines(path) };
}

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function writeLines(path: string, lines: string[]) {
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
}

/** Problems as "line:kind", for compact assertions. */
async function problemsOf(path: string, options = {}) {
  const result = await verifyAuditLog(path, options);
  return { result, found: result.problems.map((p) => `${p.line ?? '-'}:${p.kind}`) };
}

describe('appendAuditEntry', () => {
  it('starts a chain, creating the folders, and chains each entry to the one before', async () => {
    const path = freshPath();
    expect(existsSync(path)).toBe(false);
    const first = await appendAuditEntry(path, input(1));
    expect(first).toMatchObject({ formatVersion: 1, seq: 1, prev: GENESIS_HASH, actor: 'actor-1' });
    expect(first.hash).toBe(hashEntry(first));
    const second = await appendAuditEntry(
      path,
      input(2, { kind: 'kill', agent: 'kb-curator', reason: 'leaked key' }),
    );
    expect(second).toMatchObject({ seq: 2, prev: first.hash, kind: 'kill', agent: 'kb-curator' });
    // one canonical JSON line per entry
    expect(readFileSync(path, 'utf8')).toBe(`${canonicalJson(first)}\n${canonicalJson(second)}\n`);
    const verdict = await verifyAuditLog(path);
    expect(verdict).toEqual({ path, ok: true, entries: 2, head: second.hash, problems: [] });
  });

  it('leaves undefined fields out of the entry and its hash', async () => {
    const path = freshPath();
    const entry = await appendAuditEntry(path, { ...input(1), commit: undefined, reason: undefined });
    expect('commit' in entry).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toContain('commit');
    expect((await verifyAuditLog(path)).ok).toBe(true);
  });

  it('refuses an invalid entry and writes nothing', async () => {
    const path = freshPath();
    await expect(appendAuditEntry(path, { ...input(1), at: 'now' })).rejects.toThrow(
      /cannot record an invalid audit entry: at must be an ISO 8601 time/,
    );
    await expect(appendAuditEntry(path, { ...input(1), seq: 9 } as AuditEntryInput)).rejects.toThrow(
      /unknown field "seq"/,
    );
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['a junk last line', (lines: string[]) => [...lines, 'junk'].join('\n') + '\n', /not JSON/],
    ['no newline at the end', (lines: string[]) => lines.join('\n'), /no newline: a write was cut short/],
    ['an empty last line', (lines: string[]) => lines.join('\n') + '\n\n', /empty line/],
    [
      'a modified last entry',
      (lines: string[]) =>
        [...lines.slice(0, -1), lines.at(-1)!.replace('actor-2', 'actor-X')].join('\n') + '\n',
      /entry 2 was modified/,
    ],
  ])('refuses to append to a log with %s, and points to leash audit verify', async (_name, damage, why) => {
    const { path, lines } = await makeLog(2);
    writeFileSync(path, damage(lines));
    const before = readFileSync(path);
    const error = await appendAuditEntry(path, input(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditLogError);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toMatch(/nothing was appended. Run leash audit verify/);
    expect(readFileSync(path)).toEqual(before);
  });

  it('refuses, fast, a log whose last line is over the cap', async () => {
    const path = freshPath();
    await appendAuditEntry(path, input(1));
    const fd = openSync(path, 'a');
    writeSync(fd, Buffer.alloc(AUDIT_LIMITS.maxLineBytes + 10, 'a'));
    writeSync(fd, '\n');
    closeSync(fd);
    const started = Date.now();
    await expect(appendAuditEntry(path, input(2))).rejects.toThrow(/its last line is longer than 16 MiB/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('chains to the last entry of a log whose only line is the first entry (no newline before it)', async () => {
    const path = freshPath();
    const first = await appendAuditEntry(path, input(1));
    const second = await appendAuditEntry(path, input(2));
    expect(second.prev).toBe(first.hash);
  });
});

describe('the lock', () => {
  it('waits for a live holder, then gives up with a clear message', async () => {
    const path = freshPath();
    await appendAuditEntry(path, input(1));
    // held by this very process (alive): never judged stale by its pid
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ token: 't', pid: process.pid, host: hostname(), since: '2026-11-22T10:00:00Z' }),
    );
    await expect(appendAuditEntry(path, input(2), { lockTimeoutMs: 300 })).rejects.toThrow(
      new RegExp(
        `locked by another leash run \\(pid ${process.pid} on .+\\) and stayed locked for 0 s; if no other run is going on, remove .+audit\\.jsonl\\.lock`,
      ),
    );
    expect(readLines(path)).toHaveLength(1);
    rmSync(`${path}.lock`);
  });

  it('removes a lock left behind by a run that died, by age or by its pid being gone', async () => {
    const path = freshPath();
    await appendAuditEntry(path, input(1));
    writeFileSync(`${path}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await appendAuditEntry(path, input(2), { lockTimeoutMs: 2_000 });
    expect(existsSync(`${path}.lock`)).toBe(false);

    const dead = spawn(process.execPath, ['-e', '']);
    const pid = dead.pid!;
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ token: 't', pid, host: hostname(), since: new Date().toISOString() }),
    );
    await appendAuditEntry(path, input(3), { lockTimeoutMs: 2_000, lockStaleMs: 60_000 });
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect((await verifyAuditLog(path)).entries).toBe(3);
  });
});

describe('verifyAuditLog', () => {
  it('finds nothing wrong with an empty log', async () => {
    const path = freshPath();
    await appendAuditEntry(path, input(1));
    writeFileSync(path, '');
    expect(await verifyAuditLog(path)).toEqual({ path, ok: true, entries: 0, problems: [] });
  });

  it('says when there is no log at all', async () => {
    await expect(verifyAuditLog(join(root, 'nowhere.jsonl'))).rejects.toThrow(/there is no audit log at/);
    await expect(verifyAuditLog(root)).rejects.toThrow(/not a regular file|EISDIR/);
  });

  it('detects a modification of any field of an entry', async () => {
    const { path, lines, entries } = await makeLog(3);
    const target = entries[1]!;
    // every leaf of entry 2, by its path in the object
    const leaves: (string | number)[][] = [];
    const walk = (value: unknown, at: (string | number)[]) => {
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, [...at, Array.isArray(value) ? Number(k) : k]);
      } else leaves.push(at);
    };
    walk(target, []);
    expect(leaves.length).toBeGreaterThan(25);
    for (const leaf of leaves) {
      const copy = JSON.parse(lines[1]!) as Record<string, unknown>;
      let parent: Record<string | number, unknown> = copy;
      for (const key of leaf.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const key = leaf.at(-1)!;
      const old = parent[key];
      parent[key] =
        typeof old === 'number'
          ? old + 1
          : typeof old === 'boolean'
            ? !old
            : `${String(old)}`.replace(/.$/, (c) => (c === '1' ? '2' : '1'));
      writeLines(path, [lines[0]!, canonicalJson(copy), lines[2]!]);
      const { result, found } = await problemsOf(path);
      expect(result.ok, leaf.join('.')).toBe(false);
      // the entry itself no longer matches its hash (or no longer has a valid shape)
      expect(
        found.some((f) => f.startsWith('2:')),
        `${leaf.join('.')}: ${found.join(', ')}`,
      ).toBe(true);
    }
  });

  it('detects a modified entry whose hash was recomputed: the next entry no longer chains to it', async () => {
    const { path, lines } = await makeLog(3);
    const copy = JSON.parse(lines[1]!) as AuditEntry;
    copy.actor = 'mallory';
    copy.hash = hashEntry(copy);
    writeLines(path, [lines[0]!, canonicalJson(copy), lines[2]!]);
    expect((await problemsOf(path)).found).toEqual(['3:prev-mismatch']);
  });

  it('detects a removed entry in the middle', async () => {
    const { path, lines } = await makeLog(4);
    writeLines(path, [lines[0]!, lines[2]!, lines[3]!]);
    const { result, found } = await problemsOf(path);
    expect(found).toEqual(['2:seq-gap', '2:prev-mismatch']);
    expect(result.problems[0]!.message).toBe(
      'entry 3 follows entry 1 (line 1): 1 entry is missing (removed?)',
    );
  });

  it('detects a removed first entry', async () => {
    const { path, lines } = await makeLog(3);
    writeLines(path, lines.slice(1));
    expect((await problemsOf(path)).found).toEqual(['1:seq-gap', '1:prev-mismatch']);
  });

  it('detects two swapped entries', async () => {
    const { path, lines } = await makeLog(4);
    writeLines(path, [lines[0]!, lines[2]!, lines[1]!, lines[3]!]);
    const { found } = await problemsOf(path);
    expect(found).toEqual(
      expect.arrayContaining(['2:seq-gap', '2:prev-mismatch', '3:seq-order', '3:prev-mismatch']),
    );
  });

  it('detects a duplicated entry, wherever the copy is', async () => {
    const { path, lines } = await makeLog(3);
    writeLines(path, [lines[0]!, lines[1]!, lines[1]!, lines[2]!]);
    expect((await problemsOf(path)).found).toEqual(['3:duplicate-seq']);
    writeLines(path, [...lines, lines[0]!]);
    const { result, found } = await problemsOf(path);
    expect(found).toEqual(['4:duplicate-seq']);
    expect(result.problems[0]!.message).toMatch(/entry 1 appears again \(first on line 1\)/);
  });

  it('cannot see a truncated tail by itself, but does with the head recorded elsewhere', async () => {
    const { path, lines, entries } = await makeLog(4);
    const head = entries[3]!.hash;
    expect((await verifyAuditLog(path, { expectHead: head })).ok).toBe(true);
    writeLines(path, lines.slice(0, 2));
    const alone = await verifyAuditLog(path);
    expect(alone).toMatchObject({ ok: true, entries: 2, head: entries[1]!.hash });
    const { result, found } = await problemsOf(path, { expectHead: head });
    expect(found).toEqual(['-:head-not-found']);
    expect(result.problems[0]!.message).toMatch(
      /entries were removed from the end, or the log was rewritten/,
    );
    // a head recorded earlier is still found after the log has grown past it
    expect((await verifyAuditLog(path, { expectHead: entries[0]!.hash })).ok).toBe(true);
    await expect(verifyAuditLog(path, { expectHead: 'HEAD' })).rejects.toThrow(/64 lowercase hex/);
  });

  it('reports junk lines at their line and goes on checking the rest', async () => {
    const { path, lines } = await makeLog(2);
    const v2 = canonicalJson({ ...(JSON.parse(lines[1]!) as object), formatVersion: 2 });
    writeLines(path, [
      lines[0]!,
      'not json at all',
      '',
      '{"__proto__":{"x":1}}',
      '[]',
      v2,
      '{"formatVersion":1,"seq":2}',
      lines[1]!,
    ]);
    const expected: `${number}:${AuditProblemKind}`[] = [
      '2:invalid-json',
      '3:invalid-json',
      '4:invalid-entry',
      '5:invalid-entry',
      '6:unknown-format-version',
      '7:invalid-entry',
    ];
    const { result, found } = await problemsOf(path);
    // junk inserted between two entries does not break their chain
    expect(found).toEqual(expected);
    expect(result.entries).toBe(2);
    // invalid UTF-8 is junk too
    writeFileSync(path, Buffer.concat([Buffer.from(lines[0]! + '\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
    expect((await problemsOf(path)).found).toEqual(['2:invalid-json']);
  });

  it('rejects a huge line without reading it into memory, and checks the lines around it', async () => {
    const { path, lines } = await makeLog(2);
    const fd = openSync(path, 'w');
    writeSync(fd, lines[0]! + '\n');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 17; i++) writeSync(fd, block);
    writeSync(fd, '\n' + lines[1]! + '\n');
    // and a huge unterminated tail
    for (let i = 0; i < 17; i++) writeSync(fd, block);
    closeSync(fd);
    const started = Date.now();
    const { result, found } = await problemsOf(path);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(found).toEqual(['2:line-too-long', '4:line-too-long']);
    expect(result.problems[0]!.message).toBe('longer than 16 MiB: not an audit entry (not read)');
    expect(result.entries).toBe(2);
  });

  it('flags a last line without its newline', async () => {
    const { path, lines } = await makeLog(2);
    writeFileSync(path, lines.join('\n'));
    expect((await problemsOf(path)).found).toEqual(['2:unterminated-line']);
  });
});

describe('concurrent appends', () => {
  it('from several processes and within one, every entry is chained exactly once', async () => {
    const path = freshPath();
    // The library bundled for plain node, so other processes append through the same code.
    const bundle = join(root, 'audit-bundle.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('../../src/audit/log.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = join(root, 'append-many.mjs');
    writeFileSync(
      script,
      `import { appendAuditEntry } from ${JSON.stringify(bundle)};
const [path, who, count] = process.argv.slice(2);
await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
  appendAuditEntry(path, { kind: 'sync', at: new Date().toISOString(), actor: who + '-' + i, targets: [] })));
`,
    );
    const runChild = (who: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [script, path, who, '8'], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        child.on('error', reject);
        child.on('exit', resolve);
      });
    const [codes] = await Promise.all([
      Promise.all(['p1', 'p2', 'p3'].map(runChild)),
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          appendAuditEntry(path, {
            kind: 'apply',
            at: new Date().toISOString(),
            actor: `here-${i}`,
            targets: [],
          }),
        ),
      ),
    ]);
    expect(codes).toEqual([0, 0, 0]);
    const verdict = await verifyAuditLog(path);
    expect(verdict.problems).toEqual([]);
    expect(verdict.entries).toBe(36);
    const stored = readLines(path).map((l) => JSON.parse(l) as AuditEntry);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.actor)).size).toBe(36);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
