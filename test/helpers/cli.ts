import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/main.js';

/** Runs the CLI in-process with captured output. */
export async function runLeash(argv: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd,
    env: {},
    isTty: false,
  });
  return { code, stdout, stderr };
}

/** Writes files (path -> text) into a new temporary folder and returns its path. */
export function writeTempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-test-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
