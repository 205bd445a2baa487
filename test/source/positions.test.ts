import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { createLocator, locateDiagnostics } from '../../src/source/positions.js';
import { BASE_FILES } from '../helpers/policy-repo.js';

/** The start of a pointer's range as [line, column]. */
function startOf(text: string, pointer: string, on?: 'key' | 'value'): [number, number] {
  const { start } = createLocator(text)(pointer, on);
  return [start.line, start.column];
}

const AGENT = BASE_FILES['agents/bot.yaml']!;
// apiVersion: leash/v1                 line 1
// kind: Agent                          line 2
// metadata:                            line 3
//   name: bot                          line 4
// spec:                                line 5
//   owner: cx-team                     line 6
//   ...
//   identity:                          line 11
//     kind: service-account            line 12
//     credentialRef: vault://kv/agents/bot
//   grants:                            line 14
//     - template: support              line 15
//     - system: crm                    line 16
//       resource: contact              line 17
//       actions: [read]                line 18
//       mode: read-only                line 19

describe('createLocator in block style', () => {
  it('finds values and keys', () => {
    expect(startOf(AGENT, '/apiVersion')).toEqual([1, 13]);
    expect(startOf(AGENT, '/apiVersion', 'key')).toEqual([1, 1]);
    expect(startOf(AGENT, '/metadata/name')).toEqual([4, 9]);
    expect(startOf(AGENT, '/metadata/name', 'key')).toEqual([4, 3]);
    expect(startOf(AGENT, '/spec/identity/credentialRef')).toEqual([13, 20]);
    expect(startOf(AGENT, '/spec/identity/credentialRef', 'key')).toEqual([13, 5]);
  });

  it('finds a mapping value by its first key and the whole document at the empty pointer', () => {
    expect(startOf(AGENT, '/spec')).toEqual([6, 3]);
    expect(startOf(AGENT, '/spec', 'key')).toEqual([5, 1]);
    expect(startOf(AGENT, '')).toEqual([1, 1]);
  });

  it('goes through sequences', () => {
    expect(startOf(AGENT, '/spec/grants')).toEqual([15, 5]);
    expect(startOf(AGENT, '/spec/grants/0')).toEqual([15, 7]);
    expect(startOf(AGENT, '/spec/grants/0/template')).toEqual([15, 17]);
    expect(startOf(AGENT, '/spec/grants/1/resource')).toEqual([17, 17]);
    expect(startOf(AGENT, '/spec/grants/1/actions/0')).toEqual([18, 17]);
    // A list item has no key: 'on key' is the item itself.
    expect(startOf(AGENT, '/spec/grants/1', 'key')).toEqual([16, 7]);
  });

  it('returns the end of the range too', () => {
    expect(createLocator(AGENT)('/metadata/name')).toEqual({
      start: { line: 4, column: 9 },
      end: { line: 4, column: 12 },
    });
  });

  it('falls back to the nearest existing parent for a missing pointer', () => {
    expect(startOf(AGENT, '/spec/missing')).toEqual(startOf(AGENT, '/spec'));
    expect(startOf(AGENT, '/spec/missing', 'key')).toEqual([5, 1]);
    expect(startOf(AGENT, '/spec/grants/9')).toEqual(startOf(AGENT, '/spec/grants'));
    expect(startOf(AGENT, '/spec/grants/1/when/maxAmount')).toEqual(startOf(AGENT, '/spec/grants/1'));
    expect(startOf(AGENT, '/spec/owner/deeper')).toEqual(startOf(AGENT, '/spec/owner'));
    expect(startOf(AGENT, '/nothing/here')).toEqual([1, 1]);
    // Not an array index: '01' and '-' name no item.
    expect(startOf(AGENT, '/spec/grants/01')).toEqual(startOf(AGENT, '/spec/grants'));
    expect(startOf(AGENT, '/spec/grants/-')).toEqual(startOf(AGENT, '/spec/grants'));
  });

  it('points at the key of a key with no value', () => {
    expect(startOf('a:\nb: 1\n', '/a')).toEqual([1, 1]);
  });
});

