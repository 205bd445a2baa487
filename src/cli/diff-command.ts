import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diffRevisions } from '../diff/revisions.js';
import type { CliIo } from './io.js';
import { EXIT, parseNow } from './io.js';
import { leashVersion } from './version.js';

export interface DiffFlags {
  base: string;
  head?: string;
  format: 'text' | 'json' | 'markdown';
  output?: string;
  now?: string;
}

/** `leash diff [dir] --base <rev> [--head <rev>]`: the blast radius. Exit 0 unless reading failed. */
export async function diffCommand(dir: string, flags: DiffFlags, io: CliIo): Promise<number> {
  const now = parseNow(flags.now);
  const reading = diffRevisions({
    dir: resolve(io.cwd, dir),
    base: flags.base,
    ...(flags.head ? { head: flags.head } : {}),
    now,
  });
  // Loaded while git reads (diffRevisions has started its processes by now).
  const formatters = import('../report/blast.js');
  formatters.catch(() => undefined);
  const [radius, { BLAST_FORMATTERS }] = await Promise.all([reading, formatters]);
  const text = BLAST_FORMATTERS[flags.format](radius, {
    toolVersion: leashVersion(),
    color: flags.format === 'text' && io.isTty && !io.env.NO_COLOR,
  });
  if (flags.output) {
    const out = resolve(io.cwd, flags.output);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  } else {
    io.stdout(text);
  }
  // A file that could not be read on either side is a problem with the change itself.
  return radius.diagnostics.length > 0 ? EXIT.problems : EXIT.ok;
}
