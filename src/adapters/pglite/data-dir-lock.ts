import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file, beside the database's own directory inside the data directory. */
export const LOCK_FILE = 'iam-service-credentials.lock';

/** The data directory is open in a live process (this one included): opening it again would corrupt it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export interface DataDirLock {
  /** Removes the lock file if it is still this process's; idempotent. */
  release(): void;
}

const ownerOf = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One process per data directory. PGlite does not lock its files, and two processes (or two opens in one process) writing the same
 * database corrupt it, so the directory holds a lock file with the owner's pid. It is created whole (written aside, then hard-linked
 * into place, which fails if the file exists). A lock whose process is gone (killed, crashed) is stale and taken over; one whose
 * process is alive is refused with DataDirInUseError. Creates the directory when missing.
 */
export const lockDataDir = (dataDir: string): DataDirLock => {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const pending = `${file}.${process.pid}.${Date.now()}`;
  const fd = openSync(pending, 'w');
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(pending, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = ownerOf(file);
        if (owner !== undefined && (owner === process.pid || isAlive(owner))) {
          throw new DataDirInUseError(
            `the data directory ${dataDir} is in use by process ${owner} (lock file ${file}): one process at a time may open it`,
          );
        }
        if (attempt >= 3) throw new DataDirInUseError(`cannot take the lock file ${file} of the data directory ${dataDir}`);
        // Stale: its process is gone (killed mid-run). Take it over.
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(pending, { force: true });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (ownerOf(file) === process.pid) rmSync(file, { force: true });
    },
  };
};
