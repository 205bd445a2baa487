import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLeash } from '../helpers/cli.js';

const NOW = '2026-11-22T10:00:00Z';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the example repository, syncing into its embedded local store. */
function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-sync-'));
  dirs.push(dir);
  // Not the local store a quick start may have synced into policies/.leash.
  cpSync('policies', dir, { recursive: true, filter: (src) => !src.split('/').includes('.leash') });
  return dir;
}

function edit(dir: string, file: string, from: string | RegExp, to: string) {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(path, next);
}

function suspend(dir: string, agent: string) {
  edit(dir, `agents/${agent}.yaml`, /^ {2}tier: (.+)$/m, '  tier: $1\n  status: suspended');
}

describe('leash sync into the local target', () => {
  it('syncs the example, and a second sync right after changes nothing', async () => {
    const dir = copyExample();
    const first = await runLeash(['sync', dir, '--now', NOW]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^local \(local\): applied \d+ changes$/m);
    const second = await runLeash(['sync', dir, '--now', NOW]);
    expect(second.stdout).toBe('local (local): already in sync, nothing to do\n');
    expect(second.code).toBe(0);
    const drift = await runLeash(['drift', dir, '--now', NOW]);
    expect(drift.code).toBe(0);
    expect(drift.stdout).toMatch(/^No drift/);
  });

  it('plans without writing, deterministically, and lists every removal', async () => {
    const dir = copyExample();
    const a = await runLeash(['plan', dir, '--now', NOW, '--format', 'json']);
    const b = await runLeash(['plan', dir, '--now', NOW, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).targets[0].summary.create).toBeGreaterThan(10);
    // nothing was written: a plan again still has everything to create
    await runLeash(['sync', dir, '--now', NOW]);
    suspend(dir, 'kb-curator');
    const plan = await runLeash(['plan', dir, '--now', NOW]);
    const removals = plan.stdout.split('\n').filter((l) => l.startsWith('  - remove permission kb-curator/'));
    expect(removals.length).toBeGreaterThan(0);
    expect(plan.stdout).toMatch(/~ change agent kb-curator: status "active" -> "suspended"/);
  });

  it('applies a saved plan, and refuses it once the state has moved on', async () => {
    const dir = copyExample();
    const planFile = join(dir, 'plan.json');
    expect((await runLeash(['plan', dir, '--now', NOW, '--out', planFile])).code).toBe(0);
    const applied = await runLeash(['apply', planFile, '--dir', dir]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/applied \d+ changes/);
    const again = await runLeash(['apply', planFile, '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/REFUSED: the state of local has changed since the plan was made/);
  });

  it('fingerprints every plan it prints as JSON or saves, so either can be applied later', async () => {
    const dir = copyExample();
    const planFile = join(dir, 'plan.json');
    const saved = await runLeash(['plan', dir, '--now', NOW, '--out', planFile]);
    expect(saved.code).toBe(0);
    const printed = await runLeash(['plan', dir, '--now', NOW, '--format', 'json']);
    const fingerprint = JSON.parse(printed.stdout).targets[0].stateFingerprint;
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).targets[0].stateFingerprint).toBe(fingerprint);
    const drift = await runLeash(['drift', dir, '--now', NOW, '--format', 'json']);
    expect(JSON.parse(drift.stdout).targets[0].stateFingerprint).toBe(fingerprint);
    const printedFile = join(dir, 'printed.json');
    writeFileSync(printedFile, printed.stdout);
    const applied = await runLeash(['apply', printedFile, '--dir', dir]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/applied \d+ changes/);
    // A plan file without a fingerprint is not a plan: nothing could check it against the state.
    const bare = JSON.parse(printed.stdout);
    delete bare.targets[0].stateFingerprint;
    writeFileSync(printedFile, JSON.stringify(bare));
    const refused = await runLeash(['apply', printedFile, '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the plan is not valid:[^]*stateFingerprint/);
  });

  it('reports a broken plan file with its position', async () => {
    const dir = copyExample();
    const planFile = join(dir, 'plan.json');
    writeFileSync(
      planFile,
      '{\n  "formatVersion": 2,\n  "asOf": "x", "held": [], "targets": [], "failed": []\n}\n',
    );
    const r = await runLeash(['apply', planFile, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plan\.json:2:\d+: .*formatVersion/);
  });

  it('holds an agent whose file is broken: nothing of it is granted or pruned', async () => {
    const dir = copyExample();
    await runLeash(['sync', dir, '--now', NOW]);
    writeFileSync(join(dir, 'agents/kb-curator.yaml'), 'apiVersion: leash/v1\nkind: Agent\nmetadata: [\n');
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Held back[^]*kb-curator: its file has errors/);
    expect(r.stdout).toMatch(/local \(local\): already in sync/);
    const state = JSON.parse(readFileSync(join(dir, '.leash/state/agents/kb-curator.json'), 'utf8'));
    expect(state.permissions.length).toBeGreaterThan(0);
  });

  it('stops at the removal guardrail unless overridden', async () => {
    const dir = copyExample();
    await runLeash(['sync', dir, '--now', NOW]);
    for (const agent of ['service-agent', 'voice-agent', 'reply-drafter', 'insights-analyst']) {
      suspend(dir, agent);
    }
    const blocked = await runLeash(['sync', dir, '--now', NOW]);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/BLOCKED: local: this sync would remove \d+ of \d+ managed grants/);
    expect((await runLeash(['plan', dir, '--now', NOW])).stdout).toMatch(
      /BLOCKED by guardrail max-removal-percent/,
    );
    const forced = await runLeash(['sync', dir, '--now', NOW, '--override-guardrails']);
    expect(forced.code).toBe(0);
    expect((await runLeash(['sync', dir, '--now', NOW])).stdout).toMatch(/already in sync/);
  });

  it('a target that cannot be synced fails alone and loudly', async () => {
    const dir = copyExample();
    edit(
      dir,
      'leash.yaml',
      / {2}guardrails:/,
      '    idp:\n      type: okta\n      url: https://example.okta.com\n\n  guardrails:',
    );
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /idp \(okta\): UNREACHABLE: target type okta is declared in the schema but this version of leash cannot sync it yet/,
    );
    expect(r.stdout).toMatch(/local \(local\): applied \d+ changes/);
  });

  it('refuses to sync when leash.yaml is broken, naming where', async () => {
    const dir = copyExample();
    writeFileSync(
      join(dir, 'leash.yaml'),
      'apiVersion: leash/v1\nkind: Config\nmetadata:\n  name: x\nspec:\n  targets: 3\n',
    );
    const r = await runLeash(['sync', dir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/leash\.yaml:6:\d+: .*targets/);
  });
});

describe('leash authorize', () => {
  async function synced() {
    const dir = copyExample();
    expect((await runLeash(['sync', dir, '--now', NOW])).code).toBe(0);
    return dir;
  }
  const ask = (dir: string, ...args: string[]) => runLeash(['authorize', '-C', dir, ...args]);

  it('answers each of the six decisions with the deciding grant', async () => {
    const dir = await synced();
    const refund = [
      '--agent',
      'refund-agent',
      '--system',
      'payments',
      '--resource',
      'refund',
      '--action',
      'issue',
      '--context',
      'amount=120.50',
      '--context',
      'currency=EUR',
      '--at',
      '2026-11-24T10:00:00Z',
    ];
    const gated = await ask(dir, ...refund);
    expect(gated.stdout).toMatch(/^needs-approval: execute-gated grant of payments\/refund\/issue/);
    expect(gated.stdout).toMatch(/grant: execute-gated, from agents\/refund-agent\.yaml:\d+/);
    expect(gated.code).toBe(1);
    const tooMuch = await ask(dir, ...refund.map((a) => (a === 'amount=120.50' ? 'amount=250.01' : a)));
    expect(tooMuch.stdout).toMatch(/^deny: the grant's conditions do not hold/);
    const night = await ask(
      dir,
      ...refund.map((a) => (a === '2026-11-24T10:00:00Z' ? '2026-11-24T22:30:00Z' : a)),
    );
    expect(night.stdout).toMatch(/^deny:/);
    const frozen = await ask(
      dir,
      ...refund.map((a) => (a === '2026-11-24T10:00:00Z' ? '2026-12-31T10:00:00Z' : a)),
    );
    expect(frozen.stdout).toMatch(/^deny:/);
    const none = await ask(
      dir,
      '--agent',
      'kb-curator',
      '--system',
      'payments',
      '--resource',
      'refund',
      '--action',
      'issue',
    );
    expect(none.stdout).toMatch(/^deny: no grant of kb-curator covers payments\/refund\/issue/);
    const unknown = await ask(
      dir,
      '--agent',
      'ghost',
      '--system',
      'crm',
      '--resource',
      'contact',
      '--action',
      'read',
    );
    expect(unknown.stdout).toMatch(/^deny: ghost is not in the local store/);
  });

  it('reports the decision as JSON', async () => {
    const dir = await synced();
    const model = JSON.parse((await runLeash(['compile', dir, '--now', NOW])).stdout);
    const seen = new Set<string>();
    for (const agent of model.agents) {
      for (const p of agent.permissions) {
        const r = await ask(
          dir,
          '--agent',
          agent.name,
          '--system',
          p.system,
          '--resource',
          p.resource,
          '--action',
          p.action,
          '--at',
          NOW,
          '--context',
          'amount=1',
          '--context',
          'currency=EUR',
          '--format',
          'json',
        );
        const out = JSON.parse(r.stdout);
        seen.add(out.decision);
        expect(r.code).toBe(out.decision === 'allow' ? 0 : 1);
      }
    }
    // The example uses every mode, and some grants' conditions do not hold at NOW: all six come up.
    expect([...seen].sort()).toEqual([
      'allow',
      'deny',
      'draft-only',
      'escalate',
      'needs-approval',
      'recommend-only',
    ]);
  });
});
