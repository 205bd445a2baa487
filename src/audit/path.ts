import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DEFAULT_AUDIT_PATH } from './types.js';

/** Raised when leash.yaml's spec.audit.path cannot be used. */
export class AuditPathError extends Error {
  override name = 'AuditPathError';
}

/** The part of leash.yaml's spec the audit log reads. */
export interface AuditSettings {
  audit?: { path?: string };
}

/**
 * Where the audit log lives: leash.yaml's `spec.audit.path` (default `.leash/audit.jsonl`),
 * resolved against the folder holding leash.yaml, which it must stay inside: no absolute path,
 * no `.` or `..` segment, and no symbolic link on the way that leads outside (a log written
 * elsewhere could overwrite or forge another file). Returns an absolute path.
 */
export function auditLogPath(configDir: string, spec: AuditSettings | undefined): string {
  const path = spec?.audit?.path ?? DEFAULT_AUDIT_PATH;
  if (
    path === '' ||
    isAbsolute(path) ||
    path.includes('\\') ||
    path.split('/').some((s) => s === '..' || s === '.' || s === '')
  ) {
    throw new AuditPathError(
      `audit log path ${JSON.stringify(path)} must be relative to the folder holding leash.yaml and stay inside it`,
    );
  }
  let base: string;
  try {
    base = realpathSync(configDir);
  } catch (error) {
    throw new AuditPathError(`cannot read the folder ${configDir}`, { cause: error });
  }
  const target = resolve(base, path);
  // The nearest part of the path that exists, with its links resolved, must still be inside.
  let existing = target;
  for (;;) {
    try {
      existing = realpathSync(existing);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new AuditPathError(`cannot resolve the audit log path ${path}`, { cause: error });
      }
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  const rel = relative(base, existing);
  if (isAbsolute(rel) || rel.split(sep)[0] === '..') {
    throw new AuditPathError(
      `audit log path ${JSON.stringify(path)} leads outside ${configDir} through a symbolic link`,
    );
  }
  return target;
}
