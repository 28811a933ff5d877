// One process per DATA_DIR. Two processes on one directory would each replay the log, never see
// the other's later writes, and the first compaction would delete them for good — acknowledged
// events lost. proper-lockfile keeps a lock directory (DATA_DIR/LOCK) whose mtime its holder
// refreshes; a holder that died (SIGKILL) leaves a lock that goes stale and is taken over.
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock older than this is a dead holder's (the minimum proper-lockfile allows). */
export const LOCK_STALE_MS = 5000;
const LOCK_UPDATE_MS = 1000;

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `DATA_DIR ${dataDir} is in use by another server process (its lock ${join(dataDir, 'LOCK')} is ` +
        `refreshed every ${LOCK_UPDATE_MS / 1000} s). One process per DATA_DIR: stop the other one, or ` +
        `give this one its own DATA_DIR (processes share data through REDIS_URL).`,
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * Takes the directory's lock, waiting up to `waitMs` for a holder to let go (a rolling update
 * starts the new process before the old one stops; a crashed holder's lock goes stale after
 * LOCK_STALE_MS). Resolves to the release; rejects with DataDirLockedError. `onLost` is called
 * if the lock is later lost (its refresh failed, or another process took it): stop writing.
 */
export async function lockDataDir(
  dir: string,
  waitMs: number,
  onLost: (err: Error) => void,
): Promise<() => Promise<void>> {
  const retryEvery = 250;
  try {
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, 'LOCK'),
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      realpath: false,
      retries: {
        retries: Math.max(0, Math.ceil(waitMs / retryEvery)),
        minTimeout: retryEvery,
        maxTimeout: retryEvery,
        factor: 1,
      },
      onCompromised: onLost,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirLockedError(dir);
    throw err;
  }
}
