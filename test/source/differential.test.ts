import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicyYaml } from '../../src/source/parse.js';
import { BASE_FILES } from '../helpers/policy-repo.js';

/**
 * The fast parser (js-yaml) and the full one (yaml) must read every plain file the same way;
 * the full parser is the reference. Where they would differ, parse.ts sends the file the slow
 * way, so the comparison below holds for every input.
 */

/** A serialisation that keeps key order, -0, NaN and the difference between null and undefined. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const proto = Object.getPrototypeOf(value) as unknown;
  const tag = proto === Object.prototype || proto === null ? '' : `<${(value as object).constructor.name}>`;
  return `${tag}{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
    .join(',')}}`;
}

/** Parses with both paths, asserts they agree, and says whether the fast path was taken. */
function compareBothPaths(file: string, text: string): boolean {
  const fast = parsePolicyYaml(file, text);
  const full = parsePolicyYaml(file, text, { forceFull: true });
  expect(full.fast).toBe(false);
  expect(canonical(fast.data), text).toBe(canonical(full.data));
  expect(fast.data).toStrictEqual(full.data);
  const findings = (ds: typeof fast.diagnostics) => ds.map((d) => `${d.ruleId} ${d.pointer}`).sort();
  expect(findings(fast.diagnostics), text).toEqual(findings(full.diagnostics));
  return fast.fast;
}

function yamlFilesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const POLICIES = join(import.meta.dirname, '../../policies');

/** Plain YAML that is easy to read differently: each snippet is a whole file. */
const SNIPPETS: Record<string, string> = {
  'quoted strings': `a: "double \\"quoted\\" with \\\\ and \\t tab"
b: 'single ''quoted'' with \\ kept'
c: "folded
  over lines"
d: ''
e: ""
f: "escapes: \\x41 \\u263A \\U0001F600 \\N \\_ \\L \\P \\/ \\0"
g: 'hash # inside'
h: "colon: inside"
`,
  'block scalars': `literal: |
  line one
    indented
  line three
strip: |-
  no final newline
keep: |+
  kept newlines

folded: >
  folded
  text

  new paragraph
folded-strip: >-
  a
  b
indicator: |2
    two extra spaces
leading-blank: |

  after a blank line
last: end
`,
  'flow collections': `map: {a: 1, b: [x, y], c: {d: e}}
seq: [1, two, 3.0, true, null, "q", 'r']
trailing: [a, b, ]
empty-map: {}
empty-seq: []
multi-line: [
  one,
  two
]
nested: [[1, 2], [3, [4, {k: v}]]]
`,
  numbers: `hex: 0x1F
hex-upper: 0x1f
octal: 0o17
leading-zero: 017
zero-nine: 09
zeros: 00
exp: 1e3
exp-upper: 1E3
exp-neg: 1.5e-3
exp-plus: 2.5E+4
plus: +1
minus-zero: -0
minus-zero-float: -0.0
underscore: 1_000
dot-first: .5
minus-dot: -.5
plus-dot: +.5
dot-exp: .5e3
trailing-dot: 1.
binary: 0b101
signed-hex: -0x1F
signed-octal: +0o17
big: 12345678901234567890
huge-exp: 1e400
huge-int: ${'9'.repeat(320)}
tiny: 1e-400
fraction: 0.1
neg-float: -1.0
inf: .inf
neg-inf: -.Inf
nan: .NaN
not-inf: .infinity
comma: 1,000
version: 1.2.3
phone: +1-555-0100
`,
  booleans: `a: true
b: True
c: TRUE
d: false
e: False
f: FALSE
g: yes
h: no
i: on
j: off
k: y
l: n
m: Yes
n: tRUE
`,
  nulls: `tilde: ~
word: null
title: Null
upper: NULL
empty:
list:
  -
  - ~
  - null
flow: [~, null, ]
nil: nil
none: None
`,
  'dates and times': `date: 2001-12-14
datetime: 2001-12-14t21:59:43.10-05:00
spaced: 2001-12-14 21:59:43.10 -5
iso: 2026-06-01T12:00:00Z
time: 12:30:45
sexagesimal: 190:20:30
`,
  'keys with colons and odd keys': `"a:b": 1
a:b: 2
url: http://example.com:8080/path?q=1#frag
"with space": 3
'single': 4
1: one
0x10: sixteen
1.5: one and a half
true: yes-key
key with spaces: 5
-dash: 6
dotted.key: 7
`,
  'unicode text': `name: "Zoë"
japanese: 日本語のテキスト
emoji: "🔐 locked"
plain-emoji: 🚀 launch
rtl: שלום
mixed: café au lait
`,
  comments: `# full-line comment
a: 1 # trailing comment
b: 'a#b'
c: a#b
d: "# not a comment"
list: # comment after key
  - x # item comment
  # between items
  - y
# final comment
`,
  'trailing spaces':
    'a: b   \nc: "quoted"   \nlist:   \n  - x   \n  - y\t\nblock: |\n  keeps   \n  these  \nend: z\n',
  'CRLF line endings':
    'a: 1\r\nb: two words\r\nlist:\r\n  - x\r\n  - y\r\nblock: |\r\n  line one\r\n  line two\r\nfolded: >\r\n  a\r\n  b\r\nquoted: "over\r\n  lines"\r\n',
  'tabs in strings': 'a: "x\\ty"\nb: x\ty\nc: \'tab\there\'\nd: |\n  \tindented with tab\ne:\tafter a tab\n',
  'multi-line plain scalars': `a: this is
  a folded
  plain scalar
b:
  - item
    continued
c: one

  two
`,
  'unicode line separators and controls':
    'a: x\u2028y\nb: x\u0085y\nc: "x\u2029y"\nd: x\u0001y\ne: x\u007fy\n',
  'a null key': '~: tilde\nb: 1\n',
  'a null key in a flow mapping': 'a: {null: 1, b: 2}\n',
  'an empty key in a list item': 'list:\n  - : empty\n',
  'document markers': '---\na: 1\nb: [x]\n...\n',
  'sequences under keys': `a:
- one
- two
b:
  - three
  - - nested
    - pair
c:
  - k: v
    l: w
  - {m: n}
`,
  'odd plain scalars': `a: -
b: =
c: <
d: a - b
e: 'x: y'
f: ?not-a-key
g: -1-2
h: "%percent"
i: 50%
j: '@at'
k: "\`backtick\`"
l: a,b
m: x]y
`,
  'long string': `a: ${'word '.repeat(2000).trim()}\nb: "${'q'.repeat(5000)}"\n`,
};

