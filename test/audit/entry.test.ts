import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkEntryInput, hashEntry, parseEntryLine } from '../../src/audit/entry.js';
import { auditEntryFromSync, auditTargetFromOutcome } from '../../src/audit/from-sync.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { GENESIS_HASH } from '../../src/audit/types.js';
import type { TargetOutcome } from '../../src/sync/run.js';

function stored(overrides: Partial<AuditEntry> = {}): AuditEntry {
  const body = {
    formatVersion: 1 as const,
    seq: 1,
    prev: GENESIS_HASH,
    kind: 'sync' as const,
    at: '2026-11-22T10:00:00.000Z',
    actor: 'alice',
    targets: [{ target: 'local', type: 'local', result: 'unchanged' as const, changes: [] }],
    ...overrides,
  };
  return { ...body, hash: hashEntry(body) };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: [2, 'é\u2028\ud800'] })).toBe(
      canonicalJson({ y: [2, 'é\u2028\ud800'], x: 1 }),
    );
    // and it parses back to the same value
    const text = canonicalJson({ y: ['é\ud800'], x: 1 });
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function/);
  });
});

describe('hashEntry', () => {
  it('is the SHA-256 of the canonical JSON of the entry without its hash', () => {
    const entry = stored();
    const { hash, ...rest } = entry;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
    expect(hashEntry({ ...entry, hash: 'anything' })).toBe(hash);
    expect(hashEntry({ ...entry, actor: 'bob' })).not.toBe(hash);
  });
});

describe('parseEntryLine', () => {
  it('reads a stored entry back', () => {
    const entry = stored({
      commit: 'a'.repeat(40),
      pullRequest: { number: 7, approvers: ['bob'] },
      exitCode: 0,
    });
    expect(parseEntryLine(canonicalJson(entry))).toEqual({ entry });
  });

  it.each([
    ['junk', 'invalid-json', /not JSON/],
    ['', 'invalid-json', /empty line/],
    ['[1,2]', 'invalid-entry', /not a JSON object/],
    ['{"formatVersion":2}', 'unknown-format-version', /formatVersion 2 is not one this leash knows/],
    ['{}', 'unknown-format-version', /formatVersion missing/],
  ])('says what is wrong with %j', (line, kind, message) => {
    const parsed = parseEntryLine(line);
    expect(parsed).toMatchObject({ problem: { kind } });
    expect('problem' in parsed && parsed.problem.message).toMatch(message);
  });

  it('rejects a __proto__ key anywhere, without polluting any prototype', () => {
    const entry = stored();
    const top = canonicalJson(entry).replace('{', '{"__proto__":{"polluted":true},');
    const nested = canonicalJson(entry).replace('"changes":[]', '"changes":[],"__proto__":{"polluted":true}');
    for (const line of [top, nested]) {
      expect(parseEntryLine(line)).toEqual({
        problem: { kind: 'invalid-entry', message: 'not an audit entry: it has a "__proto__" key' },
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks every field strictly', () => {
    const good = stored();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, extra: 1 }, /unknown field "extra"/],
      [{ ...good, seq: 0 }, /seq must be an integer/],
      [{ ...good, seq: 1.5 }, /seq must be an integer/],
      [{ ...good, prev: 'abc' }, /prev must be 64 lowercase hex digits/],
      [{ ...good, hash: good.hash.toUpperCase() }, /hash must be 64 lowercase hex digits/],
      [{ ...good, kind: 'delete-everything' }, /kind must be one of sync, apply, kill, kill-lifted/],
      [{ ...good, at: 'yesterday' }, /at must be an ISO 8601 time/],
      [{ ...good, at: '2026-11-22T10:00:00' }, /at must be an ISO 8601 time/],
      [{ ...good, actor: '' }, /actor must be a non-empty string/],
      [{ ...good, commit: 'HEAD' }, /commit must be a full commit id/],
      [{ ...good, pullRequest: { number: 1 } }, /pullRequest approvers is missing/],
      [{ ...good, exitCode: 300 }, /exitCode must be an integer from 0 to 255/],
      [{ ...good, targets: {} }, /targets must be an array/],
      [{ ...good, targets: [{ ...good.targets[0], result: 'ok' }] }, /targets\[0\] result must be one of/],
      [
        { ...good, targets: [{ ...good.targets[0], changes: [{ op: 'create', type: 'role', id: 'x' }] }] },
        /targets\[0\] changes\[0\] ok is missing/,
      ],
    ];
    for (const [value, message] of cases) {
      const parsed = parseEntryLine(JSON.stringify(value));
      expect(parsed, JSON.stringify(value)).toMatchObject({ problem: { kind: 'invalid-entry' } });
      expect('problem' in parsed && parsed.problem.message).toMatch(message);
    }
  });
});

