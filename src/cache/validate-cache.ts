import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';

/**
 * The validate cache: the whole result of the last run, reused while nothing it depended on has
 * changed. Its key covers every entry under the policy folders by path, type, size, inode,
 * mtime and ctime (as git's index and ESLint's metadata cache do), leash's version and the
 * repository's location. Results depend on the clock too (expiries), so an entry is only
 * reused within the UTC day it was made, and never when the repository holds date-times or
 * hour-based durations whose thresholds fall inside a day.
 */
export interface CachedValidate {
  formatVersion: 1;
  key: string;
  /** Reuse only while now is in [from, until). */
  from: number;
  until: number;
  diagnostics: Diagnostic[];
  fileCount: number;
  documentCount: number;
}

const POLICY_ROOT_ENTRIES = ['leash.yaml', '.gitmodules', 'agents', 'templates', 'tiers', 'systems'];

/** Hashes the metadata of every entry a validation reads; cheap (no file contents read). */
export function fingerprintPolicyTree(root: string, salt: string): string {
  const hash = createHash('sha1').update(salt).update('\0').update(root).update('\0');
  const visit = (rel: string, depth: number) => {
    let st;
    try {
      st = lstatSync(join(root, rel), { bigint: true });
    } catch {
      hash.update(`${rel}\0missing\n`);
      return;
    }
    const type = st.isSymbolicLink() ? 'l' : st.isDirectory() ? 'd' : st.isFile() ? 'f' : 'o';
    hash.update(`${rel}\0${type}\0${st.size}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}\n`);
    if (type === 'd' && depth < 18) {
      for (const name of readdirSync(join(root, rel)).sort()) visit(`${rel}/${name}`, depth + 1);
    }
  };
  for (const entry of POLICY_ROOT_ENTRIES) visit(entry, 0);
  return hash.digest('hex');
}

export function readValidateCache(location: string, key: string, now: Date): CachedValidate | undefined {
  let entry: CachedValidate;
  try {
    entry = JSON.parse(readFileSync(location, 'utf8')) as CachedValidate;
  } catch {
    return undefined;
  }
  const t = now.getTime();
  if (entry.formatVersion !== 1 || entry.key !== key || !(t >= entry.from && t < entry.until))
    return undefined;
  return entry;
}

/** Writes atomically (temp file + rename) so a crash never leaves a torn cache. */
export function writeValidateCache(location: string, entry: CachedValidate): void {
  mkdirSync(dirname(location), { recursive: true });
  const tmp = `${location}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, location);
}

const TIME_OF_DAY = /\d{4}-\d{2}-\d{2}T\d|\b\d+h\b/;

/** The window in which a result computed at `now` stays true for these file texts. */
export function cacheWindow(now: Date, texts: Iterable<string>): { from: number; until: number } {
  for (const text of texts) {
    if (TIME_OF_DAY.test(text)) return { from: now.getTime(), until: now.getTime() };
  }
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: dayStart, until: dayStart + 86_400_000 };
}
