import type { Dirent } from 'node:fs';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import type { Diagnostic, Position } from '../model/diagnostic.js';
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

/**
 * Turns file bytes into text, or a diagnostic when they are not UTF-8 text. A NUL byte marks a
 * binary file. The diagnostic points at the first offending byte. A UTF-8 byte order mark is
 * dropped from the text.
 */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile | Diagnostic {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    return fileProblem(path, 'invalid-encoding', 'the file is binary (it holds NUL bytes), not YAML text', {
      hint: encodingHint,
      at: positionOfByte(bytes, nul),
    });
  }
  if (isUtf8(buf)) {
    // isUtf8 (simdutf) and toString are several times faster than a fatal TextDecoder, which
    // ten thousand files notice; the byte order mark goes as TextDecoder drops it.
    const text = buf.toString('utf8');
    return { path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  return fileProblem(path, 'invalid-encoding', 'the file is not valid UTF-8 text', {
    hint: encodingHint,
    at: positionOfByte(bytes, firstInvalidUtf8(bytes)),
  });
}

const encodingHint = 'Save the file as UTF-8 text.';

/** The offset of the first byte that does not begin or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** 1-based line and column (in UTF-16 units of the valid text before it) of a byte offset. */
function positionOfByte(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}

export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

export function fileProblem(
  file: string,
  ruleId: string,
  message: string,
  extra: { hint?: string; at?: Position } = {},
): Diagnostic {
  const at = extra.at ?? { line: 1, column: 1 };
  return {
    ruleId,
    severity: 'error',
    message,
    file,
    pointer: '',
    range: { start: at, end: at },
    ...(extra.hint ? { hint: extra.hint } : {}),
  };
}

export function tooLarge(path: string, size: number): Diagnostic {
  return fileProblem(
    path,
    'file-too-large',
    `${path} is ${size} bytes; policy files may be at most ${LIMITS.maxFileBytes} bytes`,
    { hint: 'Split the file; an agent, template or system file is normally a few kilobytes.' },
  );
}

/**
 * Reads the policy files of a repository work tree: leash.yaml and every .yaml/.yml file under
 * agents/, templates/, tiers/ and systems/. Symbolic links, nested repositories (submodules) and
 * special files (pipes, devices) are reported, never followed or opened for reading; files over
 * the size limit are reported without being read. Throws PolicyReadError when the folder
 * itself cannot be read.
 */
export function readPolicyDir(root: string, options: { folders?: readonly string[] } = {}): ReadResult {
  const state: WalkState = { root, files: [], diagnostics: [] };
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch (error) {
    throw new PolicyReadError(`cannot read policy repository ${root}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!rootStat.isDirectory()) throw new PolicyReadError(`${root} is not a directory`);
  const rootEntries = new Set(listDir(root, '.').map((e) => e.name));
  if (rootEntries.has('.gitmodules')) {
    state.diagnostics.push(
      fileProblem('.gitmodules', 'submodule', 'the policy repository declares git submodules', {
        hint: SUBMODULE_HINT,
      }),
    );
  }
  if (rootEntries.has(CONFIG_FILE)) readOne(state, CONFIG_FILE);
  for (const folder of options.folders ?? POLICY_FOLDERS) {
    if (rootEntries.has(folder)) walk(state, folder, 0);
  }
  // By path, as readPolicyRevision returns them, so 'the first of two' means the same in both.
  state.files.sort((a, b) => comparePaths(a.path, b.path));
  return { files: state.files, diagnostics: state.diagnostics };
}

/**
 * Reads named policy files of a work tree (repository-relative paths), with the same checks as
 * readPolicyDir: links and non-files refused, size capped. Absent files are skipped.
 */
export function readPolicyFilesAt(root: string, paths: readonly string[]): ReadResult {
  const state: WalkState = { root, files: [], diagnostics: [] };
  for (const path of paths) {
    // Every folder on the way must be a real folder, not a link out of the repository.
    const parts = path.split('/');
    let ok = true;
    for (let i = 1; i < parts.length && ok; i++) {
      const st = lstatSync(join(root, parts.slice(0, i).join('/')), { throwIfNoEntry: false });
      ok = st !== undefined && st.isDirectory() && !st.isSymbolicLink();
    }
    if (ok && lstatSync(join(root, path), { throwIfNoEntry: false })) readOne(state, path);
  }
  state.files.sort((a, b) => comparePaths(a.path, b.path));
  return { files: state.files, diagnostics: state.diagnostics };
}

/** Orders repository paths by UTF-16 code units, independent of locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const SUBMODULE_HINT =
  'Keep policy files in this repository itself; submodules and nested repositories are not read.';
export const SYMLINK_HINT =
  'Replace the link with the file itself; links could point outside the repository.';

/** Deepest folder nesting walked under a policy folder. */
const MAX_FOLDER_DEPTH = 16;

interface WalkState {
  root: string;
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

function walk(state: WalkState, rel: string, depth: number): void {
  const st = lstatSync(join(state.root, rel));
  if (st.isSymbolicLink()) {
    state.diagnostics.push(symlink(rel));
    return;
  }
  if (!st.isDirectory()) {
    // A top-level policy folder that is a file holds no policy: say so rather than read nothing.
    if (depth === 0) {
      state.diagnostics.push(
        fileProblem(rel, 'not-a-file', `${rel} must be a folder of policy files, but it is a file`, {
          hint: `Remove it, or make ${rel}/ a folder holding one .yaml file per document.`,
        }),
      );
    }
    return;
  }
  if (depth > MAX_FOLDER_DEPTH) {
    state.diagnostics.push(
      fileProblem(rel, 'nesting-too-deep', `${rel} is nested more than ${MAX_FOLDER_DEPTH} folders deep`, {
        hint: 'Keep policy files at most a few folders deep.',
      }),
    );
    return;
  }
  const entries = listDir(join(state.root, rel), rel);
  if (entries.some((e) => e.name === '.git')) {
    state.diagnostics.push(
      fileProblem(rel, 'submodule', `${rel} is a nested git repository or submodule`, {
        hint: SUBMODULE_HINT,
      }),
    );
    return;
  }
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) state.diagnostics.push(symlink(child));
    else if (entry.isDirectory()) walk(state, child, depth + 1);
    else if (isPolicyFileName(entry.name)) readOne(state, child);
  }
}

function listDir(abs: string, rel: string): Dirent[] {
  try {
    return readdirSync(abs, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch (error) {
    throw new PolicyReadError(`cannot read the folder ${rel}: ${(error as Error).message}`, { cause: error });
  }
}

function symlink(rel: string): Diagnostic {
  return fileProblem(rel, 'symlink', `${rel} is a symbolic link; links are not followed`, {
    hint: SYMLINK_HINT,
  });
}

// O_NOFOLLOW: a file swapped for a link after the listing is still not followed. O_NONBLOCK: a
// named pipe does not hang the open. Both are 0 where the platform lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function readOne(state: WalkState, rel: string): void {
  if (state.files.length >= LIMITS.maxFiles) {
    throw new PolicyReadError(`the repository holds more than ${LIMITS.maxFiles} policy files`);
  }
  const abs = join(state.root, rel);
  // Without O_NOFOLLOW (Windows), look before opening.
  if (!constants.O_NOFOLLOW && lstatSync(abs).isSymbolicLink()) {
    state.diagnostics.push(symlink(rel));
    return;
  }
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      state.diagnostics.push(symlink(rel));
      return;
    }
    throw new PolicyReadError(`cannot read ${rel}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      state.diagnostics.push(
        fileProblem(rel, 'not-a-file', `${rel} is not a regular file`, {
          hint: 'Policy files are plain files; remove the pipe, device or folder of that name.',
        }),
      );
      return;
    }
    if (st.size > LIMITS.maxFileBytes) {
      state.diagnostics.push(tooLarge(rel, st.size));
      return;
    }
    const buf = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buf, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const decoded = decodeSource(rel, buf.subarray(0, read));
    if ('text' in decoded) state.files.push(decoded);
    else state.diagnostics.push(decoded);
  } finally {
    closeSync(fd);
  }
}
