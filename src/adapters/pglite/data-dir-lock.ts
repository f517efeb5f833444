import { createHash, randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeSync } from 'node:fs';
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

/**
 * Who wrote a lock file (or a takeover claim). A pid alone does not name a process: a container's process is pid 1 at every start,
 * and the kernel hands a dead process's pid to the next one. So the file also holds when its process started, and a token no other
 * file ever holds.
 */
export interface LockOwner {
  readonly pid: number;
  /**
   * `<boot id>:<start time>`: the kernel's boot id and the process's start time in clock ticks since boot (/proc/PID/stat, field 22).
   * Undefined where /proc is absent (not Linux), or in a lock file of the earlier format (a bare pid).
   */
  readonly start: string | undefined;
  /** Random, unique to the file. */
  readonly token: string;
}

/** What can be learnt about a process by its pid. Linux answers every question; elsewhere `stat` and `bootId` are undefined. */
export interface ProcessProbe {
  /** Whether a process with this pid exists (signal 0 reaches it, or it belongs to another user). A zombie exists. */
  exists(pid: number): boolean;
  /**
   * Its state letter (`R`, `S`, `Z` a zombie, …) and start time in clock ticks since boot; undefined when /proc cannot tell. `self`
   * is this process, read through /proc/self: in a PID namespace whose /proc is the host's, /proc/<its own pid> is another process.
   */
  stat(pid: number | 'self'): { readonly state: string; readonly startTicks: string } | undefined;
  /** The running kernel's boot id, which changes at every boot; undefined without /proc. */
  bootId(): string | undefined;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** /proc/PID/stat: `pid (comm) state ppid …`; comm may hold spaces and parentheses, so fields are counted after its last `)`. */
const parseStat = (text: string): { state: string; startTicks: string } | undefined => {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After comm, field 3 (state) is at index 0, so field 22 (starttime) is at index 19.
  const state = fields[0];
  const startTicks = fields[19];
  return state !== undefined && state !== '' && startTicks !== undefined && /^\d+$/.test(startTicks) ? { state, startTicks } : undefined;
};

let procMatches: boolean | undefined;
/** Whether /proc numbers processes as this process does (its /proc/self is its own pid). */
const procIsThisNamespaces = (): boolean => {
  if (procMatches === undefined) {
    try {
      procMatches = readlinkSync('/proc/self') === String(process.pid);
    } catch {
      procMatches = false;
    }
  }
  return procMatches;
};

/** The probe of this machine: signal 0 and Linux's /proc. */
export const systemProcessProbe: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists, it belongs to another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  stat(pid) {
    // Another pid is looked up only in a /proc of this process's own PID namespace: in a namespace that sees the host's /proc (say
    // `unshare -p` without a /proc of its own), /proc/1 is the host's init, not the namespace's pid 1, and would misjudge it.
    if (pid !== 'self' && !procIsThisNamespaces()) return undefined;
    const text = readText(`/proc/${pid}/stat`);
    return text === undefined ? undefined : parseStat(text);
  },
  bootId() {
    const text = readText('/proc/sys/kernel/random/boot_id')?.trim();
    return text === undefined || text === '' ? undefined : text;
  },
};

/** `<boot id>:<start ticks>` of a process, when the probe can tell both. */
const startOf = (probe: ProcessProbe, pid: number | 'self'): string | undefined => {
  const bootId = probe.bootId();
  const stat = probe.stat(pid);
  return bootId === undefined || stat === undefined ? undefined : `${bootId}:${stat.startTicks}`;
};

/** The tokens of the locks this thread holds, shared by every copy of this module it loaded (ESM and CommonJS). */
const heldTokens: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('iam-service-credentials.data-dir-locks')] ??= new Set<string>()) as Set<string>;

const serialize = (owner: LockOwner): string => `${JSON.stringify({ pid: owner.pid, start: owner.start ?? null, token: owner.token })}\n`;

/**
 * A lock file's owner: the current format (JSON), or the earlier one (a bare pid: no start time, a token made of the pid);
 * undefined when it is neither (a file no version of this library wrote).
 */
export const parseLockOwner = (text: string): LockOwner | undefined => {
  const trimmed = text.trim();
  if (/^\d{1,10}$/.test(trimmed)) {
    const pid = Number(trimmed);
    return pid > 0 ? { pid, start: undefined, token: `pid-${pid}` } : undefined;
  }
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, start, token } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0 || typeof token !== 'string' || token === '') return undefined;
    return { pid, start: typeof start === 'string' ? start : undefined, token };
  } catch {
    return undefined;
  }
};

/** This process, as the lock files it writes name it. */
const selfOwner = (probe: ProcessProbe): LockOwner => ({ pid: process.pid, start: startOf(probe, 'self'), token: randomBytes(16).toString('hex') });

/**
 * Whether the process a lock file names is alive. Pure over the probe, so that every branch (no /proc included) can be tested.
 *
 * - Its pid is this process's: alive if this process holds that very lock (its token) or the file records this process's own start
 *   time (another worker thread of this process wrote it); otherwise it was an earlier process given the same pid (a container's pid
 *   1 after a restart), which is gone. Where this process's start time is unknown (no /proc) it is kept as alive.
 * - It records a boot id other than the running kernel's: the machine has restarted since, and it is gone.
 * - No process has its pid, or that process is a zombie (killed, not yet reaped: `Z`, or `X` dead): gone.
 * - It records a start time and the process with its pid started at another: the pid was reused; gone.
 * - Otherwise alive. Without /proc that is decided by the pid alone (signal 0), as well as the system allows.
 */
