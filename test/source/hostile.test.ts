import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { readPolicyDir } from '../../src/source/files.js';
import { LIMITS } from '../../src/source/limits.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { BASE_FILES, TEST_NOW } from '../helpers/policy-repo.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/hostile');
const BASE_DOCUMENTS = ['Agent/bot', 'Config/test', 'RiskTier/standard', 'System/crm', 'Template/support'];

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
}

interface HostileCase {
  /** The files the fixture adds to BASE_FILES; every other file is a BASE_FILES file, unchanged. */
  added: string[];
  /** Every diagnostic the repository yields, in report order. */
  expected: Finding[];
  /** A pattern each diagnostic's message must match, in the same order. */
  messages?: RegExp[];
  /** Documents loaded besides the base ones. */
  extraDocuments?: string[];
}

/** Each folder under test/fixtures/hostile: BASE_FILES plus one hostile file (or two). */
const CASES: Record<string, HostileCase> = {
  'alias-bomb': {
    added: ['agents/bomb.yaml'],
    // lol2 holds 9 aliases; each *l2 in lol3 costs 1 + 9, and the 6th passes 64 (column 39).
    expected: [{ ruleId: 'alias-limit', file: 'agents/bomb.yaml', line: 9, column: 39 }],
    messages: [/alias bomb/],
  },
  'duplicate-key': {
    added: ['agents/dup.yaml'],
    expected: [{ ruleId: 'duplicate-key', file: 'agents/dup.yaml', line: 11, column: 3 }],
    messages: [/'owner' appears more than once/],
  },
  'yaml-directive': {
    added: ['agents/directive.yaml'],
    expected: [{ ruleId: 'yaml-directive', file: 'agents/directive.yaml', line: 1, column: 1 }],
    messages: [/%YAML 1\.1/],
  },
  'tag-directive': {
    added: ['agents/tagged.yaml'],
    expected: [{ ruleId: 'yaml-directive', file: 'agents/tagged.yaml', line: 1, column: 1 }],
    messages: [/%TAG !e!/],
  },
  'unknown-tag-local': {
    added: ['agents/local-tag.yaml'],
    expected: [{ ruleId: 'unknown-tag', file: 'agents/local-tag.yaml', line: 6, column: 10 }],
    messages: [/the tag !foo is not allowed/],
  },
  'unknown-tag-binary': {
    added: ['agents/binary-tag.yaml'],
    expected: [{ ruleId: 'unknown-tag', file: 'agents/binary-tag.yaml', line: 6, column: 10 }],
    messages: [/the tag !!binary is not allowed/],
  },
  'unknown-tag-python': {
    added: ['agents/python-tag.yaml'],
    expected: [{ ruleId: 'unknown-tag', file: 'agents/python-tag.yaml', line: 7, column: 9 }],
    messages: [/!!python\/object\/apply:os\.system/],
  },
  'forbidden-key': {
    added: ['agents/polluter.yaml'],
    // A block key, a quoted key and a key in a flow mapping.
    expected: [
      { ruleId: 'forbidden-key', file: 'agents/polluter.yaml', line: 7, column: 3 },
      { ruleId: 'forbidden-key', file: 'agents/polluter.yaml', line: 14, column: 5 },
      { ruleId: 'forbidden-key', file: 'agents/polluter.yaml', line: 23, column: 15 },
    ],
    messages: [/'__proto__'/, /'constructor'/, /'prototype'/],
  },
  'unsafe-reference': {
    added: ['agents/paths.yaml'],
    expected: [
      { ruleId: 'unsafe-reference', file: 'agents/paths.yaml', line: 10, column: 9 },
      { ruleId: 'unsafe-reference', file: 'agents/paths.yaml', line: 13, column: 20 },
      { ruleId: 'unsafe-reference', file: 'agents/paths.yaml', line: 16, column: 15 },
      { ruleId: 'unsafe-reference', file: 'agents/paths.yaml', line: 17, column: 17 },
    ],
    messages: [
      /'\.\.\/secrets'/,
      /'vault:\/\/kv\/\.\.\/x'/,
      /'\/etc\/passwd' is an absolute path/,
      /backslash/,
    ],
  },
  'invalid-name': {
    added: ['agents/lookalike.yaml'],
    expected: [
      { ruleId: 'invalid-name', file: 'agents/lookalike.yaml', line: 4, column: 9 },
      { ruleId: 'invalid-name', file: 'agents/lookalike.yaml', line: 6, column: 10 },
      { ruleId: 'invalid-name', file: 'agents/lookalike.yaml', line: 10, column: 9 },
      { ruleId: 'invalid-name', file: 'agents/lookalike.yaml', line: 16, column: 15 },
    ],
    messages: [
      /'а' \(U\+0430\), which looks like the ASCII 'a'/,
      /invisible character \(U\+200B\)/,
      /'ｓ' \(U\+FF53\), which looks like the ASCII 's'/,
      // The message shows the override as an escape, so the report itself cannot be reordered.
      /^'crm\\u\{202e\}' contains an invisible character \(U\+202E\)$/,
    ],
  },
  'non-finite-number': {
    added: ['tiers/unbounded.yaml', 'agents/unbounded.yaml'],
    // One finding per value: the schema's 'must be a number' adds nothing and is left out.
    expected: [
      { ruleId: 'non-finite-number', file: 'agents/unbounded.yaml', line: 21, column: 29 },
      { ruleId: 'non-finite-number', file: 'agents/unbounded.yaml', line: 22, column: 29 },
      { ruleId: 'non-finite-number', file: 'tiers/unbounded.yaml', line: 11, column: 14 },
    ],
    messages: [/^Infinity/, /^NaN/, /^-Infinity/],
  },
  'name-mismatch': {
    added: ['agents/robot.yaml'],
    expected: [{ ruleId: 'name-mismatch', file: 'agents/robot.yaml', line: 4, column: 9 }],
    messages: [/'rowbot' differs from the file name 'robot'/],
  },
  'api-version': {
    added: ['agents/old.yaml'],
    expected: [{ ruleId: 'api-version', file: 'agents/old.yaml', line: 1, column: 13 }],
    messages: [/'leash\/v0' is not supported/],
  },
  'unknown-kind': {
    added: ['agents/robot.yaml'],
    expected: [{ ruleId: 'unknown-kind', file: 'agents/robot.yaml', line: 2, column: 7 }],
    messages: [/'Robot' is not a leash kind/],
  },
  // 'toString' in KINDS is true through the prototype; it must still be an unknown kind.
  'unknown-kind-inherited': {
    added: ['agents/robot.yaml'],
    expected: [{ ruleId: 'unknown-kind', file: 'agents/robot.yaml', line: 2, column: 7 }],
    messages: [/'toString' is not a leash kind/],
  },
  'kind-mismatch': {
    added: ['agents/helpdesk.yaml'],
    expected: [{ ruleId: 'kind-mismatch', file: 'agents/helpdesk.yaml', line: 2, column: 7 }],
    messages: [/agents\/ holds Agent documents, but this file is a Template/],
  },
  'duplicate-name': {
    added: ['agents/team/bot.yaml'],
    expected: [{ ruleId: 'duplicate-name', file: 'agents/team/bot.yaml', line: 4, column: 9 }],
    messages: [/already defined in agents\/bot\.yaml/],
  },
  'multiple-documents': {
    added: ['agents/multi.yaml'],
    expected: [{ ruleId: 'multiple-documents', file: 'agents/multi.yaml', line: 20, column: 1 }],
  },
  'empty-file': {
    added: ['agents/empty.yaml'],
    expected: [{ ruleId: 'empty-file', file: 'agents/empty.yaml', line: 1, column: 1 }],
  },
  'invalid-encoding-binary': {
    added: ['agents/binary.yaml'],
    // The first NUL byte: line 3, after 'meta'.
    expected: [{ ruleId: 'invalid-encoding', file: 'agents/binary.yaml', line: 3, column: 5 }],
    messages: [/binary/],
  },
  'invalid-encoding-latin1': {
    added: ['agents/latin1.yaml'],
    // 'café' saved as Latin-1: the lone 0xE9 byte after '  owner: caf'.
    expected: [{ ruleId: 'invalid-encoding', file: 'agents/latin1.yaml', line: 6, column: 13 }],
    messages: [/not valid UTF-8/],
  },
  // Lines ended by a lone CR: js-yaml reads lines, the yaml library one long line.
  'lone-carriage-return': {
    added: ['agents/old-mac.yaml'],
    expected: [{ ruleId: 'invalid-encoding', file: 'agents/old-mac.yaml', line: 1, column: 21 }],
    messages: [/carriage return \(CR\) that is not part of a CRLF line end/],
  },
  'bom-accepted': {
    added: ['agents/bom.yaml'],
    expected: [],
    extraDocuments: ['Agent/bom'],
  },
  submodule: {
    added: ['.gitmodules'],
    expected: [{ ruleId: 'submodule', file: '.gitmodules', line: 1, column: 1 }],
  },
};