describe('fast and full parser agree', () => {
  const policyFiles = yamlFilesUnder(POLICIES);

  it.skipIf(policyFiles.length === 0)('on every file under policies/', () => {
    for (const path of policyFiles) compareBothPaths(relative(POLICIES, path), readFileSync(path, 'utf8'));
  });

  it('on the base repository, which takes the fast path', () => {
    for (const [path, text] of Object.entries(BASE_FILES)) expect(compareBothPaths(path, text)).toBe(true);
  });

  for (const [name, text] of Object.entries(SNIPPETS)) {
    it(`on ${name}`, () => {
      compareBothPaths(`${name}.yaml`, text);
    });
  }

  // One line per file, so a line that needs the full parser does not take the others with it.
  for (const name of [
    'numbers',
    'booleans',
    'nulls',
    'dates and times',
    'keys with colons and odd keys',
    'odd plain scalars',
  ]) {
    it(`on ${name}, line by line`, () => {
      const lines = SNIPPETS[name]!.split('\n').filter((l) => /^\S/.test(l));
      const fast = lines.filter((line) => compareBothPaths(`${name}.yaml`, line + '\n'));
      expect(fast.length).toBeGreaterThan(lines.length / 2);
    });
  }

  it('by refusing lone CR line ends, which the two read differently', () => {
    const text = 'a:\r  b: 1\rc: 2\r';
    for (const options of [{}, { forceFull: true }]) {
      const parsed = parsePolicyYaml('cr.yaml', text, options);
      expect(parsed.data).toBeUndefined();
      expect(parsed.diagnostics.map((d) => [d.ruleId, d.range?.start])).toEqual([
        ['invalid-encoding', { line: 1, column: 3 }],
      ]);
    }
  });

  it('on the snippets with a byte order mark', () => {
    for (const text of Object.values(SNIPPETS)) compareBothPaths('bom.yaml', '\ufeff' + text);
  });

  it('takes the fast path for most snippets, so the comparison means something', () => {
    const fast = Object.entries(SNIPPETS).filter(([name, text]) => compareBothPaths(`${name}.yaml`, text));
    expect(fast.length).toBeGreaterThanOrEqual(Object.keys(SNIPPETS).length / 2);
  });
});

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAIN_TOKENS = [
  'read',
  'write',
  'crm',
  'contact',
  'cx-team',
  'jane@example.com',
  'vault://kv/agents/bot',
  'a b c',
  '0',
  '1',
  '-1',
  '+1',
  '007',
  '0x1F',
  '0o17',
  '1e3',
  '1.5',
  '.5',
  '-.5',
  '1.',
  '-0',
  '0b11',
  '-0x2',
  '1_000',
  '.inf',
  '-.inf',
  '.nan',
  '.NaN',
  'true',
  'True',
  'FALSE',
  'yes',
  'no',
  'on',
  'off',
  '~',
  'null',
  'Null',
  'NULL',
  '2026-06-01',
  '12:30',
  '1,2',
  'x/y',
  'café',
  '日本',
  'a:b',
  'a#b',
  '50%',
];

