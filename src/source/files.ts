import { closeSync, fstatSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { SourceFile } from '../model/document.js';
import { KINDS } from '../model/modes.js';
import { LIMITS } from './limits.js';

/** Folders under the repository root that hold policy documents. */
export const POLICY_FOLDERS: readonly string[] = Object.values(KINDS).filter((f) => f !== '');
export const CONFIG_FILE = 'leash.yaml';

export interface ReadResult {
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

/** Thrown when the repository itself cannot be read (missing folder, permissions, git failure). */
export class PolicyReadError extends Error {
  override name = 'PolicyReadError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns file bytes into text, or a diagnostic when they are not UTF-8 text. A NUL byte marks a
 * binary file.
 */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile | Diagnostic {
  if (bytes.includes(0)) {
    return fileProblem(path, 'invalid-encoding', 'the file is binary (it holds NUL bytes), not YAML text');
  }
  try {
    return { path, text: utf8.decode(bytes) };
  } catch {
    return fileProblem(path, 'invalid-encoding', 'the file is not valid UTF-8 text');
  }
}

export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

export function fileProblem(file: string, ruleId: string, message: string, hint?: string): Diagnostic {
  return {
    ruleId,
    severity: 'error',
    message,
    file,
    pointer: '',
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    ...(hint ? { hint } : {}),
  };
}

export function tooLarge(path: string, size: number): Diagnostic {
  return fileProblem(
    path,
    'file-too-large',
    `${path} is ${size} bytes; policy files may be at most ${LIMITS.maxFileBytes} bytes`,
    'Split the file; an agent, template or system file is normally a few kilobytes.',
  );
}

/**
 * Reads the policy files of a repository work tree: leash.yaml and every .yaml/.yml file under
 * agents/, templates/, tiers/ and systems/. Symbolic links and nested repositories (submodules)
 * are reported, not followed; files over the size limit are reported without being read.
 */
export function readPolicyDir(root: string): ReadResult {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  let rootStat;
  try {
    rootStat = lstatSync(root);
  } catch (error) {
    throw new PolicyReadError(`cannot read policy repository ${root}: ${(error as Error).message}`, { cause: error });
  }
  if (!rootStat.isDirectory() && !rootStat.isSymbolicLink()) {
    throw new PolicyReadError(`${root} is not a directory`);
  }
  const rootEntries = new Set(readdirSync(root));
  if (rootEntries.has('.gitmodules')) {
    diagnostics.push(
      fileProblem('.gitmodules', 'submodule', 'the policy repository declares git submodules', submoduleHint),
    );
  }
  if (rootEntries.has(CONFIG_FILE)) readOne(root, CONFIG_FILE, files, diagnostics);
  for (const folder of POLICY_FOLDERS) {
    if (rootEntries.has(folder)) walk(root, folder, files, diagnostics, 0);
  }
  if (files.length > LIMITS.maxFiles) {
    throw new PolicyReadError(`the repository holds ${files.length} policy files; at most ${LIMITS.maxFiles} are read`);
  }
  return { files, diagnostics };
}

const submoduleHint = 'Keep policy files in this repository itself; submodules and nested repositories are not read.';
const symlinkHint = 'Replace the link with the file itself; links could point outside the repository.';

function walk(root: string, rel: string, files: SourceFile[], diagnostics: Diagnostic[], depth: number): void {
  const abs = join(root, rel);
  const st = lstatSync(abs);
  if (st.isSymbolicLink()) {
    diagnostics.push(fileProblem(rel, 'symlink', `${rel} is a symbolic link; links are not followed`, symlinkHint));
    return;
  }
  if (!st.isDirectory()) return;
  if (depth > 16) {
    diagnostics.push(fileProblem(rel, 'nesting-too-deep', `${rel} is nested too deep in folders`));
    return;
  }
  const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (entries.some((e) => e.name === '.git')) {
    diagnostics.push(fileProblem(rel, 'submodule', `${rel} is a nested git repository or submodule`, submoduleHint));
    return;
  }
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) {
      diagnostics.push(fileProblem(child, 'symlink', `${child} is a symbolic link; links are not followed`, symlinkHint));
    } else if (entry.isDirectory()) {
      walk(root, child, files, diagnostics, depth + 1);
    } else if (entry.isFile() && isPolicyFileName(entry.name)) {
      readOne(root, child, files, diagnostics);
    }
  }
}

function readOne(root: string, rel: string, files: SourceFile[], diagnostics: Diagnostic[]): void {
  const abs = join(root, rel);
  const st = lstatSync(abs);
  if (st.isSymbolicLink()) {
    diagnostics.push(fileProblem(rel, 'symlink', `${rel} is a symbolic link; links are not followed`, symlinkHint));
    return;
  }
  const fd = openSync(abs, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > LIMITS.maxFileBytes) {
      diagnostics.push(tooLarge(rel, size));
      return;
    }
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const decoded = decodeSource(rel, buf.subarray(0, read));
    if ('text' in decoded) files.push(decoded);
    else diagnostics.push(decoded);
  } finally {
    closeSync(fd);
  }
}
