import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/sync/apply.js';
import { canonicalJson, diffObjects, fingerprintState, planTarget, sameJson } from '../../src/sync/plan.js';
import { parseRetryAfter, withRetry } from '../../src/sync/retry.js';
import type { Change, JsonValue, ManagedObject, ObjectType, TargetConnection } from '../../src/sync/types.js';
import { RetryableError } from '../../src/sync/types.js';

const TYPES: ObjectType[] = [
  { name: 'user', class: 'identity' },
  { name: 'group', class: 'container' },
  { name: 'membership', class: 'grant' },
];
const user = (agent: string, active = true): ManagedObject => ({
  type: 'user',
  id: agent,
  agent,
  attributes: { active },
});
const group = (name: string): ManagedObject => ({ type: 'group', id: name, attributes: {} });
const member = (g: string, agent: string): ManagedObject => ({
  type: 'membership',
  id: `${g}/${agent}`,
  agent,
  parent: `group/${g}`,
  attributes: {},
});
const ops = (changes: Change[]) => changes.map((c) => `${c.op} ${c.type}/${c.id}`);

describe('diffObjects', () => {
  it('orders changes: identity updates, deletes (grants first), other updates, creates (identities first)', () => {
    const actual = [user('a'), user('b'), group('g1'), member('g1', 'a'), member('g1', 'b')];
    const desired = [user('a', false), user('c'), group('g2'), member('g2', 'c')];
    expect(ops(diffObjects(desired, actual, TYPES))).toEqual([
      'update user/a',
      'delete membership/g1/a',
      'delete membership/g1/b',
      'delete group/g1',
      'delete user/b',
      'create user/c',
      'create group/g2',
      'create membership/g2/c',
    ]);
  });

  it('leaves held agents untouched, and keeps a group a held member still points into', () => {
    const actual = [user('a'), user('b'), group('g1'), member('g1', 'a'), member('g1', 'b')];
    const changes = diffObjects([user('a')], actual, TYPES, { held: new Set(['b']) });
    expect(ops(changes)).toEqual(['delete membership/g1/a']);
  });

  it('keeps objects of agents the repository does not know while an agent file is unreadable', () => {
    const actual = [user('a'), user('ghost'), group('g1'), member('g1', 'ghost')];
    const changes = diffObjects([user('a')], actual, TYPES, { known: new Set(['a']), protectUnknown: true });
    expect(changes).toEqual([]);
    expect(ops(diffObjects([user('a')], actual, TYPES, { known: new Set(['a']) }))).toContain(
      'delete user/ghost',
    );
  });

  it('compares attributes canonically (key order does not matter) and rejects undeclared types and twins', () => {
    const a: ManagedObject = { type: 'user', id: 'a', agent: 'a', attributes: { x: 1, y: [1, 2] } };
    const b: ManagedObject = { type: 'user', id: 'a', agent: 'a', attributes: { y: [1, 2], x: 1 } };
    expect(diffObjects([a], [b], TYPES)).toEqual([]);
    expect(() => diffObjects([{ type: 'role', id: 'a', attributes: {} }], [], TYPES)).toThrow(
      /does not declare/,
    );
    expect(() => diffObjects([a, b], [], TYPES)).toThrow(/holds user\/a twice/);
  });

  it('updates an object whose attribute went from null to absent, and not one that only lost an undefined key', () => {
    const was: ManagedObject = { type: 'user', id: 'a', agent: 'a', attributes: { x: null, y: 1 } };
    const gone: ManagedObject = { type: 'user', id: 'a', agent: 'a', attributes: { y: 1 } };
    const undef = { type: 'user', id: 'a', agent: 'a', attributes: { y: 1, x: undefined } };
    expect(ops(diffObjects([gone], [was], TYPES))).toEqual(['update user/a']);
    expect(ops(diffObjects([was], [gone], TYPES))).toEqual(['update user/a']);
    expect(diffObjects([undef as unknown as ManagedObject], [gone], TYPES)).toEqual([]);
  });
});

describe('sameJson', () => {
  // Pairs on both sides of every rule canonicalJson has: key order, keys set to undefined,
  // undefined and non-finite numbers printing as null, arrays against objects, nesting.
  const values: (JsonValue | undefined)[] = [
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    0,
    -0,
    1,
    '1',
    '',
    true,
    false,
    'true',
    [],
    {},
    [null],
    [undefined as unknown as JsonValue],
    [1, 2],
    [2, 1],
    [[1], { a: 1 }],
    [[1], { a: 2 }],
    { a: 1, b: [1, { c: null }] },
    { b: [1, { c: null }], a: 1 },
    { b: [1, { c: undefined as unknown as JsonValue }], a: 1 },
    { b: [1, {}], a: 1 },
    { a: null },
    { a: undefined as unknown as JsonValue },
    { a: undefined as unknown as JsonValue, b: 1 },
    { b: 1 },
    { b: 1, c: undefined as unknown as JsonValue },
    { 0: 'x' },
    ['x'],
    { length: 0 },
    { __proto__: 1 } as unknown as JsonValue,
    JSON.parse('{"__proto__": {}}') as JsonValue,
    { toString: 'x' },
  ];

  it('agrees with comparing canonical JSON, for every pair', () => {
    for (const a of values) {
      for (const b of values) {
        expect([a, b, sameJson(a, b)]).toEqual([a, b, canonicalJson(a) === canonicalJson(b)]);
      }
    }
  });
});

