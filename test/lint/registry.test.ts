import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/lint/registry.js';
import { LOADER_CHECKS } from '../../src/source/checks.js';
import { lintWithRule } from '../helpers/rule-tester.js';
import { BASE_FILES, TEST_NOW, repoFiles } from '../helpers/policy-repo.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { readPolicyDir } from '../../src/source/files.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

describe('the rule registry', () => {
  it('holds at least 15 rules with unique kebab-case ids, in id order', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(Object.keys(LOADER_CHECKS)).not.toContain(id);
  });

  it.each(RULES.map((r) => [r.id]))('%s has its test, its doc page and a README entry', (id) => {
    expect(existsSync(new URL(`test/lint/rules/${id}.test.ts`, root))).toBe(true);
    const doc = read(`docs/rules/${id}.md`);
    expect(doc.startsWith(`# ${id}\n`)).toBe(true);
    for (const section of ['## Why', '## Bad', '## Good', '## Configure']) expect(doc).toContain(section);
    expect(read('README.md')).toContain(`[${id}](docs/rules/${id}.md)`);
  });

  it('has no doc page without a rule', () => {
    const pages = readdirSync(new URL('docs/rules/', root)).map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual(RULES.map((r) => r.id));
  });

  it('knows every rule id the loader emits on the hostile fixtures', () => {
    const known = new Set([...Object.keys(LOADER_CHECKS), ...RULES.map((r) => r.id)]);
    const hostile = new URL('test/fixtures/hostile/', root);
    const emitted = new Set<string>();
    for (const dir of readdirSync(hostile)) {
      const result = validatePolicyFiles(readPolicyDir(new URL(dir, hostile).pathname), { now: TEST_NOW });
      for (const d of result.diagnostics) emitted.add(d.ruleId);
    }
    expect(emitted.size).toBeGreaterThan(15);
    expect([...emitted].filter((id) => !known.has(id))).toEqual([]);
  });

  it('documents every loader check', () => {
    const doc = read('docs/loader-checks.md');
    for (const id of Object.keys(LOADER_CHECKS)) expect(doc).toContain(`\n## ${id}\n`);
  });
});

describe('severities from leash.yaml', () => {
  const config = (rules: string) => BASE_FILES['leash.yaml']! + `  lint:\n    rules:\n${rules}`;
  const broken = BASE_FILES['agents/bot.yaml']!.replace('system: crm', 'system: crn');
  const rule = RULES.find((r) => r.id === 'unknown-system')!;

  it('lowers a rule to warning', () => {
    const { findings } = lintWithRule(rule, {
      'leash.yaml': config('      unknown-system: warning\n'),
      'agents/bot.yaml': broken,
    });
    expect(findings.map((d) => d.severity)).toEqual(['warning']);
  });

  it('turns a rule off', () => {
    const { findings } = lintWithRule(rule, {
      'leash.yaml': config('      unknown-system: off\n'),
      'agents/bot.yaml': broken,
    });
    expect(findings).toEqual([]);
  });

  it('reports an unknown rule id at its key', () => {
    const result = validatePolicyFiles(
      { files: repoFiles({ 'leash.yaml': config('      no-such-rule: off\n') }), diagnostics: [] },
      { now: TEST_NOW },
    );
    const d = result.diagnostics.find((x) => x.ruleId === 'unknown-rule');
    expect(d).toMatchObject({
      file: 'leash.yaml',
      severity: 'error',
      range: { start: { line: 11, column: 7 } },
    });
  });

  it('rejects a severity that is not error, warning, info or off', () => {
    const result = validatePolicyFiles(
      { files: repoFiles({ 'leash.yaml': config('      unknown-system: fatal\n') }), diagnostics: [] },
      { now: TEST_NOW },
    );
    expect(result.diagnostics.find((x) => x.ruleId === 'schema')).toMatchObject({
      file: 'leash.yaml',
      range: { start: { line: 11, column: 23 } },
    });
  });
});