/** Random plain documents: nested maps and lists in block and flow style, many scalar spellings. */
function randomDocument(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const word = () =>
    Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
      pick([...'abcdefghijklmnopqrstuvwxyz-_']),
    ).join('');
  const number = () =>
    pick([
      () => String(Math.floor(random() * 1e6) - 5e5),
      () => (random() * 1e4 - 5e3).toFixed(1 + Math.floor(random() * 4)),
      () => (random() * 10).toExponential(2),
      () => `0x${Math.floor(random() * 65536).toString(16)}`,
      () => `0o${Math.floor(random() * 4096).toString(8)}`,
    ])();
  const scalar = (): string =>
    pick([
      () => pick(PLAIN_TOKENS),
      () => word(),
      () => number(),
      () => JSON.stringify(pick(PLAIN_TOKENS) + pick(['', ' ', '\t', '\n', ': ', ' #', '"'])),
      () => `'${pick(PLAIN_TOKENS).replace(/'/g, "''")}'`,
    ])();
  const key = (): string =>
    pick([
      word,
      word,
      word,
      () => pick(PLAIN_TOKENS.filter((t) => /^[a-z]/.test(t))),
      () => `"${word()}: x"`,
    ])();

  const flow = (depth: number): string => {
    if (depth > 2 || random() < 0.4) return scalar();
    if (random() < 0.5)
      return `[${Array.from({ length: Math.floor(random() * 4) }, () => flow(depth + 1)).join(', ')}]`;
    const keys = [...new Set(Array.from({ length: Math.floor(random() * 4) }, key))];
    return `{${keys.map((k) => `${k}: ${flow(depth + 1)}`).join(', ')}}`;
  };

  const block = (indent: string, depth: number): string => {
    const lines: string[] = [];
    if (depth < 4 && random() < 0.3) {
      for (let i = 0; i < 1 + Math.floor(random() * 4); i++) {
        const roll = random();
        if (roll < 0.5 || depth >= 3) lines.push(`${indent}- ${random() < 0.3 ? flow(depth) : scalar()}`);
        else if (roll < 0.75) lines.push(`${indent}-\n${block(indent + '  ', depth + 1)}`);
        else lines.push(`${indent}- ${key()}: ${scalar()}`);
      }
      return lines.join('\n');
    }
    const keys = [...new Set(Array.from({ length: 1 + Math.floor(random() * 5) }, key))];
    for (const k of keys) {
      const roll = random();
      if (depth >= 4 || roll < 0.45) lines.push(`${indent}${k}: ${scalar()}`);
      else if (roll < 0.6) lines.push(`${indent}${k}: ${flow(depth)}`);
      else if (roll < 0.7)
        lines.push(
          `${indent}${k}: ${pick(['|', '|-', '>', '>-'])}\n${indent}  ${word()} ${word()}\n${indent}  ${scalar().replace(/\n/g, ' ')}`,
        );
      else if (roll < 0.75) lines.push(`${indent}${k}:${pick([' # note', ''])}`);
      else lines.push(`${indent}${k}:\n${block(indent + pick(['  ', '    ']), depth + 1)}`);
    }
    return lines.join('\n');
  };

  const text = block('', 0) + '\n';
  return random() < 0.1 ? text.replace(/\n/g, '\r\n') : text;
}

describe('fast and full parser agree on random plain documents', () => {
  it('for 400 seeded documents', () => {
    const random = prng(0x1ea5);
    let fast = 0;
    for (let i = 0; i < 400; i++) {
      const text = randomDocument(random);
      if (compareBothPaths(`random-${i}.yaml`, text)) fast++;
    }
    // Most documents take the fast path: otherwise the test compares the full parser with itself.
    expect(fast).toBeGreaterThan(100);
  });
});
