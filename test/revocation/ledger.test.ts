import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KillRecord } from '../../src/revoke/ledger.js';
import { acknowledgeKills, killsInForce, readKillLedger, updateKillLedger } from '../../src/revoke/ledger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ledgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-ledger-'));
  dirs.push(dir);
  return join(dir, '.leash', 'kills.json');
}

function kill(agent: string, id = `kill-${agent}`, state: KillRecord['state'] = 'in-force'): KillRecord {
  return { id, agent, at: '2026-11-22T10:00:00Z', by: 'alice', reason: 'test', receipts: [], state };
}

describe('the kill ledger', () => {
  it('loses no kill when many runs update it at once', async () => {
    const path = ledgerPath();
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        updateKillLedger(path, (ledger) => ({
          ledger: { ...ledger, kills: [...ledger.kills, kill(`agent-${i}`)] },
          result: undefined,
        })),
      ),
    );
    const ledger = await readKillLedger(path);
    expect(ledger.kills.map((k) => k.agent).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `agent-${i}`).sort(),
    );
  });

  it('keeps the latest kill of an agent in force and acknowledges only what the repository agrees with', () => {
    const ledger = {
      formatVersion: 1 as const,
      kills: [kill('a', 'k1', 'acknowledged'), kill('a', 'k2'), kill('b', 'k3'), kill('c', 'k4')],
    };
    expect([...killsInForce(ledger).values()].map((k) => k.id)).toEqual(['k2', 'k3', 'k4']);
    const next = acknowledgeKills(ledger, (agent) => agent !== 'b', '2026-11-23T00:00:00Z', 'abc123');
    expect(next.acknowledged.map((k) => k.id)).toEqual(['k2', 'k4']);
    expect(next.ledger.kills.map((k) => k.state)).toEqual([
      'acknowledged',
      'acknowledged',
      'in-force',
      'acknowledged',
    ]);
    expect(next.ledger.kills[1]!.acknowledged).toEqual({ at: '2026-11-23T00:00:00Z', commit: 'abc123' });
    // The input is not changed: the function is pure.
    expect(ledger.kills[1]!.state).toBe('in-force');
  });

  it('is empty when absent and refuses a file that is not a ledger, naming it', async () => {
    const path = ledgerPath();
    expect((await readKillLedger(path)).kills).toEqual([]);
    mkdirSync(join(path, '..'));
    const cases: [string, RegExp][] = [
      ['[]', /expected an object/],
      ['{"formatVersion":2,"kills":[]}', /formatVersion must be 1/],
      [
        '{"formatVersion":1,"kills":[{"id":"x","agent":"../etc","at":"t","by":"b","reason":"r","state":"in-force","receipts":[]}]}',
        /kills\[0\]\.agent/,
      ],
      [
        '{"formatVersion":1,"kills":[{"id":"x","agent":"a","at":"t","by":"b","reason":"r","state":"maybe","receipts":[]}]}',
        /state must be/,
      ],
      ['{"__proto__":{"x":1},"formatVersion":1,"kills":[]}', /expected an object/],
      ['{"formatVersion":1,', /not valid JSON/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path, text);
      await expect(readKillLedger(path)).rejects.toThrow(message);
      await expect(readKillLedger(path)).rejects.toThrow(path);
    }
  });
});
