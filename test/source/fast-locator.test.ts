import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toPointer } from '../../src/model/diagnostic.js';
import { isFastParsable, parsePolicyYaml } from '../../src/source/parse.js';
import { createFastLocator, createLocator } from '../../src/source/positions.js';
import { BASE_FILES } from '../helpers/policy-repo.js';

const root = new URL('../../', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...yamlFiles(path));
    else if (st.isFile() && /\.ya?ml$/.test(name) && st.size < 200_000) out.push(path);
  }
  return out;
}

function pointersOf(data: unknown, at = ''): string[] {
  const out = [at];
  if (Array.isArray(data)) data.forEach((v, i) => out.push(...pointersOf(v, at + toPointer(i))));
  else if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) out.push(...pointersOf(v, at + toPointer(k)));
  }
  return out;
}

const texts: [string, string][] = [
  ...Object.entries(BASE_FILES),
  ...['policies', 'test/fixtures'].flatMap((d) =>
    yamlFiles(join(root, d)).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
  ),
  [
    'edge cases',
    'a: 1\nb:\n  - x\n  - {c: d, e: [1, 2]}\n  -\n    f: g\nh:\ni: "quoted: yes" # note\n\'j k\': |\n  block\n  text\nl: >-\n  folded\n',
  ],
  ['comments before values', 'a:\n  # about b\n  b: 1\nlist:\n  # first\n  - one\n  - two   # trailing\n'],
  ['CRLF', 'a: 1\r\nb:\r\n  c: 2\r\n'],
  ['BOM', '\ufeffa: 1\nb: [x]\n'],
];

describe('the fast locator', () => {
  it('ends a scalar where its text ends', () => {
    const fast = createFastLocator('a: hello   # note\nb: [x, yz]\n')!;
    expect(fast('/a')).toEqual({ start: { line: 1, column: 4 }, end: { line: 1, column: 9 } });
    expect(fast('/b/1')).toEqual({ start: { line: 2, column: 8 }, end: { line: 2, column: 10 } });
  });

  it('is checked on many files', () => {
    expect(texts.filter(([, t]) => isFastParsable(t)).length).toBeGreaterThan(100);
  });

  for (const [name, text] of texts) {
    if (!isFastParsable(text)) continue;
    const parsed = parsePolicyYaml('x.yaml', text);
    if (!parsed.fast || parsed.data === undefined) continue;
    it(`agrees with the yaml locator on every pointer of ${name.replace(root, '')}`, () => {
      const fast = createFastLocator(text)!;
      const full = createLocator(text);
      expect(fast).toBeDefined();
      const pointers = [...pointersOf(parsed.data), '/no/such/pointer', '/0/missing'];
      // Starts (the line:column users see) must be identical. Ends may differ in trailing
      // blanks: yaml counts a block collection's last newline, the fast locator does not.
      for (const p of pointers) {
        for (const on of ['value', 'key'] as const) {
          const f = fast(p, on);
          expect(f.start, `${p} (${on})`).toEqual(full(p, on).start);
          const endsAfterStart =
            f.end.line > f.start.line || (f.end.line === f.start.line && f.end.column >= f.start.column);
          expect(endsAfterStart, `${p} (${on}) ends after it starts`).toBe(true);
        }
      }
    });
  }
});
