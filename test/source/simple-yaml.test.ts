import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateRepo, mulberry32 } from '../../bench/generate.mjs';
import { parsePolicyYaml } from '../../src/source/parse.js';
import { parseSimpleYaml } from '../../src/source/simple-yaml.js';
import { BASE_FILES } from '../helpers/policy-repo.js';

const fast = (text: string) => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false }) as unknown;
const full = (text: string) => parsePolicyYaml('x.yaml', text, { forceFull: true }).data;

/** The simple reader either gives up or reads exactly what js-yaml and the full parser read. */
function agreesOrDeclines(text: string): boolean {
  const simple = parseSimpleYaml(text);
  if (simple === undefined) return false;
  expect(simple, text).toStrictEqual(fast(text));
  expect(simple, text).toStrictEqual(full(text));
  return true;
}

const POLICIES = join(import.meta.dirname, '../../policies');
const policyFiles = readdirSync(POLICIES, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
  .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));

describe('parseSimpleYaml', () => {
  it('reads the example repository, the test repository and generated files as js-yaml does', () => {
    const generated = (generateRepo({ agents: 30, templates: 5, seed: 7 }) as { data: unknown }[]).map((d) =>
      YAML.stringify(d.data, { lineWidth: 0 }),
    );
    const all = [...policyFiles, ...Object.values(BASE_FILES), ...generated];
    const taken = all.filter(agreesOrDeclines);
    // Nearly every real file is of the simple kind: that is the point of the reader.
    expect(taken.length).toBeGreaterThan(all.length * 0.8);
  });

  it('reads block and flow collections, scalars of the core schema and dates', () => {
    const text = `---
# a comment
apiVersion: leash/v1
kind: Agent
metadata:
  name: bot
spec:
  owner: cx-team
  expires: 2027-01-31
  at: 2027-01-31T17:00:00Z
  count: 42
  zero: 0
  on: true
  off: False
  nothing: ~
  empty:
  quoted: 'it is: fine'
  double: "with # hash"
  url: vault://kv/agents/bot
  grants:
  - template: support
  -   system: crm
      resource: case
      actions: [read, 'create', "close"]
      fields: []
      when: {}
  nested:
    deeper: { production: true, classes: [pii, payment] }
  folded: >-
    Two lines; folded
    into one.
  literal: |
    # not a comment
    kept: as text

  window: 06:00-19:00
  every: 90d
  path: .leash/state
`;
    expect(agreesOrDeclines(text)).toBe(true);
    expect(parseSimpleYaml(text)).toMatchObject({
      spec: {
        expires: '2027-01-31',
        count: 42,
        on: true,
        off: false,
        nothing: null,
        empty: null,
        quoted: 'it is: fine',
        double: 'with # hash',
        grants: [
          { template: 'support' },
          { system: 'crm', resource: 'case', actions: ['read', 'create', 'close'], fields: [], when: {} },
        ],
        nested: { deeper: { production: true, classes: ['pii', 'payment'] } },
        folded: 'Two lines; folded into one.',
        literal: '# not a comment\nkept: as text\n',
        window: '06:00-19:00',
        every: '90d',
        path: '.leash/state',
      },
    });
  });

  it.each([
    ['a plain scalar over two lines', 'a: one\n  two\n'],
    ['a block scalar with a blank line inside', 'a: |\n  one\n\n  two\n'],
    ['a block scalar that keeps its last line ends', 'a: |+\n  text\n\n'],
    ['a block scalar with an indentation indicator', 'a: |2\n   text\n'],
    ['a block scalar with a more indented line', 'a: >\n  one\n    two\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a trailing comment', 'a: 1 # one\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['a value with a colon and a space', 'a: b: c\n'],
    ['a flow sequence over lines', 'a: [1,\n  2]\n'],
    ['a nested flow mapping', 'a: { b: { c: 1 } }\n'],
    ['a quoted string with an escape', 'a: "x\\ty"\n'],
    ['a quoted string with a doubled quote', "a: 'it''s'\n"],
    ['a number that is not a plain integer', 'a: 1.5\n'],
    ['a hexadecimal number', 'a: 0x10\n'],
    ['a key that is a number', '1: one\n'],
    ['a key that is true', 'true: yes\n'],
    ['a key of the prototype', '__proto__: 1\n'],
    ['a quoted key', '"a": 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a sequence at the top', '- a\n'],
    ['an indented first line', '  a: 1\n'],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['a dash alone', 'a:\n  -\n    b: 1\n'],
    ['a nested sequence on one line', 'a:\n  - - b\n'],
    ['a plain scalar starting with an indicator', 'a: -b\n'],
    ['a leading-zero number', 'a: 007\n'],
    ['a special float', 'a: .inf\n'],
    ['a special float in capitals', 'a: .NaN\n'],
    ['a fraction without its zero', 'a: .5\n'],
    ['deep nesting', Array.from({ length: 40 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' 1\n'],
  ])('leaves %s to the full parsers', (_name, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('never reads a mutated file differently from js-yaml and the full parser', () => {
    const rand = mulberry32(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const noise = [
      ' ',
      ':',
      ': ',
      '-',
      '- ',
      '#',
      "'",
      '"',
      '[',
      ']',
      '{',
      '}',
      ',',
      '\n',
      '  ',
      'x',
      '1',
      '~',
      '|',
      '>',
      '&',
      '*',
      '!',
      '%',
      '@',
      '`',
      '.',
      '\\',
      '\t',
    ];
    let taken = 0;
    for (let i = 0; i < 1500; i++) {
      const base = pick([...policyFiles, ...Object.values(BASE_FILES)]);
      let text = base;
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
        const at = Math.floor(rand() * text.length);
        text =
          rand() < 0.7
            ? text.slice(0, at) + pick(noise) + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1);
      }
      let reference: unknown;
      try {
        reference = fast(text);
      } catch {
        // js-yaml refuses it: the simple reader must not accept it either.
        expect(parseSimpleYaml(text), text).toBeUndefined();
        continue;
      }
      const simple = parseSimpleYaml(text);
      if (simple === undefined) continue;
      taken++;
      expect(simple, text).toStrictEqual(reference);
    }
    // The mutations leave many files simple: the comparison compares something.
    expect(taken).toBeGreaterThan(300);
  });
});
