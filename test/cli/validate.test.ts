import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import AjvDraft04 from 'ajv-draft-04';
import { BASE_FILES } from '../helpers/policy-repo.js';
import { runLeash, writeTempRepo } from '../helpers/cli.js';
import { RULES } from '../../src/lint/registry.js';
import { LOADER_CHECKS } from '../../src/source/checks.js';

const NOW = '2026-06-01T12:00:00Z';
const dirs: string[] = [];
const repo = (overrides: Record<string, string> = {}) => {
  const dir = writeTempRepo({ ...BASE_FILES, ...overrides });
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const broken = {
  'agents/bot.yaml': BASE_FILES['agents/bot.yaml']!.replace('system: crm', 'system: crn'),
  'agents/dup.yaml': 'a: 1\na: 2\n',
};

describe('leash validate', () => {
  it('exits 0 and prints a summary on a clean repository', async () => {
    const r = await runLeash(['validate', repo(), '--now', NOW]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5 files, 5 documents: no problems/);
  });

  it('exits 1 and lists every problem as file:line:col with rule and hint', async () => {
    const dir = repo(broken);
    const r = await runLeash(['validate', '.', '--now', NOW], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain("agents/bot.yaml:16:15  error   the system 'crn' is not defined  unknown-system");
    expect(lines.some((l) => l.startsWith('agents/dup.yaml:2:1  error') && l.endsWith('duplicate-key'))).toBe(
      true,
    );
    expect(r.stdout).toMatch(/hint: Add systems\/<name>\.yaml/);
    expect(r.stdout).toMatch(/2 problems \(2 errors, 0 warnings\) in 2 files of 6/);
  });

  it('prints paths relative to where it is run', async () => {
    const dir = repo(broken);
    const r = await runLeash(['validate', 'sub', '--now', NOW], join(dir, '..'));
    expect(r.code).toBe(2); // no such folder
    const ok = await runLeash(
      ['validate', dir.split('/').pop()!, '--now', NOW, '--format', 'json'],
      join(dir, '..'),
    );
    const json = JSON.parse(ok.stdout) as { diagnostics: { file: string }[] };
    expect(json.diagnostics.map((d) => d.file)).toContain(`${dir.split('/').pop()}/agents/bot.yaml`);
  });

  it('json: formatVersion, summary and located diagnostics', async () => {
    const r = await runLeash(['validate', repo(broken), '--now', NOW, '-f', 'json']);
    const json = JSON.parse(r.stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.summary).toEqual({ files: 6, documents: 5, error: 2, warning: 0, info: 0 });
    expect(json.diagnostics.find((d: { ruleId: string }) => d.ruleId === 'unknown-system')).toMatchObject({
      file: expect.stringMatching(/agents\/bot\.yaml$/),
      line: 16,
      column: 15,
      severity: 'error',
      ruleId: 'unknown-system',
      pointer: '/spec/grants/1/system',
    });
  });

  it('sarif: valid against the SARIF 2.1.0 schema and lists every rule and check', async () => {
    const r = await runLeash(['validate', repo(broken), '--now', NOW, '-f', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const require = createRequire(import.meta.url);
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new AjvDraft04.default({
      allErrors: true,
      strict: false,
      validateFormats: false,
      unicodeRegExp: false,
    });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const ids = sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toEqual([...Object.keys(LOADER_CHECKS), ...RULES.map((x) => x.id)]);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'unknown-system');
    expect(ids[result.ruleIndex]).toBe('unknown-system');
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 16, startColumn: 15 });
  });

  it('github: one escaped workflow annotation per problem', async () => {
    const dir = repo(broken);
    const r = await runLeash(['validate', '.', '--now', NOW, '-f', 'github'], dir);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "::error file=agents/bot.yaml,line=16,col=15,endLine=16,endColumn=18,title=leash unknown-system::the system 'crn' is not defined%0AAdd systems/<name>.yaml for the system, or correct the name in the grant.",
    );
  });

  it('--output writes the report to a file', async () => {
    const dir = repo(broken);
    const r = await runLeash(['validate', '.', '--now', NOW, '-f', 'sarif', '-o', 'out/leash.sarif'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'out/leash.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('--fail-on error lets warnings pass; warnings fail by default', async () => {
    const dir = repo({
      'templates/extra.yaml': BASE_FILES['templates/support.yaml']!.replace('name: support', 'name: extra'),
    });
    const strict = await runLeash(['validate', dir, '--now', NOW]);
    const lenient = await runLeash(['validate', dir, '--now', NOW, '--fail-on', 'error']);
    const warnings = JSON.parse((await runLeash(['validate', dir, '--now', NOW, '-f', 'json'])).stdout)
      .summary.warning;
    expect(warnings).toBeGreaterThan(0);
    expect(strict.code).toBe(1);
    expect(lenient.code).toBe(0);
  });

  it('exits 2 on a folder without policy files, so a job pointed at the wrong folder fails', async () => {
    const empty = writeTempRepo({ 'README.md': 'not a policy repository\n' });
    dirs.push(empty);
    const r = await runLeash(['validate', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no policy files in .*: expected leash\.yaml and agents\//);
    expect((await runLeash(['validate', empty, '--cache'])).code).toBe(2);
  });

  it('reports a policy folder that is a file', async () => {
    const dir = repo({ 'templates/support.yaml': BASE_FILES['templates/support.yaml']! });
    const { rmSync: rm, writeFileSync: write } = await import('node:fs');
    rm(join(dir, 'tiers'), { recursive: true });
    write(join(dir, 'tiers'), 'standard\n');
    const r = await runLeash(['validate', dir, '--now', NOW, '-f', 'json']);
    const found = JSON.parse(r.stdout).diagnostics.find((d: { ruleId: string }) => d.ruleId === 'not-a-file');
    expect(found).toMatchObject({
      file: expect.stringMatching(/tiers$/),
      message: expect.stringMatching(/must be a folder/),
    });
    expect(r.code).toBe(1);
  });

  it('exits 2 on a missing folder, a bad --now and a bad format', async () => {
    expect((await runLeash(['validate', '/nonexistent/leash'])).code).toBe(2);
    const badNow = await runLeash(['validate', repo(), '--now', 'yesterday']);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toMatch(/--now: 'yesterday' is not an ISO 8601/);
    expect((await runLeash(['validate', repo(), '--format', 'xml'])).code).toBe(2);
    expect((await runLeash(['frobnicate'])).code).toBe(2);
  });

  it('--cache serves an unchanged repository from the cache and notices a change', async () => {
    const dir = repo();
    const args = ['validate', '.', '--now', NOW, '--cache', '-f', 'json'];
    const first = await runLeash(args, dir);
    expect(first.code).toBe(0);
    const cacheFile = join(dir, '.leash-cache/validate.json');
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    expect(cached.fileCount).toBe(5);
    expect((await runLeash(args, dir)).stdout).toBe(first.stdout);
    // A change to a policy file must miss the cache.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'agents/bot.yaml'), broken['agents/bot.yaml']);
    const changed = await runLeash(args, dir);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout).diagnostics[0].ruleId).toBe('unknown-system');
    // The next day, the same tree is validated again (expiries depend on the date).
    const nextDay = await runLeash(
      ['validate', '.', '--now', '2026-06-02T12:00:00Z', '--cache', '-f', 'json'],
      dir,
    );
    expect(nextDay.code).toBe(1);
    expect(JSON.parse(readFileSync(cacheFile, 'utf8')).from).toBe(Date.parse('2026-06-02T00:00:00Z'));
  });
});

describe('leash init', () => {
  it('scaffolds a repository that validates cleanly, and refuses to overwrite one', async () => {
    const dir = writeTempRepo({});
    dirs.push(dir);
    const r = await runLeash(['init', dir]);
    expect(r.code).toBe(0);
    const v = await runLeash(['validate', dir]);
    expect(v.stdout).toMatch(/no problems/);
    expect(v.code).toBe(0);
    const again = await runLeash(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(dir, 'agents/triage-bot.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.leash\/schemas\/agent\.schema\.json/,
    );
  });
});

describe('leash rules and --help', () => {
  it('lists every rule and loader check', async () => {
    const r = await runLeash(['rules', '-f', 'json']);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    for (const rule of RULES) expect(ids).toContain(rule.id);
    for (const id of Object.keys(LOADER_CHECKS)) expect(ids).toContain(id);
  });

  it.each([['validate'], ['init'], ['rules'], []])('--help for %s', async (...cmd) => {
    const r = await runLeash([...(cmd as string[]), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: leash/);
  });
});
