/**
 * The audit log on disk: JSON Lines, append-only, each entry chained to the one before it by
 * hash (docs/audit.md). Appends hold an exclusive lock file so two runs never chain to the same
 * entry; reads stream the file with a cap per line so a hostile log costs bounded memory.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalJson, checkEntryInput, hashEntry, parseEntryLine } from './entry.js';
import { acquireFileLock } from './lock.js';
import type { AuditEntry, AuditEntryInput, AuditProblem, AuditVerifyResult } from './types.js';
import { AUDIT_FORMAT_VERSION, AUDIT_LIMITS, GENESIS_HASH } from './types.js';

/** Raised when the log cannot be read or appended to; the message says what to do. */
export class AuditLogError extends Error {
  override name = 'AuditLogError';
}

/** Limits an append works within; the defaults are AUDIT_LIMITS. */
export interface AppendOptions {
  lockTimeoutMs?: number;
  lockStaleMs?: number;
}

/**
 * Appends one entry: takes the log's lock, reads the last entry to chain to (refusing a log
 * whose last line is not a valid entry), and writes the new line with one O_APPEND write,
 * flushed to disk. Creates the log and its folders when they do not exist.
 */
export async function appendAuditEntry(
  path: string,
  input: AuditEntryInput,
  options: AppendOptions = {},
): Promise<AuditEntry> {
  const wrong = checkEntryInput(input);
  if (wrong) throw new AuditLogError(`cannot record an invalid audit entry: ${wrong}`);
  // Drops undefined fields and anything that is not plain JSON before it is hashed.
  const clean = JSON.parse(canonicalJson(input)) as AuditEntryInput;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw new AuditLogError(`cannot create the folder of the audit log ${path}: ${message(error)}`, {
      cause: error,
    });
  }
  const release = await acquireFileLock(`${path}.lock`, {
    timeoutMs: options.lockTimeoutMs ?? AUDIT_LIMITS.lockTimeoutMs,
    staleMs: options.lockStaleMs ?? AUDIT_LIMITS.lockStaleMs,
    what: 'the audit log',
    error: (text, cause) => new AuditLogError(text, cause === undefined ? undefined : { cause }),
  });
  try {
    let handle: FileHandle;
    try {
      handle = await open(path, 'a+', 0o644);
    } catch (error) {
      throw new AuditLogError(`cannot open the audit log ${path}: ${message(error)}`, { cause: error });
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new AuditLogError(`the audit log ${path} is not a regular file`);
      const last = await readLastEntry(handle, info.size, path);
      const body: Omit<AuditEntry, 'hash'> = {
        ...clean,
        formatVersion: AUDIT_FORMAT_VERSION,
        seq: last ? last.seq + 1 : 1,
        prev: last ? last.hash : GENESIS_HASH,
      };
      const entry: AuditEntry = { ...body, hash: hashEntry(body) };
      const line = Buffer.from(canonicalJson(entry) + '\n', 'utf8');
      if (line.length > AUDIT_LIMITS.maxLineBytes) {
        throw new AuditLogError(
          `the audit entry would be ${mib(line.length)}, over the ${mib(AUDIT_LIMITS.maxLineBytes)} a line may hold; it was not written`,
        );
      }
      let written = 0;
      // One write for the whole line; the loop only matters if the OS writes part of it.
      while (written < line.length) {
        const { bytesWritten } = await handle.write(line, written, line.length - written, null);
        written += bytesWritten;
      }
      await handle.datasync();
      return entry;
    } finally {
      await handle.close();
    }
  } finally {
    await release();
  }
}

/** What verifyAuditLog checks beyond the chain. */
export interface VerifyOptions {
  /**
   * The hash of an entry recorded somewhere else (printed by an earlier run, written into a
   * kill's commit or pull request). It must be in the log: truncating the tail, or rewriting
   * the whole chain, cannot be detected from the log alone.
   */
  expectHead?: string;
}

/**
 * Checks every line of the log: a well-formed entry, its hash matching its content, its `seq`
 * one more than the entry before it and its `prev` that entry's hash. Streams the file (memory
 * stays under the line cap). Throws AuditLogError when the log cannot be read at all.
 */
