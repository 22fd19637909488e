import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, UserError } from '../../errors.js';
import { isAlive } from './processes.js';

/**
 * A lock file holding the pid of its owner, made with O_EXCL so that of two takers only one gets
 * it. A lock whose owner is gone (crashed, killed) is taken over; one whose owner runs is waited
 * for up to `waitMs` (0: refused at once, naming its pid).
 */
export async function acquireLock(path: string, what: string, waitMs = 0): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(path);
    if (owner !== undefined && isAlive(owner)) {
      if (Date.now() < deadline) {
        await sleep(20);
        continue;
      }
      throw new UserError(
        owner === process.pid
          ? `${what} is already in progress in this process (lock ${path}).`
          : `${what} is in progress in process ${owner} (lock ${path}); wait for it to finish, or remove the lock if that process is not ours.`,
        ExitCode.clusterStartFailed,
      );
    }
    // Stale (owner gone, or a half-written file): remove it, unless another taker replaced it
    // meanwhile, and try again.
    if ((await lockOwner(path)) === owner) await rm(path, { force: true });
  }
}

async function lockOwner(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Runs `fn` holding the lock; releases it however `fn` ends. */
export async function withLock<T>(path: string, what: string, fn: () => Promise<T>, waitMs = 0): Promise<T> {
  const release = await acquireLock(path, what, waitMs);
  try {
    return await fn();
  } finally {
    await release();
  }
}
