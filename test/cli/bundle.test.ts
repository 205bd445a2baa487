/**
 * The built `leash` command (npm run build: scripts/build-cli.mjs), as users run it. `leash diff`
 * lives in a CommonJS core loaded through V8's code cache and every other command in an ESM
 * chunk the core imports on demand: each command must still work from there, the chunks'
 * errors must reach the user as errors, and the caches the build made must be the ones this
 * Node takes. Run against the example policies/ in a git repository.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRevisions } from '../../src/diff/revisions.js';
import { formatBlastJson } from '../../src/report/blast.js';
import { GitRepo } from '../helpers/git-repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/leash.js');
const BUILT = join(ROOT, 'dist/cli');
const NOW = '2026-11-22T10:00:00Z';

let repo: GitRepo;
/** The example policies as they are (no git): what validate, sync and authorize run on. */
let plain: string;

beforeAll(() => {
  if (!existsSync(join(BUILT, 'leash.js'))) {
    throw new Error('the bundle test runs the built CLI: run npm run build first');
  }
  plain = mkdtempSync(join(tmpdir(), 'leash-bundle-'));
  cpSync(join(ROOT, 'policies'), plain, { recursive: true, filter: (p) => basename(p) !== '.leash' });
  repo = new GitRepo();
  cpSync(join(ROOT, 'policies'), repo.dir, { recursive: true, filter: (p) => basename(p) !== '.leash' });
  repo.commit('base');
  const agent = join(repo.dir, 'agents/reply-drafter.yaml');
  repo.write({
    'agents/reply-drafter.yaml': readFileSync(agent, 'utf8').replace(
      'mode: draft-only',
      'mode: execute-gated',
    ),
  });
  repo.commit('reply-drafter may send');
});

afterAll(() => {
  rmSync(repo.dir, { recursive: true, force: true });
  rmSync(plain, { recursive: true, force: true });
});

function leash(...args: string[]) {
  return leashIn(repo.dir, ...args);
}

function leashIn(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built leash command', () => {
  it('prints its version and help from the core', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(leash('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = leash('--help');
    expect(help.code).toBe(0);
    for (const command of [
      'validate',
      'diff',
      'approvals',
      'inventory',
      'sync',
      'kill',
      'authorize',
      'audit',
    ]) {
      expect(help.stdout).toContain(`  ${command} `);
    }
  });

  it('diffs two revisions exactly as the sources do', async () => {
    const run = leash('diff', '.', '--base', 'HEAD~1', '--head', 'HEAD', '-f', 'json', '--now', NOW);
    expect(run.code).toBe(0);
    const radius = await diffRevisions({ dir: repo.dir, base: 'HEAD~1', head: 'HEAD', now: new Date(NOW) });
    const expected = formatBlastJson(radius, { toolVersion: 'x' });
    const strip = (text: string) => {
      const data = JSON.parse(text) as Record<string, unknown>;
      delete data.toolVersion;
      return data;
    };
    expect(strip(run.stdout)).toEqual(strip(expected));
    expect((strip(run.stdout).agents as { name: string }[]).map((a) => a.name)).toEqual(['reply-drafter']);
  });

  it('runs the commands that load from chunks', () => {
    const validate = leashIn(plain, 'validate', '.', '-f', 'json', '--now', NOW);
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout)).toHaveProperty('diagnostics');

    const inventory = leashIn(plain, 'inventory', '.', '-f', 'json', '--now', NOW);
    expect(inventory.code).toBe(0);
    const agents = readdirSync(join(plain, 'agents')).filter((f) => f.endsWith('.yaml'));
    expect((JSON.parse(inventory.stdout) as { agents: unknown[] }).agents).toHaveLength(agents.length);

    const compiled = leashIn(plain, 'compile', '.', '--now', NOW);
    expect(compiled.code).toBe(0);
    expect(JSON.parse(compiled.stdout)).toHaveProperty('formatVersion');

    const approvals = leash('approvals', '.', '--base', 'HEAD~1', '--head', 'HEAD', '--now', NOW);
    expect(approvals.code).toBe(0);
    expect(approvals.stdout).toMatch(/approv/i);

    expect(leash('rules').stdout).toContain('duplicate-key');
  });

  it('syncs the local store and answers authorize from it (the chunks with targets and Cedar)', () => {
    const sync = leashIn(plain, 'sync', '.', '--now', NOW);
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    const decision = leashIn(
      plain,
      'authorize',
      '-C',
      '.',
      '--agent',
      'refund-agent',
      '--system',
      'payments',
      '--resource',
      'refund',
      '--action',
      'issue',
      '--context',
      'amount=120',
      '--context',
      'currency=EUR',
      '--at',
      '2026-11-24T10:00:00Z',
    );
    expect(decision.stdout).toMatch(/^needs-approval: /);
    expect(decision.code).toBe(1);
  });

  it("reports a chunk's errors as errors (exit 2 and the message), not as internal errors", () => {
    const run = leashIn(plain, 'validate', '.', '--now', 'someday');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("leash: --now: 'someday' is not an ISO 8601 date or time\n");
  });

  it('stops quietly when its reader closes the pipe early (leash rules | head)', async () => {
    const child = spawn(process.execPath, [BIN, 'rules'], { cwd: plain, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('ships code caches this Node takes', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { loadCachedModule } from ${JSON.stringify(new URL('file://' + join(BUILT, 'code-cache.js')).href)};
         const used = ['cli-core', 'diff-core'].map((name) =>
           loadCachedModule(new URL('./' + name + '.cjs', ${JSON.stringify('file://' + BUILT + '/')}),
             new URL('./' + name + '.cache', ${JSON.stringify('file://' + BUILT + '/')})).cacheUsed);
         console.log(JSON.stringify(used));`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual([true, true]);
  });
});
