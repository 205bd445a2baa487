import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { VALIDATE_FORMATTERS } from '../report/index.js';
import type { RuleInfo, ValidateReport } from '../report/index.js';
import type * as CacheModule from '../cache/validate-cache.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, parseNow } from './io.js';
import type { ValidateFlags } from './main.js';
import { leashVersion } from './version.js';

const FAIL_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** `leash validate [dir]`: read, check, report; exit 1 when a problem at or above --fail-on exists. */
export async function validateCommand(dir: string, flags: ValidateFlags, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dir);
  const now = parseNow(flags.now);
  const found = await validateWithCache(root, now, flags, io);
  const report: ValidateReport = { ...found, diagnostics: relativize(found.diagnostics, root, io.cwd) };
  const rules: RuleInfo[] =
    flags.format === 'sarif' ? (await import('../lint/catalog.js')).listRuleInfo() : [];
  const text = VALIDATE_FORMATTERS[flags.format](report, {
    rules,
    color: flags.format === 'text' && io.isTty && !io.env.NO_COLOR,
    toolVersion: leashVersion(),
  });
  if (flags.output) {
    const out = resolve(io.cwd, flags.output);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    if (flags.format !== 'text') io.stderr(`leash: wrote ${flags.output}\n`);
  } else {
    io.stdout(text);
  }
  return exitCodeFor(report.diagnostics, flags.failOn);
}

/**
 * Validates, reusing the cached result when --cache is on and nothing changed. The warm path
 * loads no parser, schema or rule module: that is what keeps it near process start-up time.
 */
async function validateWithCache(root: string, now: Date, flags: ValidateFlags, io: CliIo) {
  let key: string | undefined;
  let cache: typeof CacheModule | undefined;
  const location = resolve(io.cwd, flags.cacheLocation);
  if (flags.cache) {
    cache = await import('../cache/validate-cache.js');
    key = cache.fingerprintPolicyTree(root, `leash ${leashVersion()}`);
    const hit = cache.readValidateCache(location, key, now);
    if (hit)
      return { diagnostics: hit.diagnostics, fileCount: hit.fileCount, documentCount: hit.documentCount };
  }
  const { readPolicyDir } = await import('../source/files.js');
  const { validatePolicyFiles } = await import('../validate.js');
  const read = readPolicyDir(root);
  if (read.files.length === 0 && read.diagnostics.length === 0) {
    // Nothing to check is not "no problems": a CI job pointed at the wrong folder must fail.
    throw new CliError(
      `no policy files in ${root}: expected leash.yaml and agents/, templates/, tiers/, systems/ (run leash init to start one)`,
    );
  }
  const result = validatePolicyFiles(read, { now });
  const found = {
    diagnostics: result.diagnostics,
    fileCount: read.files.length,
    documentCount: result.documents.length,
  };
  if (cache && key) {
    const window = cache.cacheWindow(
      now,
      read.files.map((f) => f.text),
    );
    // A file changed while we read it would make the key stale: only store a stable picture.
    if (cache.fingerprintPolicyTree(root, `leash ${leashVersion()}`) === key) {
      cache.writeValidateCache(location, { formatVersion: 1, key, ...window, ...found });
    }
  }
  return found;
}

export function exitCodeFor(diagnostics: readonly Diagnostic[], failOn: Severity): number {
  return diagnostics.some((d) => FAIL_RANK[d.severity] <= FAIL_RANK[failOn]) ? EXIT.problems : EXIT.ok;
}

/** Rewrites repository-relative paths to paths relative to where the user stands. */
export function relativize(diagnostics: Diagnostic[], root: string, cwd: string): Diagnostic[] {
  const prefix = relative(cwd, root);
  if (prefix === '') return diagnostics;
  const base = isAbsolute(prefix) ? root : prefix;
  const posixBase = base.split(sep).join('/');
  return diagnostics.map((d) => ({ ...d, file: `${posixBase}/${d.file}` }));
}
