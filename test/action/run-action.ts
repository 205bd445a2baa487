import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
/** The committed bundle, run as the runner runs it. */
export const BUNDLE = join(root, 'dist/action/main.js');

/** What a run of the Action left: its exit code, its log, its outputs and its job summary. */
export interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs dist/action/main.js in its own process with the variables a runner sets: the event
 * payload in GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files (read back after),
 * and each input as INPUT_<NAME>.
 */
export function runActionProcess(options: {
  node?: string;
  cwd: string;
  event: { name: string; payload: object };
  env: Record<string, string>;
  inputs: Record<string, string>;
}): Promise<ActionRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'leash-action-'));
  const eventPath = join(tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event.payload));
  const output = join(tmp, 'output');
  const summary = join(tmp, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: tmp,
    ...options.env,
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [BUNDLE], { cwd: options.cwd, env });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs: Record<string, string> = {};
      const text = readFileSync(output, 'utf8');
      for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
        outputs[m[1]!] = m[3]!;
      resolve({ code: code ?? -1, stdout, outputs, summary: readFileSync(summary, 'utf8') });
    });
  });
}
