import { listRuleInfo } from '../lint/catalog.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';

/** `leash rules`: every lint rule and loader check. */
export function rulesCommand(opts: { format: 'text' | 'json' }, io: CliIo): number {
  const rules = listRuleInfo();
  if (opts.format === 'json') {
    io.stdout(JSON.stringify(rules, null, 2) + '\n');
    return EXIT.ok;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  for (const r of rules) io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.description}\n`);
  return EXIT.ok;
}
