import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inventoryCommand } from '../../src/cli/inventory-command.js';
import type { InventoryFlags } from '../../src/cli/inventory-command.js';
import { CliError } from '../../src/cli/io.js';
import type { Inventory } from '../../src/inventory/inventory.js';
import { BASE_FILES } from '../helpers/policy-repo.js';
import { writeTempRepo } from '../helpers/cli.js';

const NOW = '2026-11-22T00:00:00Z';
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));
const dirs: string[] = [];
const repo = (overrides: Record<string, string> = {}) => {
  const dir = writeTempRepo({ ...BASE_FILES, ...overrides });
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the command in-process with captured output, as test/helpers/cli.ts does for runCli. */
async function run(dir: string, flags: Partial<InventoryFlags> = {}, cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const code = await inventoryCommand(
    dir,
    { format: 'text', now: NOW, ...flags },
    {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      cwd,
      env: {},
      isTty: false,
    },
  );
  return { code, stdout, stderr };
}

describe('leash inventory', () => {
  it('exits 0 on the example and lists every agent', async () => {
    const r = await run(POLICIES);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Agent inventory as of 2026-11-22T00:00:00.000Z: 9 agents \(9 active/);
    for (const name of ['refund-agent', 'voice-agent', 'service-agent', 'insights-analyst']) {
      expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    }
  });

  it('writes each format', async () => {
    const json = await run(POLICIES, { format: 'json' });
    const inventory = JSON.parse(json.stdout) as Inventory;
    expect(inventory.formatVersion).toBe(1);
    expect(inventory.asOf).toBe('2026-11-22T00:00:00.000Z');
    expect(inventory.agents).toHaveLength(9);
    const csv = await run(POLICIES, { format: 'csv' });
    expect(csv.stdout.split('\r\n')).toHaveLength(11); // header, 9 agents, and the final line break
    const md = await run(POLICIES, { format: 'markdown' });
    expect(md.stdout).toMatch(/^## Agent inventory/);
    expect([json.code, csv.code, md.code]).toEqual([0, 0, 0]);
  });

  it('resolves the folder against the working directory', async () => {
    const r = await run('policies', { format: 'json' }, join(POLICIES, '..'));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Inventory).agents).toHaveLength(9);
  });

  it('judges expiries as of --now', async () => {
    const r = await run(POLICIES, { format: 'json', now: '2027-02-01' });
    const inventory = JSON.parse(r.stdout) as Inventory;
    expect(inventory.figures.expiry.expired).toHaveLength(6);
    expect(r.code).toBe(0); // lapsed grants and overdue reviews are warnings, not errors
  });

  it('still prints what loaded when files have errors, warns on stderr and exits 1', async () => {
    const dir = repo({
      'agents/typo.yaml': BASE_FILES['agents/bot.yaml']!.replace('name: bot', 'name: typo')
        .replace('agents/bot', 'agents/typo')
        .replace('system: crm', 'system: crn'),
      'agents/broken.yaml': 'apiVersion: leash/v1\nkind: Agent\nmetadata: [\n',
    });
    const r = await run(dir, { format: 'json' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'leash: warning: 2 files have errors; the inventory shows what loaded and may be incomplete (run leash validate for details)\n',
    );
    const inventory = JSON.parse(r.stdout) as Inventory;
    expect(inventory.agents.map((a) => a.name)).toEqual(['bot', 'typo']);
  });

  it('names one file in the singular', async () => {
    const r = await run(repo({ 'agents/broken.yaml': 'kind: [\n' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^leash: warning: 1 file has errors;/);
    expect(r.stdout).toMatch(/^bot /m);
  });

  it('exits 0 when a repository has only warnings', async () => {
    const dir = repo({
      'agents/bot.yaml': BASE_FILES['agents/bot.yaml']!.replace(
        'mode: read-only',
        'mode: read-only\n      expires: 2026-01-01',
      ),
    });
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Expired grants\n {2}2026-01-01 {2}bot {2}crm\/contact \[read\] in read-only/);
  });

  it('--output writes the file instead of stdout', async () => {
    const dir = repo();
    const r = await run(dir, { format: 'csv', output: 'out/inventory.csv' }, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('leash: wrote out/inventory.csv\n');
    expect(readFileSync(join(dir, 'out/inventory.csv'), 'utf8')).toMatch(/^"name","file","status"/);
  });

  it('refuses a bad --now and a missing folder (runCli turns both into exit 2)', async () => {
    await expect(run(POLICIES, { now: 'yesterday' })).rejects.toThrow(CliError);
    await expect(run(POLICIES, { now: 'yesterday' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(join(POLICIES, 'no-such-folder'))).rejects.toMatchObject({ name: 'PolicyReadError' });
  });
});
