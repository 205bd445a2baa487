import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localAdapter, LocalStore } from '../../../src/sync/targets/local/index.js';
import type { ConformanceSetup } from '../target-conformance.js';
import { describeTargetConformance, readState } from '../target-conformance.js';

const base = mkdtempSync(join(tmpdir(), 'leash-local-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const setup: ConformanceSetup = {
  adapter: localAdapter,
  connect: () =>
    localAdapter.connect({ name: 't', settings: { type: 'local', path: 'state' }, env: {}, baseDir: base }),
  async createForeign() {
    // The store is leash's alone; a foreign file beside it (not in agents/) is never read or removed.
    const path = join(base, 'state-notes.txt');
    writeFileSync(path, 'kept');
    return async () => expect(readFileSync(path, 'utf8')).toBe('kept');
  },
  fixture: {
    resources: ['contact', 'case', 'refund'].map((name) => ({
      name,
      object: name,
      read: [],
      write: [],
      columns: ['email', 'phone'] as [string, string],
    })),
  },
};

describe('local target', () => {
  describeTargetConformance(() => setup);

  it('refuses a path that leaves the repository, directly or through a symbolic link', async () => {
    for (const path of ['../elsewhere', 'a/../../b', '/etc/leash']) {
      await expect(
        localAdapter.connect({ name: 't', settings: { type: 'local', path }, env: {}, baseDir: base }),
      ).rejects.toThrow(/inside|outside/);
    }
    const outside = mkdtempSync(join(tmpdir(), 'leash-outside-'));
    symlinkSync(outside, join(base, 'escape'));
    await expect(
      localAdapter.connect({
        name: 't',
        settings: { type: 'local', path: 'escape/state' },
        env: {},
        baseDir: base,
      }),
    ).rejects.toThrow(/outside/);
    rmSync(outside, { recursive: true, force: true });
  });

  it('never takes a corrupt or foreign store for an empty one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-local-bad-'));
    writeFileSync(join(dir, 'something.txt'), 'not ours');
    await expect(new LocalStore(dir).read()).rejects.toThrow(/not a leash local store/);
    const good = join(base, 'state');
    await readState(setup);
    mkdirSync(join(good, 'agents'), { recursive: true });
    writeFileSync(join(good, 'agents', 'zulu.json'), '{"formatVersion": 1, "agent": "zulu"');
    await expect(new LocalStore(good).read()).rejects.toThrow(/zulu.json: not valid JSON/);
    writeFileSync(join(good, 'agents', 'zulu.json'), '{"formatVersion": 1, "agent": "yankee"}');
    await expect(new LocalStore(good).read()).rejects.toThrow(/agent does not match/);
    rmSync(join(good, 'agents', 'zulu.json'));
    rmSync(dir, { recursive: true, force: true });
  });
});