export const isOwnerAlive = (owner: LockOwner, self: { readonly pid: number; readonly start: string | undefined }, holds: (token: string) => boolean, probe: ProcessProbe): boolean => {
  if (owner.pid === self.pid) {
    if (holds(owner.token)) return true;
    if (self.start !== undefined) return owner.start === self.start;
    // This process's start time unknown (no /proc): the lock may be another worker thread's of this very process (threads share the
    // pid, not the registry). Kept, rather than risk two opens of one database; a restart with the same pid is a container's, on Linux.
    return true;
  }
  const bootId = probe.bootId();
  if (owner.start !== undefined && bootId !== undefined && !owner.start.startsWith(`${bootId}:`)) return false;
  if (!probe.exists(owner.pid)) return false;
  const stat = probe.stat(owner.pid);
  if (stat === undefined) return true;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return owner.start === undefined || bootId === undefined || owner.start === `${bootId}:${stat.startTicks}`;
};

/** Waits a few milliseconds without giving the event loop a turn (the lock is taken synchronously). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

type Takeover = 'removed' | 'changed' | 'busy';

/** The claim a process must hold to remove the file whose text is `text`: named by that text, which no other file ever holds. */
const claimFor = (file: string, text: string): string => `${file}.takeover-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

/**
 * Removes `file` if it still holds `staleText`, the text of a lock judged stale, and only then. Why this is atomic, where
 * "read, judge, remove" was not (two processes judged the same stale lock, the first removed it and linked its own, the second then
 * removed the first's fresh lock and linked its own, and both owned the directory):
 *
 * 1. To remove a lock file a process must first create its claim, `<file>.takeover-<hash of the lock's text>` (written aside and
 *    hard-linked into place, which fails if it exists): of all the processes that judged the same stale text, one at a time holds
 *    the claim. Every lock's text is unique (its token), so the claim names exactly one lock, ever.
 * 2. Holding the claim, it reads the file again and removes it only if it still holds `staleText`. Nothing else can remove that text
 *    meanwhile: its owner is dead, every other taker needs the claim, and no one can link a new lock over an existing file. So the
 *    file it removes is the one it judged stale, never a fresh lock another process has just linked (that one has another text and
 *    another claim).
 * 3. It then drops the claim. A slower process that judged the same stale text and takes the claim afterwards finds the file gone or
 *    holding another text, and removes nothing.
 *
 * A process killed while holding a claim leaves it behind; the claim holds its owner in the lock format, so a later taker judges it
 * like a lock and, its owner dead, removes it the same way (a claim of the claim), then starts over. A claim whose owner is alive is
 * a takeover in progress: `busy`, try again shortly.
 */
const takeOver = (file: string, staleText: string, self: LockOwner, probe: ProcessProbe, depth: number): Takeover => {
  const claim = claimFor(file, staleText);
  // The claim is written aside and linked into place, like the lock: a claim read half-written would look like a dead taker's.
  const token = randomBytes(16).toString('hex');
  const pending = `${claim}.${token}.pending`;
  writeWhole(pending, serialize({ ...self, token }));
  try {
    try {
      linkSync(pending, claim);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || depth >= 4) return 'busy';
      const claimText = readText(claim);
      if (claimText === undefined) return 'busy';
      const claimant = parseLockOwner(claimText);
      // Judged as a lock is, but never held by this thread (a claim is dropped before lockDataDir returns): one naming this pid is
      // another worker thread's of this process (same start time) or an earlier process's with the same pid.
      if (claimant !== undefined && isOwnerAlive(claimant, self, () => false, probe)) return 'busy';
      takeOver(claim, claimText, self, probe, depth + 1);
      return 'busy';
    }
  } finally {
    rmSync(pending, { force: true });
  }
  try {
    if (readText(file) !== staleText) return 'changed';
    rmSync(file, { force: true });
    return 'removed';
  } finally {
    rmSync(claim, { force: true });
  }
};

/** Creates `file` (which must not exist) with `text`. */
const writeWhole = (file: string, text: string): void => {
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
};

/** How many times a lock is tried (each failure a live takeover in the way, or a lock that changed under us) before giving up. */
const MAX_ATTEMPTS = 40;

/**
 * One process per data directory. PGlite does not lock its files, and two processes (or two opens in one process) writing the same
 * database corrupt it, so the directory holds a lock file naming its owner: pid, start time and a unique token (see LockOwner). It is
 * created whole (written aside, then hard-linked into place, which fails if the file exists). A lock whose process is gone (killed,
 * crashed, a zombie, an earlier process with this process's pid, a boot ago) is stale and taken over at once, atomically (takeOver);
 * one whose process is alive is refused with DataDirInUseError. Creates the directory when missing.
 */
export const lockDataDir = (dataDir: string, probe: ProcessProbe = systemProcessProbe): DataDirLock => {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const self = selfOwner(probe);
  const text = serialize(self);
  const pending = `${file}.${self.token}.pending`;
  writeWhole(pending, text);
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(pending, file);
        heldTokens.add(self.token);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new DataDirInUseError(`cannot take the lock file ${file} of the data directory ${dataDir}: another process keeps taking it over`);
      }
      const current = readText(file);
      if (current === undefined) continue; // Removed meanwhile: link again.
      const owner = parseLockOwner(current);
      if (owner !== undefined && isOwnerAlive(owner, self, (token) => heldTokens.has(token), probe)) {
        throw new DataDirInUseError(`the data directory ${dataDir} is in use by process ${owner.pid} (lock file ${file}): one process at a time may open it`);
      }
      // Stale: its process is gone. Take it over; if another process is doing so, wait for it to finish, then look again.
      if (takeOver(file, current, self, probe, 0) === 'busy') pause(1 + attempt);
    }
  } finally {
    rmSync(pending, { force: true });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldTokens.delete(self.token);
      if (readText(file) === text) rmSync(file, { force: true });
    },
  };
};
