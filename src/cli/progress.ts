import type { SyncPlan } from '../sync/run.js';
import type { CliIo } from './io.js';

/** Below this many changes a run is quick enough to need no progress. */
const SHOW_FROM = 200;

/**
 * Progress of a long apply on stderr: one line per target each time another tenth is done, so
 * a CI log shows a run that is moving (and a terminal is not flooded).
 */
export function createProgress(
  plan: SyncPlan,
  io: CliIo,
): (target: string, done: number, total: number) => void {
  const total = plan.targets.reduce((n, t) => n + t.changes.length, 0);
  if (total < SHOW_FROM) return () => undefined;
  const shown = new Map<string, number>();
  return (target, done, count) => {
    const tenth = Math.floor((done / count) * 10);
    if ((shown.get(target) ?? 0) >= tenth && done !== count) return;
    if (shown.get(target) === 10) return;
    shown.set(target, done === count ? 10 : tenth);
    io.stderr(`leash: ${target}: ${done}/${count} changes (${Math.floor((done / count) * 100)}%)\n`);
  };
}
