import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileModel } from '../compile/compile.js';
import { buildInventory } from '../inventory/inventory.js';
import { INVENTORY_FORMATTERS } from '../report/inventory.js';
import type { InventoryFormat } from '../report/inventory.js';
import { readPolicyDir } from '../source/files.js';
import { validatePolicyFiles } from '../validate.js';
import type { CliIo } from './io.js';
import { EXIT, parseNow } from './io.js';

export interface InventoryFlags {
  format: InventoryFormat;
  /** Judge expiries and reviews as of this ISO 8601 time instead of now. */
  now?: string;
  /** Write the inventory to this file instead of stdout. */
  output?: string;
}

/**
 * `leash inventory [dir]`: every agent, what it reaches and who is accountable, with the
 * governance figures. A repository with errors still gets the inventory of what loaded, with a
 * warning on stderr naming how many files have errors, and exit code 1; otherwise 0. Read
 * failures and a bad --now throw (PolicyReadError, CliError), which runCli turns into exit 2.
 */
export async function inventoryCommand(dir: string, flags: InventoryFlags, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dir);
  const now = parseNow(flags.now);
  const read = readPolicyDir(root);
  const { index, diagnostics } = validatePolicyFiles(read, { now });
  const inventory = buildInventory(index, compileModel(index, { now }), { now });
  const text = INVENTORY_FORMATTERS[flags.format](inventory, {
    color: flags.format === 'text' && !flags.output && io.isTty && !io.env.NO_COLOR,
  });
  if (flags.output) {
    const out = resolve(io.cwd, flags.output);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    io.stderr(`leash: wrote ${flags.output}\n`);
  } else {
    io.stdout(text);
  }
  const broken = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  if (broken.size === 0) return EXIT.ok;
  io.stderr(
    `leash: warning: ${broken.size} ${broken.size === 1 ? 'file has' : 'files have'} errors; ` +
      `the inventory shows what loaded and may be incomplete (run leash validate for details)\n`,
  );
  return EXIT.problems;
}