describe('planTarget guardrails', () => {
  const actual = [user('a'), group('g'), ...['a', 'b', 'c', 'd', 'e'].map((x) => member('g', x))];
  const plan = (
    desired: ManagedObject[],
    maxRemovalPercent: number,
    allowEmptyTarget = false,
    override = false,
  ) =>
    planTarget({
      name: 't',
      type: 'ldap',
      objectTypes: TYPES,
      desired,
      actual,
      guardrails: { maxRemovalPercent, allowEmptyTarget },
      overrideGuardrails: override,
    });

  it('blocks a plan removing more than the share allowed, and lets it through when overridden', () => {
    const desired = [user('a'), group('g'), member('g', 'a'), member('g', 'b')];
    expect(plan(desired, 60).blocked).toBeUndefined();
    const blocked = plan(desired, 50);
    expect(blocked.blocked?.guardrail).toBe('max-removal-percent');
    expect(blocked.blocked?.message).toMatch(/remove 3 of 5 managed grants \(60%\)/);
    const overridden = plan(desired, 50, false, true);
    expect(overridden.blocked).toBeUndefined();
    expect(overridden.overridden?.guardrail).toBe('max-removal-percent');
  });

  it('never empties a target unless allowed', () => {
    expect(plan([user('a')], 100).blocked?.guardrail).toBe('empty-target');
    expect(plan([user('a')], 100, true).blocked).toBeUndefined();
  });

  it('fingerprints the state independently of order', () => {
    expect(plan([], 100, true).stateFingerprint).toBe(fingerprintState([...actual].reverse()));
    expect(fingerprintState(actual)).not.toBe(fingerprintState(actual.slice(1)));
  });

  it('fingerprints only when asked: a plan applied in its own run carries none', () => {
    const input = {
      name: 't',
      type: 'ldap' as const,
      objectTypes: TYPES,
      desired: actual,
      actual,
      guardrails: { maxRemovalPercent: 25, allowEmptyTarget: false },
    };
    expect(planTarget(input).stateFingerprint).toBe(fingerprintState(actual));
    expect(planTarget({ ...input, fingerprint: true }).stateFingerprint).toBe(fingerprintState(actual));
    const unsaved = planTarget({ ...input, fingerprint: false });
    expect(unsaved).not.toHaveProperty('stateFingerprint');
    expect(unsaved.changes).toEqual([]);
    expect(unsaved.summary).toEqual(planTarget(input).summary);
  });

  it('keeps the fingerprint of plans saved by earlier versions', () => {
    // Worked out by the first implementation (canonical JSON of each object, sorted, one line
    // each): a plan saved then must still be applicable now.
    const state = [
      {
        type: 'user',
        id: 'b',
        agent: 'b',
        attributes: { z: [1, 'two', null, { y: true, a: -0 }], a: 'é\u2028"\\', n: 1.5e300 },
      },
      { type: 'group', id: 'g', attributes: {} },
      {
        type: 'membership',
        id: 'g/b',
        agent: 'b',
        parent: 'group/g',
        attributes: { since: '2026-01-01', nested: { b: { d: 1, c: 2 }, a: [] } },
      },
      { type: 'user', id: 'a', agent: 'a', attributes: { skip: undefined, list: [undefined, 3] } },
    ] as unknown as ManagedObject[];
    expect(fingerprintState(state)).toBe(
      'sha256:e75980b9d2add709dadd7100cd6840036128be7729621418eee1204d0aba1760',
    );
  });
});

describe('applyChanges', () => {
  it('isolates failures: a failed identity skips only that agent, others go on', async () => {
    const applied: string[] = [];
    const connection: TargetConnection = {
      read: async () => [],
      apply: async (c) => {
        if (c.type === 'user' && c.id === 'bad') throw new Error('name taken');
        applied.push(`${c.type}/${c.id}`);
      },
      close: async () => undefined,
    };
    const changes = diffObjects(
      [user('bad'), user('ok'), group('g'), member('g', 'bad'), member('g', 'ok')],
      [],
      TYPES,
    );
    const results = await applyChanges(connection, { changes }, TYPES);
    expect(results.map((r) => [r.change.id, r.status])).toEqual([
      ['bad', 'failed'],
      ['ok', 'applied'],
      ['g', 'applied'],
      ['g/bad', 'skipped'],
      ['g/ok', 'applied'],
    ]);
    expect(results[0]?.error).toBe('name taken');
    expect(applied).toEqual(['user/ok', 'group/g', 'membership/g/ok']);
  });
});

describe('retries', () => {
  it('retries transient failures after the delay the server asked for, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new RetryableError('429', 2000);
        if (calls === 2) throw new RetryableError('503');
        return 'done';
      },
      { attempts: 4, baseDelayMs: 100, maxDelayMs: 10_000, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toEqual({ value: 'done', attempts: 3 });
    expect(waits).toEqual([2000, 200]);
  });

  it('does not retry other errors, and gives up after the last attempt', async () => {
    let calls = 0;
    const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined };
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error('denied');
      }, policy),
    ).rejects.toThrow('denied');
    await expect(
      withRetry(async () => {
        calls++;
        throw new RetryableError('busy');
      }, policy),
    ).rejects.toThrow('busy');
    expect(calls).toBe(4);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
