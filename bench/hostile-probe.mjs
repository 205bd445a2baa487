// Loads leash, warms it up, then validates one hostile repository and prints the time it took,
// the memory it added (peak RSS growth) and whether the expected check fired.
import { readPolicyDir } from '../dist/src/source/files.js';
import { validatePolicyFiles } from '../dist/src/validate.js';

const [dir, expect] = process.argv.slice(2);
const now = new Date('2026-11-22T00:00:00Z');
validatePolicyFiles(
  { files: [{ path: 'agents/w.yaml', text: 'apiVersion: leash/v1\nkind: Agent\n' }], diagnostics: [] },
  { now },
);
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const t = performance.now();
const result = validatePolicyFiles(readPolicyDir(dir), { now });
const ms = performance.now() - t;
const peakGrowth = Math.max(0, process.resourceUsage().maxRSS * 1024 - rssBefore);
console.log(
  JSON.stringify({
    ms,
    heapMb: peakGrowth / 1048576,
    found: result.diagnostics.some((d) => d.ruleId === expect),
  }),
);
