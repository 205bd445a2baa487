import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { sortDiagnostics } from '../../src/model/diagnostic.js';
import { LIMITS } from '../../src/source/limits.js';
import { loadPolicyFiles } from '../../src/source/load.js';
import { findExcessiveNesting } from '../../src/source/nesting.js';
import { parsePolicyYaml } from '../../src/source/parse.js';
import { locateDiagnostics } from '../../src/source/positions.js';
import { repoFiles } from '../helpers/policy-repo.js';

/** Parses text with both paths and returns the located findings of the full one. */
function parse(text: string) {
  const full = parsePolicyYaml('x.yaml', text, { forceFull: true });
  const located = sortDiagnostics(locateDiagnostics(full.diagnostics, () => text));
  return {
    data: full.data,
    fast: parsePolicyYaml('x.yaml', text),
    findings: located.map((d) => [d.ruleId, d.range!.start.line, d.range!.start.column]),
    messages: located.map((d) => d.message),
  };
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('aliases', () => {
  it('accepts a few aliases within the limit', () => {
    const { data, findings } = parse('a: &x [1, 2]\nb: *x\nc: *x\n');
    expect(findings).toEqual([]);
    expect(data).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
  });

  it('refuses an alias that repeats a node containing it, instead of building cyclic data', () => {
    expect(parse('a: &x [1, *x]\n').findings).toEqual([['alias-limit', 1, 11]]);
    expect(parse('a: &x\n  b: *x\n').findings).toEqual([['alias-limit', 2, 6]]);
  });

  it('reports an alias without an anchor at the alias', () => {
    const { findings, messages } = parse('a: 1\nb: *nowhere\n');
    expect(findings).toEqual([['yaml-syntax', 2, 4]]);
    expect(messages[0]).toContain('*nowhere has no anchor');
  });

  it('refuses an exponential bomb made of few aliases, at the alias that passes the limit', () => {
    // 2 aliases per level: each level doubles; the running count passes 64 on line 6.
    const lines = ['l0: &l0 x'];
    for (let k = 1; k <= 30; k++) lines.push(`l${k}: &l${k} [*l${k - 1}, *l${k - 1}]`);
    // Expanded alias counts per level: 2, 6, 14, 30, 62; the running total passes 64 at l5.
    expect(parse(lines.join('\n') + '\n').findings).toEqual([['alias-limit', 6, 10]]);
  });
});

describe('tags', () => {
  it.each([
    ['!!set', 'a: !!set {x}\n'],
    ['!!omap', 'a: !!omap [x: 1]\n'],
    ['!!timestamp', 'a: !!timestamp 2001-01-01\n'],
    ['!foo', 'a: !foo {b: 1}\n'],
  ])('refuses %s, which the core schema does not define', (tag, text) => {
    const { findings, messages } = parse(text);
    expect(findings).toEqual([['unknown-tag', 1, 4]]);
    expect(messages[0]).toBe(`the tag ${tag} is not allowed`);
  });

  it('accepts the core schema tags', () => {
    expect(parse('a: !!str 12\nb: !!int "7"\n').data).toEqual({ a: '12', b: 7 });
  });
});

describe('keys', () => {
  it('treats keys that become the same property as duplicates', () => {
    expect(parse('1: a\n"1": b\n').findings).toEqual([['duplicate-key', 2, 1]]);
    expect(parse('true: a\n"true": b\n').findings).toEqual([['duplicate-key', 2, 1]]);
  });

  it('finds a duplicate among many keys in one pass', () => {
    const keys = Array.from({ length: 8_000 }, (_, i) => `k${i}: ${i}`);
    keys.push('k123: again');
    const { findings } = parse(`tagged: !!str x\n${keys.join('\n')}\n`);
    expect(findings).toEqual([['duplicate-key', 8_002, 1]]);
  });

  it('refuses a list or mapping as a key', () => {
    expect(parse('[a, b]: 1\n').findings).toEqual([['yaml-syntax', 1, 1]]);
    expect(parse('? {a: 1}\n: 2\n').findings).toEqual([['yaml-syntax', 1, 3]]);
  });

  it('refuses prototype keys on both paths', () => {
    const text = 'a:\n  __proto__: { admin: true }\n';
    expect(parse(text).findings).toEqual([['forbidden-key', 2, 3]]);
    expect(parsePolicyYaml('x.yaml', text).data).toBeUndefined();
  });
});

describe('directives and documents', () => {
  it('does not take a % inside a scalar for a directive', () => {
    expect(parse('a: |\n  %YAML 1.1\nb: "50\n  %"\n').findings).toEqual([]);
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing yet\n'],
    ['only a document marker', '---\n'],
  ])('calls %s empty', (_name, text) => {
    expect(parse(text).findings).toEqual([['empty-file', 1, 1]]);
    expect(parsePolicyYaml('x.yaml', text).diagnostics.map((d) => d.ruleId)).toEqual(['empty-file']);
  });

  it('does not call an explicit null empty', () => {
    expect(parse('~\n').findings).toEqual([]);
  });
});

describe('nesting', () => {
  const shapes: [string, (depth: number) => string][] = [
    ['flow sequences', (d) => '['.repeat(d) + ']'.repeat(d) + '\n'],
    ['flow mappings', (d) => '{a: '.repeat(d) + '1' + '}'.repeat(d) + '\n'],
    ['compact sequences', (d) => '- '.repeat(d) + 'x\n'],
    [
      'indented mappings',
      (d) => Array.from({ length: d }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1\n',
    ],
    [
      'indented sequences',
      (d) => Array.from({ length: d }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' 1\n',
    ],
    [
      'sequences at their mapping indentation',
      (d) =>
        Array.from({ length: d }, (_, i) => `${' '.repeat(i)}${i % 2 ? '- ' : 'k:'}`).join('\n') + ' 1\n',
    ],
    ['a block mapping holding flow', (d) => 'a: ' + '['.repeat(d - 1) + ']'.repeat(d - 1) + '\n'],
  ];

  for (const [name, make] of shapes) {
    it(`accepts ${name} exactly ${LIMITS.maxDepth} deep and refuses one more`, () => {
      const atLimit = make(LIMITS.maxDepth);
      expect(findExcessiveNesting(atLimit, LIMITS.maxDepth)).toBeUndefined();
      const ok = parsePolicyYaml('x.yaml', atLimit);
      expect(ok.diagnostics).toEqual([]);
      expect(depthOf(ok.data)).toBe(LIMITS.maxDepth);
      const over = parsePolicyYaml('x.yaml', make(LIMITS.maxDepth + 1));
      expect(over.diagnostics.map((d) => d.ruleId)).toEqual(['nesting-too-deep']);
    });
  }

  it('ignores brackets in quoted scalars, comments and block scalars', () => {
    const noise = '['.repeat(100);
    const text = `a: "${noise}"\nb: '${noise}' # ${noise}\nc: >-\n  ${noise}\n\n  ${noise}\nd: 1\n`;
    expect(findExcessiveNesting(text, LIMITS.maxDepth)).toBeUndefined();
    expect(parsePolicyYaml('x.yaml', text).diagnostics).toEqual([]);
  });

  it('still counts what follows a block scalar', () => {
    const text = `a: |\n  text\nb: ${'['.repeat(40)}${']'.repeat(40)}\n`;
    expect(findExcessiveNesting(text, LIMITS.maxDepth)).toEqual({ line: 3, column: 4 + 31 });
  });
});

describe('many problems in one file', () => {
  it(`reports at most ${LIMITS.maxDiagnosticsPerFile} and says that more are left out`, () => {
    const keys = Array.from({ length: 300 }, () => '  __proto__: 1');
    const text = `apiVersion: leash/v1\nkind: Agent\nmetadata:\n  name: bot\nspec:\n${keys.join('\n')}\n`;
    const { diagnostics } = loadPolicyFiles(repoFiles({ 'agents/bot.yaml': text }));
    const mine = diagnostics.filter((d: Diagnostic) => d.file === 'agents/bot.yaml');
    expect(mine).toHaveLength(LIMITS.maxDiagnosticsPerFile + 1);
    expect(mine.at(-1)!.ruleId).toBe('too-many-problems');
    expect(mine.at(-1)!.message).toBe(
      `only the first ${LIMITS.maxDiagnosticsPerFile} problems in this file are shown`,
    );
  });
});

describe('files past the full parser limit', () => {
  const big = (body: string) => body + '#'.repeat(LIMITS.maxFullParseBytes + 10 - body.length) + '\n';

  it('are still read by the fast parser when plain', () => {
    const result = parsePolicyYaml('x.yaml', big('a: 1\nb: [x, y]\n'));
    expect(result.diagnostics).toEqual([]);
    expect(result.data).toEqual({ a: 1, b: ['x', 'y'] });
  });

  it('report a syntax error at the fast parser position instead of running the full parser', () => {
    const result = parsePolicyYaml('x.yaml', big('a: 1\nb: [x, y\nc: 2\n'));
    expect(result.diagnostics.map((d) => [d.ruleId, d.range?.start.line])).toEqual([['yaml-syntax', 3]]);
  });

  it('report a duplicate key as duplicate-key', () => {
    const result = parsePolicyYaml('x.yaml', big('a: 1\nb: 2\na: 3\n'));
    expect(result.diagnostics.map((d) => [d.ruleId, d.range?.start.line, d.range?.start.column])).toEqual([
      ['duplicate-key', 3, 1],
    ]);
  });

  it('refuse anchors, aliases and tags as too large for those features', () => {
    for (const body of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n']) {
      const result = parsePolicyYaml('x.yaml', big(body));
      expect(result.diagnostics.map((d) => d.ruleId)).toEqual(['file-too-large']);
      expect(result.diagnostics[0]!.message).toMatch(/anchors, aliases, tags/);
    }
  });
});
