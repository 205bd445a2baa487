import { resolve } from 'node:path';
import { computeRequiredSignoff } from '../approvals/compute-signoff.js';
import { evaluateSignoff } from '../approvals/evaluate-signoff.js';
import { formatSignoffMarkdown, formatSignoffText } from '../approvals/format-signoff.js';
import { readReviewsFile, toSignoffContext } from '../approvals/reviews-file.js';
import { diffRevisions, readConfigAt } from '../diff/revisions.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, parseNow } from './io.js';

export interface ApprovalsFlags {
  base: string;
  head?: string;
  reviews?: string;
  format: 'text' | 'json' | 'markdown';
  now?: string;
}

/**
 * `leash approvals [dir] --base <rev> [--head <rev>] [--reviews file.json]`: who must approve
 * the change and why, with rules from the BASE revision's leash.yaml; with a reviews file,
 * whether that is met. Exit 1 when a reviews file is given and the sign-off is unmet.
 */
export async function approvalsCommand(dir: string, flags: ApprovalsFlags, io: CliIo): Promise<number> {
  const now = parseNow(flags.now);
  const root = resolve(io.cwd, dir);
  const [radius, baseConfig] = await Promise.all([
    diffRevisions({ dir: root, base: flags.base, ...(flags.head ? { head: flags.head } : {}), now }),
    readConfigAt(root, flags.base).catch((error: Error) => {
      throw new CliError(error.message);
    }),
  ]);
  const requirement = computeRequiredSignoff(radius, baseConfig);
  let result;
  if (flags.reviews) {
    const read = await readReviewsFile(resolve(io.cwd, flags.reviews), flags.reviews);
    if (!read.data) {
      const lines = read.diagnostics.map(
        (d) =>
          `${d.file}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}  ${d.message}  ${d.ruleId}`,
      );
      throw new CliError(`the reviews file is not valid:\n${lines.join('\n')}`);
    }
    result = evaluateSignoff(requirement, read.data.reviews, toSignoffContext(read.data));
  }
  if (flags.format === 'json') {
    io.stdout(
      JSON.stringify({ formatVersion: 1, requirement, ...(result ? { result } : {}) }, null, 2) + '\n',
    );
  } else if (flags.format === 'markdown') {
    io.stdout(formatSignoffMarkdown(requirement, result));
  } else {
    io.stdout(formatSignoffText(requirement, result));
  }
  return result && !result.met ? EXIT.problems : EXIT.ok;
}
