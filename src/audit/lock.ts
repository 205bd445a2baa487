/**
 * An exclusive lock file shared by the writers of leash's state (the audit log, the kill
 * ledger), so two runs never interleave their read-modify-write.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

interface LockHolder {
  token: string;
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock: a file created with O_EXCL ('wx'), removed on release. A lock older than
 * staleMs was left by a run that died (holders keep it for milliseconds) and is removed, as is
 * one whose process on this machine is gone. Returns the release.
 */
export async function acquireFileLock(
  lockPath: string,
  options: {
    timeoutMs: number;
    staleMs: number;
    /** What the lock guards, for messages: "the audit log", "the kill ledger". */
    what: string;
    error?: (message: string, cause?: unknown) => Error;
  },
): Promise<() => Promise<void>> {
  const fail = options.error ?? ((text: string, cause?: unknown) => new Error(text, { cause }));
  const me: LockHolder = {
    token: randomUUID(),
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return async () => {
        // Only our own lock: if it was taken from us as stale, the new one is someone else's.
        const now = await readFile(lockPath, 'utf8').catch(() => '');
        if (now.includes(me.token)) await unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw fail(
          `cannot create the lock of ${options.what} ${lockPath}: ${(error as Error).message}`,
          error,
        );
      }
    }
    const info = await stat(lockPath).catch(() => undefined);
    if (!info) continue;
    if (Date.now() - info.mtimeMs > options.staleMs || (await holderIsGone(lockPath))) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = await readHolder(lockPath);
      throw fail(
        `${options.what} is locked by another leash run${holder} and stayed locked for ${Math.round(options.timeoutMs / 1000)} s; if no other run is going on, remove ${lockPath}`,
      );
    }
    // Backoff with jitter, so runs that collided do not collide again in step.
    await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 5)) + Math.random() * 10);
  }
}

/** Whether the lock was taken by a process of this machine that no longer runs (killed mid-append). */
async function holderIsGone(lockPath: string): Promise<boolean> {
  let holder: Partial<LockHolder>;
  try {
    holder = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockHolder>;
  } catch {
    return false; // being written, or not ours to judge: the age decides
  }
  if (holder.host !== hostname() || !Number.isSafeInteger(holder.pid) || holder.pid === process.pid)
    return false;
  try {
    process.kill(holder.pid!, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readHolder(lockPath: string): Promise<string> {
  try {
    const holder = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockHolder>;
    return ` (pid ${Number(holder.pid)} on ${String(holder.host)} since ${String(holder.since)})`;
  } catch {
    return '';
  }
}