export async function verifyAuditLog(path: string, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  if (options.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(options.expectHead)) {
    throw new AuditLogError('the expected head must be a hash of 64 lowercase hex digits');
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AuditLogError(
      code === 'ENOENT'
        ? `there is no audit log at ${path}`
        : `cannot read the audit log ${path}: ${message(error)}`,
      { cause: error },
    );
  }
  const problems: AuditProblem[] = [];
  let entries = 0;
  let previous: { seq: number; hash: string; line: number } = { seq: 0, hash: GENESIS_HASH, line: 0 };
  const seqLines = new Map<number, number>();
  let foundExpected = false;
  try {
    if (!(await handle.stat()).isFile())
      throw new AuditLogError(`the audit log ${path} is not a regular file`);
    for await (const line of readLines(handle, AUDIT_LIMITS.maxLineBytes)) {
      const at = line.number;
      if (line.tooLong) {
        problems.push({
          line: at,
          kind: 'line-too-long',
          message: `longer than ${mib(AUDIT_LIMITS.maxLineBytes)}: not an audit entry (not read)`,
        });
        continue;
      }
      if (line.unterminated) {
        problems.push({
          line: at,
          kind: 'unterminated-line',
          message: 'the last line has no newline: a write was cut short or the file was edited',
        });
      }
      const text = decode(line.bytes);
      if (text === undefined) {
        problems.push({ line: at, kind: 'invalid-json', message: 'not UTF-8: not an audit entry' });
        continue;
      }
      const parsed = parseEntryLine(text);
      if ('problem' in parsed) {
        problems.push({ line: at, ...parsed.problem });
        continue;
      }
      const entry = parsed.entry;
      entries++;
      if (hashEntry(entry) !== entry.hash) {
        problems.push({
          line: at,
          kind: 'hash-mismatch',
          message: `entry ${entry.seq} was modified: its hash does not match its content`,
        });
      }
      const first = seqLines.get(entry.seq);
      if (first !== undefined) {
        // A copy of an earlier entry; the chain goes on from the entry before the copy.
        problems.push({
          line: at,
          kind: 'duplicate-seq',
          message: `entry ${entry.seq} appears again (first on line ${first}): a duplicated or replayed entry`,
        });
        continue;
      }
      seqLines.set(entry.seq, at);
      const after =
        previous.line === 0 ? 'the start of the log' : `entry ${previous.seq} (line ${previous.line})`;
      if (entry.seq > previous.seq + 1) {
        problems.push({
          line: at,
          kind: 'seq-gap',
          message: `entry ${entry.seq} follows ${after}: ${entry.seq - previous.seq - 1} entr${entry.seq - previous.seq - 1 === 1 ? 'y is' : 'ies are'} missing (removed?)`,
        });
      } else if (entry.seq <= previous.seq) {
        problems.push({
          line: at,
          kind: 'seq-order',
          message: `entry ${entry.seq} follows ${after}: entries are out of order`,
        });
      }
      if (entry.prev !== previous.hash) {
        problems.push({
          line: at,
          kind: 'prev-mismatch',
          message: `entry ${entry.seq} is not chained to ${after}: its prev is not that entry's hash (an entry removed, inserted, reordered or rewritten)`,
        });
      }
      if (entry.hash === options.expectHead) foundExpected = true;
      previous = { seq: entry.seq, hash: entry.hash, line: at };
    }
  } finally {
    await handle.close();
  }
  if (options.expectHead !== undefined && !foundExpected) {
    problems.push({
      kind: 'head-not-found',
      message: `no entry has the expected hash ${options.expectHead}: entries were removed from the end, or the log was rewritten`,
    });
  }
  return {
    path,
    ok: problems.length === 0,
    entries,
    ...(previous.line > 0 ? { head: previous.hash } : {}),
    problems,
  };
}

/** One line of the file, without its newline. */
interface Line {
  number: number;
  bytes: Buffer;
  /** Longer than the cap; its bytes were skipped, not kept. */
  tooLong?: boolean;
  /** The file ended without a newline after it. */
  unterminated?: boolean;
}

/** Splits a file into lines in fixed-size reads; a line past the cap is skipped, never held. */
async function* readLines(handle: FileHandle, maxLine: number): AsyncGenerator<Line> {
  const chunk = Buffer.alloc(64 * 1024);
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let number = 1;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    let start = 0;
    while (start < bytesRead) {
      const nl = data.indexOf(10, start);
      const end = nl === -1 ? bytesRead : nl;
      if (!tooLong) {
        if (length + (end - start) > maxLine) {
          tooLong = true;
          parts = [];
          length = 0;
        } else {
          parts.push(Buffer.from(data.subarray(start, end)));
          length += end - start;
        }
      }
      if (end === bytesRead) break;
      yield tooLong
        ? { number, bytes: Buffer.alloc(0), tooLong }
        : { number, bytes: Buffer.concat(parts, length) };
      number++;
      parts = [];
      length = 0;
      tooLong = false;
      start = end + 1;
    }
  }
  if (tooLong) yield { number, bytes: Buffer.alloc(0), tooLong, unterminated: true };
  else if (length > 0) yield { number, bytes: Buffer.concat(parts, length), unterminated: true };
}

/**
 * The last entry of the log (undefined when it is empty), read backwards from the end: an
 * append costs the same however long the log is. Refuses a log that does not end in a valid
 * entry, since chaining to it would bless whatever is there.
 */
async function readLastEntry(
  handle: FileHandle,
  size: number,
  path: string,
): Promise<AuditEntry | undefined> {
  if (size === 0) return undefined;
  const refuse = (why: string) =>
    new AuditLogError(
      `the audit log ${path} does not end with a valid entry (${why}); nothing was appended. Run leash audit verify to see what is wrong`,
    );
  const lastByte = Buffer.alloc(1);
  await handle.read(lastByte, 0, 1, size - 1);
  if (lastByte[0] !== 10)
    throw refuse('its last line has no newline: a write was cut short or the file was edited');
  // The final newline is at size - 1; the line before it is at most maxLineBytes long, so
  // reading that much plus the newline that ends the line before it always decides.
  const end = size - 1;
  const limit = Math.max(0, end - (AUDIT_LIMITS.maxLineBytes + 1));
  const parts: Buffer[] = [];
  let pos = end;
  let found = false;
  while (pos > limit) {
    const from = Math.max(limit, pos - 64 * 1024);
    const buf = Buffer.alloc(pos - from);
    await handle.read(buf, 0, buf.length, from);
    const nl = buf.lastIndexOf(10);
    if (nl !== -1) {
      parts.unshift(buf.subarray(nl + 1));
      found = true;
      break;
    }
    parts.unshift(buf);
    pos = from;
  }
  if (!found && pos > 0) throw refuse(`its last line is longer than ${mib(AUDIT_LIMITS.maxLineBytes)}`);
  const bytes = Buffer.concat(parts);
  const text = decode(bytes);
  if (text === undefined) throw refuse('its last line is not UTF-8');
  const parsed = parseEntryLine(text);
  if ('problem' in parsed) throw refuse(parsed.problem.message);
  if (hashEntry(parsed.entry) !== parsed.entry.hash) {
    throw refuse(`entry ${parsed.entry.seq} was modified: its hash does not match its content`);
  }
  return parsed.entry;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