describe('checkEntryInput', () => {
  it('accepts an input and rejects stored-only fields', () => {
    const { formatVersion: _f, seq: _s, prev: _p, hash: _h, ...input } = stored();
    expect(checkEntryInput(input)).toBeUndefined();
    expect(checkEntryInput({ ...input, seq: 3 })).toMatch(/unknown field "seq"/);
    expect(checkEntryInput(null)).toBe('not an object');
  });
});

describe('auditEntryFromSync', () => {
  const change = (id: string, op: 'create' | 'delete' = 'create') => ({
    op,
    type: 'grant',
    id,
    agent: 'kb-curator',
    after: { secret: 'not recorded' },
  });
  const outcomes: TargetOutcome[] = [
    {
      name: 'a',
      type: 'local',
      status: 'applied',
      results: [{ change: change('g1'), status: 'applied', attempts: 1 }],
    },
    {
      name: 'b',
      type: 'postgres',
      status: 'partial',
      message: '1 of 2 changes did not apply',
      results: [
        { change: change('g2', 'delete'), status: 'applied', attempts: 2 },
        { change: change('g3'), status: 'failed', attempts: 1, error: 'permission denied' },
      ],
    },
    { name: 'c', type: 'ldap', status: 'blocked', message: 'guardrail: 40% removals', results: [] },
    { name: 'd', type: 'scim', status: 'refused', message: 'state changed', results: [] },
    { name: 'e', type: 'scim', status: 'unreachable', message: 'ECONNREFUSED', results: [] },
    { name: 'f', type: 'local', status: 'unchanged', results: [] },
  ];

  it('records each target, each change and whether it went through', () => {
    const input = auditEntryFromSync(
      {
        kind: 'sync',
        at: '2026-11-22T10:00:00.000Z',
        actor: 'alice',
        commit: 'b'.repeat(40),
        pullRequest: { number: 12, approvers: ['bob', 'carol'] },
        exitCode: 2,
      },
      { targets: outcomes, held: [] },
    );
    expect(input).toEqual({
      kind: 'sync',
      at: '2026-11-22T10:00:00.000Z',
      actor: 'alice',
      commit: 'b'.repeat(40),
      pullRequest: { number: 12, approvers: ['bob', 'carol'] },
      exitCode: 2,
      targets: [
        {
          target: 'a',
          type: 'local',
          result: 'applied',
          changes: [{ op: 'create', type: 'grant', id: 'g1', agent: 'kb-curator', ok: true }],
        },
        {
          target: 'b',
          type: 'postgres',
          result: 'failed',
          error: '1 of 2 changes did not apply',
          changes: [
            { op: 'delete', type: 'grant', id: 'g2', agent: 'kb-curator', ok: true },
            {
              op: 'create',
              type: 'grant',
              id: 'g3',
              agent: 'kb-curator',
              ok: false,
              error: 'permission denied',
            },
          ],
        },
        { target: 'c', type: 'ldap', result: 'skipped', error: 'guardrail: 40% removals', changes: [] },
        { target: 'd', type: 'scim', result: 'skipped', error: 'state changed', changes: [] },
        { target: 'e', type: 'scim', result: 'unreachable', error: 'ECONNREFUSED', changes: [] },
        { target: 'f', type: 'local', result: 'unchanged', changes: [] },
      ],
    });
    expect(checkEntryInput(input)).toBeUndefined();
  });

  it('leaves out what the run did not have', () => {
    const input = auditEntryFromSync(
      { kind: 'apply', at: '2026-11-22T10:00:00Z', actor: 'ci' },
      { targets: [], held: [] },
    );
    expect(Object.keys(input).sort()).toEqual(['actor', 'at', 'kind', 'targets']);
    expect(auditTargetFromOutcome(outcomes[0]!).error).toBeUndefined();
  });
});