describe('createLocator in flow style', () => {
  const text = 'map: {a: 1, b: [x, {c: d}]}\nlist: [[1, 2], [3, 4]]\n';

  it('finds values and keys in flow mappings and sequences', () => {
    expect(startOf(text, '/map/a')).toEqual([1, 10]);
    expect(startOf(text, '/map/a', 'key')).toEqual([1, 7]);
    expect(startOf(text, '/map/b/0')).toEqual([1, 17]);
    expect(startOf(text, '/map/b/1/c')).toEqual([1, 24]);
    expect(startOf(text, '/map/b/1/c', 'key')).toEqual([1, 21]);
    expect(startOf(text, '/list/1/0')).toEqual([2, 17]);
  });

  it('falls back to the nearest parent in flow collections', () => {
    expect(startOf(text, '/map/b/1/missing')).toEqual([1, 20]);
    expect(startOf(text, '/list/5')).toEqual([2, 7]);
  });

  it('counts columns in UTF-16 code units, as editors do', () => {
    expect(startOf('{x: 😀, y: 1}\n', '/y', 'key')).toEqual([1, 9]);
    expect(startOf('name: "é"\nb: 2\n', '/b')).toEqual([2, 4]);
  });
});

describe('createLocator on unusual text', () => {
  it('gives the same positions with CRLF line ends', () => {
    const crlf = AGENT.replace(/\n/g, '\r\n');
    for (const pointer of [
      '/metadata/name',
      '/spec/grants/1/actions/0',
      '/spec/identity/credentialRef',
      '/spec/missing',
    ]) {
      expect(startOf(crlf, pointer)).toEqual(startOf(AGENT, pointer));
      expect(startOf(crlf, pointer, 'key')).toEqual(startOf(AGENT, pointer, 'key'));
    }
  });

  it('gives the same positions after a byte order mark, which takes no column', () => {
    const bom = '\ufeff' + AGENT;
    expect(startOf(bom, '/apiVersion', 'key')).toEqual([1, 1]);
    expect(startOf(bom, '/apiVersion')).toEqual([1, 13]);
    expect(startOf(bom, '/spec/grants/1/resource')).toEqual([17, 17]);
  });

  it('unescapes pointer segments (~1 is /, ~0 is ~)', () => {
    const text = 'paths:\n  "a/b": 1\n  "m~n": 2\n';
    expect(startOf(text, '/paths/a~1b')).toEqual([2, 10]);
    expect(startOf(text, '/paths/m~0n')).toEqual([3, 10]);
  });

  it('finds keys as the data spells them: numbers, booleans, null', () => {
    const text = '1: one\ntrue: yes\n~: nothing\n';
    expect(startOf(text, '/1')).toEqual([1, 4]);
    expect(startOf(text, '/true')).toEqual([2, 7]);
    expect(startOf(text, '/')).toEqual([3, 4]);
  });

  it('follows aliases to their anchor', () => {
    const text = 'base: &b\n  x: 1\ncopy: *b\n';
    expect(startOf(text, '/copy/x')).toEqual([2, 6]);
  });

  it('falls back to the start of the file for text it cannot read', () => {
    expect(startOf('', '/a')).toEqual([1, 1]);
    expect(startOf('a: [unclosed\n', '/a/0')).toEqual([1, 5]);
    expect(startOf('\u0000\u0001', '/a')).toEqual([1, 1]);
  });
});

describe('locateDiagnostics', () => {
  const diagnostic = (file: string, pointer: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
    ruleId: 'test',
    severity: 'error',
    message: 'm',
    file,
    pointer,
    ...extra,
  });

  it('fills in missing ranges from each file and keeps ranges already set', () => {
    const given = { start: { line: 9, column: 9 }, end: { line: 9, column: 10 } };
    const texts: Record<string, string> = { 'agents/bot.yaml': AGENT };
    const located = locateDiagnostics(
      [
        diagnostic('agents/bot.yaml', '/metadata/name'),
        diagnostic('agents/bot.yaml', '/metadata/name', { on: 'key' }),
        diagnostic('agents/bot.yaml', '/spec', { range: given }),
        diagnostic('missing.yaml', '/a'),
      ],
      (file) => texts[file],
    );
    expect(located.map((d) => d.range)).toEqual([
      { start: { line: 4, column: 9 }, end: { line: 4, column: 12 } },
      { start: { line: 4, column: 3 }, end: { line: 4, column: 7 } },
      given,
      { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    ]);
  });

  it('reads each file once', () => {
    const asked: string[] = [];
    locateDiagnostics(
      [
        diagnostic('a.yaml', '/x'),
        diagnostic('a.yaml', '/y'),
        diagnostic('b.yaml', '/x'),
        diagnostic('a.yaml', ''),
      ],
      (file) => {
        asked.push(file);
        return 'x: 1\ny: 2\n';
      },
    );
    expect(asked).toEqual(['a.yaml', 'b.yaml']);
  });
});
