import { resolve } from 'node:path';
import { compileModel } from '../compile/compile.js';
import { locateModelSources } from '../compile/provenance.js';
import { readPolicyDir } from '../source/files.js';
import { validatePolicyFiles } from '../validate.js';
import type { CliIo } from './io.js';
import { EXIT, parseNow } from './io.js';

/**
 * `leash compile [dir]`: the effective model as JSON (schemas/effective-model.schema.json).
 * Documents with errors are left out; the exit code is 1 when any file has an error.
 */
export async function compileCommand(dir: string, flags: { now?: string }, io: CliIo): Promise<number> {
  const now = parseNow(flags.now);
  const result = validatePolicyFiles(readPolicyDir(resolve(io.cwd, dir)), { now });
  const model = locateModelSources(compileModel(result.index, { now }), result.files);
  io.stdout(JSON.stringify(model, null, 2) + '\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    io.stderr(
      `leash: ${errors.length} errors in the repository; run leash validate. Documents with errors are left out.\n`,
    );
    return EXIT.problems;
  }
  return EXIT.ok;
}
