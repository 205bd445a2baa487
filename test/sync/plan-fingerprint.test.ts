/**
 * The state fingerprint is worked out only for a plan that a later run applies: planSync makes
 * it unless told not to (`leash sync` applies its plan in the same run), and applying with
 * verification refuses a target whose plan carries none. Real local stores on disk.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintState } from '../../src/sync/plan.js';
import { applySync, closeSessions, openSessions, planSync, preparePolicy } from '../../src/sync/run.js';
import { localAdapter } from '../../src/sync/targets/local/index.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-fingerprint-'));
  dirs.push(dir);
  cpSync('policies', dir, { recursive: true, filter: (src) => !src.split('/').includes('.leash') });
  return dir;
}

async function readLocal(dir: string) {
  const connection = await localAdapter.connect({
    name: 'local',
    settings: { type: 'local', path: '.leash/state' },
    env: {},
    baseDir: dir,
  });
  return connection.read();
}

describe('the state fingerprint', () => {
  it('is in a plan by default and matches the state read; fingerprint: false leaves it out, and the plan still applies', async () => {
    const dir = copyExample();
    const prepared = preparePolicy(dir, NOW);
    const saved = await planSync(prepared, { env: {} });
    await closeSessions(saved.sessions);
    expect(saved.plan.targets.map((t) => t.stateFingerprint)).toEqual([fingerprintState([])]);

    const { plan, sessions } = await planSync(prepared, { env: {}, fingerprint: false });
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).not.toHaveProperty('stateFingerprint');
    expect(plan.targets[0]!.changes).toEqual(saved.plan.targets[0]!.changes);
    try {
      const outcome = await applySync(plan, sessions, { verifyFingerprint: false });
      expect(outcome.targets.map((t) => t.status)).toEqual(['applied']);
    } finally {
      await closeSessions(sessions);
    }
    const state = await readLocal(dir);
    expect(state.length).toBe(plan.targets[0]!.changes.length);

    const again = await planSync(prepared, { env: {} });
    await closeSessions(again.sessions);
    expect(again.plan.targets[0]!.changes).toEqual([]);
    expect(again.plan.targets[0]!.stateFingerprint).toBe(fingerprintState(state));
  });

  it('applying with verification refuses a target whose plan has no fingerprint, and changes nothing', async () => {
    const dir = copyExample();
    const prepared = preparePolicy(dir, NOW);
    const made = await planSync(prepared, { env: {}, fingerprint: false });
    await closeSessions(made.sessions);
    expect(made.plan.targets[0]!.changes.length).toBeGreaterThan(0);

    const { sessions, failed } = await openSessions(prepared, [{ name: 'local', type: 'local' }], {
      env: {},
    });
    expect(failed).toEqual([]);
    try {
      const outcome = await applySync(made.plan, sessions, { verifyFingerprint: true });
      expect(outcome.targets).toEqual([
        {
          name: 'local',
          type: 'local',
          status: 'refused',
          message: expect.stringMatching(/the plan holds no fingerprint of the state of local/),
          results: [],
        },
      ]);
    } finally {
      await closeSessions(sessions);
    }
    expect(readdirSync(dir)).not.toContain('.leash');
    expect(await readLocal(dir)).toEqual([]);
  });
});
