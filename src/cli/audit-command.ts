/**
 * `leash audit verify`: checks the audit log's hash chain. Exit 0 intact, 1 problems found,
 * 2 the log (or leash.yaml naming it) cannot be read, or a usage error.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { AuditLogError, verifyAuditLog } from '../audit/log.js';
import { AuditPathError, auditLogPath } from '../audit/path.js';
import type { AuditVerifyResult } from '../audit/types.js';
import { ConfigReadError, readConfigOnly } from '../sync/config.js';
import type { CliIo } from './io.js';
import { CliError, EXIT } from './io.js';

export interface AuditVerifyFlags {
  dir: string;
  file?: string;
  expectHead?: string;
  format: 'text' | 'json';
}

/** `leash audit verify [-C dir] [--file path] [--expect-head hash]`. */
export async function auditVerifyCommand(flags: AuditVerifyFlags, io: CliIo): Promise<number> {
  if (flags.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(flags.expectHead)) {
    throw new CliError('--expect-head must be an entry hash: 64 lowercase hex digits');
  }
  const path =
    flags.file !== undefined ? resolve(io.cwd, flags.file) : configuredPath(resolve(io.cwd, flags.dir));
  let result: AuditVerifyResult;
  try {
    result = await verifyAuditLog(
      path,
      flags.expectHead !== undefined ? { expectHead: flags.expectHead } : {},
    );
  } catch (error) {
    if (error instanceof AuditLogError) throw new CliError(error.message);
    throw error;
  }
  const shown = displayPath(path, io.cwd);
  io.stdout(
    flags.format === 'json'
      ? JSON.stringify({ formatVersion: 1, ...result, path: shown }, null, 2) + '\n'
      : formatVerifyText(result, shown),
  );
  return result.ok ? EXIT.ok : EXIT.problems;
}

/** The text report: one line when intact, else each problem at its line and a summary. */
export function formatVerifyText(result: AuditVerifyResult, shownPath: string): string {
  const count = `${result.entries} entr${result.entries === 1 ? 'y' : 'ies'}`;
  if (result.ok) {
    return `audit log ${shownPath}: ${count}, intact${result.head ? `, head ${result.head}` : ''}\n`;
  }
  const lines = result.problems.map(
    (p) => `${shownPath}${p.line !== undefined ? `:${p.line}` : ''}: ${p.kind}: ${p.message}`,
  );
  const n = result.problems.length;
  lines.push(
    `audit log ${shownPath}: ${count}, ${n} problem${n === 1 ? '' : 's'} found; the log has been tampered with or damaged`,
  );
  return lines.join('\n') + '\n';
}

function configuredPath(dir: string): string {
  try {
    return auditLogPath(dir, readConfigOnly(dir)?.data.spec);
  } catch (error) {
    if (error instanceof ConfigReadError || error instanceof AuditPathError)
      throw new CliError(error.message);
    throw error;
  }
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