function findings(diagnostics: readonly Diagnostic[]): Finding[] {
  return diagnostics.map((d) => ({
    ruleId: d.ruleId,
    file: d.file,
    line: d.range!.start.line,
    column: d.range!.start.column,
  }));
}

function check(root: string) {
  const read = readPolicyDir(root);
  const result = validatePolicyFiles(read, { now: TEST_NOW });
  return {
    result,
    found: findings(result.diagnostics),
    documents: result.documents.map((d) => `${d.kind}/${d.name}`).sort(),
  };
}

function listFiles(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, path) : [path];
  });
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Writes BASE_FILES plus extra files into a fresh temporary folder and returns its path. */
function writeRepo(extra: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'leash-hostile-'));
  temps.push(root);
  for (const [path, text] of Object.entries({ ...BASE_FILES, ...extra })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('hostile fixtures', () => {
  it('has a folder for every case and a case for every folder', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: ${c.expected.map((e) => e.ruleId).join(', ') || 'accepted'}`, () => {
      const root = join(FIXTURES, name);
      // The fixture is the base repository plus the hostile files, so they alone explain the result.
      expect(listFiles(root).sort()).toEqual([...Object.keys(BASE_FILES), ...c.added].sort());
      for (const [path, text] of Object.entries(BASE_FILES))
        expect(readFileSync(join(root, path), 'utf8')).toBe(text);

      const { result, found, documents } = check(root);
      expect(found).toEqual(c.expected);
      for (const [i, pattern] of (c.messages ?? []).entries())
        expect(result.diagnostics[i]!.message).toMatch(pattern);
      for (const d of result.diagnostics) {
        expect(d.severity).toBe('error');
        expect(d.hint ?? '').not.toBe('');
      }
      // The other files are still read and checked.
      expect(documents).toEqual([...BASE_DOCUMENTS, ...(c.extraDocuments ?? [])].sort());
    });
  }
});

describe('hostile inputs built at test time', () => {
  const agentFile = (name: string, specExtra = '') =>
    BASE_FILES['agents/bot.yaml']!.replace('name: bot', `name: ${name}`)
      .replace('vault://kv/agents/bot', `vault://kv/agents/${name}`)
      .replace('  owner: cx-team\n', `  owner: cx-team\n${specExtra}`);

  it('refuses a file over the size limit by its size', () => {
    const pad = LIMITS.maxFileBytes + 1 - Buffer.byteLength(agentFile('huge'));
    const root = writeRepo({ 'agents/huge.yaml': agentFile('huge') + '#'.repeat(pad - 1) + '\n' });
    const { result, found, documents } = check(root);
    expect(found).toEqual([{ ruleId: 'file-too-large', file: 'agents/huge.yaml', line: 1, column: 1 }]);
    expect(result.diagnostics[0]!.message).toContain(`${LIMITS.maxFileBytes + 1} bytes`);
    expect(documents).toEqual(BASE_DOCUMENTS);
  });

  it('reads a file of exactly the size limit', () => {
    const pad = LIMITS.maxFileBytes - Buffer.byteLength(agentFile('big'));
    const root = writeRepo({ 'agents/big.yaml': agentFile('big') + '#'.repeat(pad - 1) + '\n' });
    const { found, documents } = check(root);
    expect(found).toEqual([]);
    expect(documents).toContain('Agent/big');
  });

  it('never reads an oversized file into memory', () => {
    // A sparse 64 GiB file: far more than one Buffer can hold, so reading it would throw.
    const root = writeRepo();
    const fd = openSync(join(root, 'agents/sparse.yaml'), 'w');
    ftruncateSync(fd, 64 * 1024 ** 3);
    closeSync(fd);
    const { result, found } = check(root);
    expect(found).toEqual([{ ruleId: 'file-too-large', file: 'agents/sparse.yaml', line: 1, column: 1 }]);
    expect(result.diagnostics[0]!.message).toContain(`${64 * 1024 ** 3} bytes`);
  });

  describe('nesting deeper than the limit', () => {
    // Depth counts collections from the root: the document (1), spec (2), then the hostile ones.
    const depth = 20_000;

    it('in flow style', () => {
      const root = writeRepo({
        'agents/deep.yaml': agentFile('deep', `  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
      });
      const { found, documents } = check(root);
      // '  x: ' is 5 columns; the 31st '[' opens the 33rd collection.
      expect(found).toEqual([
        { ruleId: 'nesting-too-deep', file: 'agents/deep.yaml', line: 7, column: 5 + 31 },
      ]);
      expect(documents).toEqual(BASE_DOCUMENTS);
    });

    it('in block style (- - - …)', () => {
      const root = writeRepo({ 'agents/deep.yaml': agentFile('deep', `  x:\n    ${'- '.repeat(depth)}x\n`) });
      const { found } = check(root);
      // The dashes start at column 5, two columns apart: the 31st is at column 65.
      expect(found).toEqual([
        { ruleId: 'nesting-too-deep', file: 'agents/deep.yaml', line: 8, column: 5 + 2 * 30 },
      ]);
    });

    it('in indented mappings', () => {
      const lines = Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`);
      const root = writeRepo({ 'agents/deep.yaml': agentFile('deep', `  x:\n${lines.join('\n')} 1\n`) });
      const { found } = check(root);
      // x's mapping is the 3rd collection; k30, on the 31st of these lines, is the 33rd.
      expect(found).toEqual([
        { ruleId: 'nesting-too-deep', file: 'agents/deep.yaml', line: 7 + 31, column: 2 * 32 + 1 },
      ]);
    });

    it('in sequences of mappings, in flow mappings and in a block scalar that only looks deep', () => {
      const seqOfMaps = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 2)}- k:`).join('\n') + ' 1\n';
      const root = writeRepo({
        'agents/deep.yaml': agentFile('deep', `  x:\n${seqOfMaps}`),
        'agents/flow.yaml': agentFile('flow', `  x: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`),
        // Text in a block scalar is not structure, however many brackets it holds.
        'agents/text.yaml': agentFile('text', `  x: |\n    ${'[- '.repeat(depth)}\n`),
      });
      const { found } = check(root);
      expect(found).toEqual([
        // Line 8 + i holds a sequence at column 2i + 5 (collection 3 + 2i) and a mapping in it:
        // the sequence on line 23 is the 33rd collection.
        { ruleId: 'nesting-too-deep', file: 'agents/deep.yaml', line: 8 + 15, column: 2 * 15 + 5 },
        { ruleId: 'nesting-too-deep', file: 'agents/flow.yaml', line: 7, column: 5 + 4 * 30 + 1 },
        // Not too deep: only the schema objects to the unknown property.
        { ruleId: 'schema', file: 'agents/text.yaml', line: 7, column: 3 },
      ]);
    });
  });

  it('reports a symlinked file and a symlinked folder without following them', () => {
    const outside = mkdtempSync(join(tmpdir(), 'leash-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'evil.yaml'), agentFile('evil'));
    const root = writeRepo();
    symlinkSync('/etc/passwd', join(root, 'agents/passwd.yaml'));
    symlinkSync(outside, join(root, 'agents/shared'));
    symlinkSync(outside, join(root, 'templates/linked'));
    const { found, documents } = check(root);
    expect(found).toEqual([
      { ruleId: 'symlink', file: 'agents/passwd.yaml', line: 1, column: 1 },
      { ruleId: 'symlink', file: 'agents/shared', line: 1, column: 1 },
      { ruleId: 'symlink', file: 'templates/linked', line: 1, column: 1 },
    ]);
    expect(documents).toEqual(BASE_DOCUMENTS);
  });

  it('reports a policy folder that is itself a link, and a linked leash.yaml', () => {
    const outside = mkdtempSync(join(tmpdir(), 'leash-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'leash.yaml'), BASE_FILES['leash.yaml']!);
    const root = writeRepo();
    rmSync(join(root, 'systems'), { recursive: true });
    symlinkSync(outside, join(root, 'systems'));
    rmSync(join(root, 'leash.yaml'));
    symlinkSync(join(outside, 'leash.yaml'), join(root, 'leash.yaml'));
    const { found, documents } = check(root);
    expect(found.filter((f) => f.ruleId === 'symlink')).toEqual([
      { ruleId: 'symlink', file: 'leash.yaml', line: 1, column: 1 },
      { ruleId: 'symlink', file: 'systems', line: 1, column: 1 },
    ]);
    expect(documents).not.toContain('Config/test');
    expect(documents).not.toContain('System/crm');
  });

  it('reports a nested git repository and a submodule checkout without reading them', () => {
    const root = writeRepo({
      'agents/vendor/evil.yaml': agentFile('evil'),
      'agents/vendor/.git/HEAD': 'ref: refs/heads/main\n',
      // A submodule checkout has a .git file pointing into the parent's .git/modules.
      'systems/sub/.git': 'gitdir: ../../.git/modules/sub\n',
      'systems/sub/evil.yaml': BASE_FILES['systems/crm.yaml']!.replace('name: crm', 'name: evil'),
    });
    const { found, documents } = check(root);
    expect(found).toEqual([
      { ruleId: 'submodule', file: 'agents/vendor', line: 1, column: 1 },
      { ruleId: 'submodule', file: 'systems/sub', line: 1, column: 1 },
    ]);
    expect(documents).toEqual(BASE_DOCUMENTS);
  });

  it.skipIf(process.platform === 'win32')('reports a named pipe instead of waiting on it', () => {
    const root = writeRepo();
    execFileSync('mkfifo', [join(root, 'agents/pipe.yaml')]);
    const { found, documents } = check(root);
    expect(found).toEqual([{ ruleId: 'not-a-file', file: 'agents/pipe.yaml', line: 1, column: 1 }]);
    expect(documents).toEqual(BASE_DOCUMENTS);
  });

  it('keeps checking the other files when three are unreadable', () => {
    const bomb = Array.from(
      { length: 8 },
      (_, k) => `a${k + 1}: &a${k + 1} [*a${k}, *a${k}, *a${k}, *a${k}]`,
    );
    const root = writeRepo({
      'agents/syntax.yaml': 'apiVersion: leash/v1\nkind: Agent\nspec: [unclosed\n',
      'agents/binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
      'systems/bomb.yaml': `a0: &a0 x\n${bomb.join('\n')}\n`,
      // A valid agent with a lint problem: still loaded and still linted.
      'agents/helper.yaml': agentFile('helper').replace('    - system: crm\n', '    - system: billing\n'),
    });
    const { result, found, documents } = check(root);
    expect(found.filter((f) => f.file !== 'agents/syntax.yaml')).toEqual([
      { ruleId: 'invalid-encoding', file: 'agents/binary.yaml', line: 1, column: 8 },
      { ruleId: 'unknown-system', file: 'agents/helper.yaml', line: 16, column: 15 },
      // a2 expands to 20 aliases; with a1's 4, the second *a2 on line 4 passes 64.
      { ruleId: 'alias-limit', file: 'systems/bomb.yaml', line: 4, column: 15 },
    ]);
    expect(found.filter((f) => f.file === 'agents/syntax.yaml').map((f) => f.ruleId)).toContain(
      'yaml-syntax',
    );
    expect(found.find((f) => f.file === 'agents/syntax.yaml')).toMatchObject({ line: 4, column: 1 });
    expect(documents).toEqual([...BASE_DOCUMENTS, 'Agent/helper'].sort());
    expect(result.files.map((f) => f.path)).toContain('agents/helper.yaml');
  });
});
