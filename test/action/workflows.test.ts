import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const root = new URL('../../', import.meta.url);
const action = YAML.parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, unknown>;
};

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group: string; queue?: string };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

function workflow(name: string): Workflow {
  return YAML.parse(readFileSync(new URL(`docs/workflows/${name}`, root), 'utf8')) as Workflow;
}

function leashStep(w: Workflow): Step {
  const steps = Object.values(w.jobs).flatMap((j) => j.steps);
  return steps.find((s) => s.uses?.startsWith('leash-dev/leash@'))!;
}

describe('the example workflows in docs/workflows', () => {
  it('pass the leash step only inputs action.yml declares', () => {
    const files = readdirSync(new URL('docs/workflows/', root)).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual([
      'leash-check.yml',
      'leash-kill.yml',
      'leash-signoff.yml',
      'leash-sync.yml',
    ]);
    for (const file of files) {
      const step = leashStep(workflow(file));
      expect(step, file).toBeDefined();
      for (const key of Object.keys(step.with ?? {}))
        expect(Object.keys(action.inputs), `${file}: ${key}`).toContain(key);
    }
  });

  it('sync runs on push to main, kill on dispatch with agent and reason; both queue in one concurrency group', () => {
    const sync = workflow('leash-sync.yml');
    const kill = workflow('leash-kill.yml');
    expect(sync.on.push).toEqual({ branches: ['main'] });
    expect(leashStep(sync).with).toMatchObject({ command: 'sync' });
    expect(Object.keys((kill.on.workflow_dispatch as { inputs: object }).inputs)).toEqual([
      'agent',
      'reason',
    ]);
    expect(leashStep(kill).with).toMatchObject({
      command: 'kill',
      agent: '${{ inputs.agent }}',
      reason: '${{ inputs.reason }}',
    });
    expect(sync.concurrency).toEqual({ group: 'leash-state', queue: 'max' });
    expect(kill.concurrency).toEqual(sync.concurrency);
    expect(sync.permissions).toMatchObject({ contents: 'write', 'pull-requests': 'read' });
    expect(kill.permissions).toMatchObject({ contents: 'write', 'pull-requests': 'write' });
  });
});
