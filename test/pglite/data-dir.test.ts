/** The data directory's lock file, and how the command line picks the PGlite store. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, type LockOwner, type ProcessProbe, isOwnerAlive, lockDataDir, parseLockOwner } from '../../src/adapters/pglite/data-dir-lock.js';
import { describeStore, parseCommand, STORE_ENV } from '../../src/protocol/cli/serve-options.js';

/** The pid the lock file names, in either format (a bare pid, or the current JSON with its start time and token). */
const ownerPidOf = (dir: string): number => {
  const text = readFileSync(join(dir, LOCK_FILE), 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : (JSON.parse(text) as { pid: number }).pid;
};

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'iam-ssc-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The start of a process as a lock file records it: `<boot id>:<start ticks>` from /proc. */
const startOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:${startTicks}`;
};

const lockText = (pid: number, start: string | null, token = randomBytes(8).toString('hex')): string => `${JSON.stringify({ pid, start, token })}\n`;

/** A pid no process has any more. */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('the data directory lock', () => {
  it('names its owner (pid, start time, token), refuses a second open (even in the same process), and is removed on release', () => {
    const dir = join(freshDir(), 'not-yet-there');
    const lock = lockDataDir(dir);
    const written = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; start: string; token: string };
    expect(written).toEqual({ pid: process.pid, start: startOf(process.pid), token: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${process.pid}`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over the lock of a process that is gone (killed without cleaning up), in the current and the earlier format', () => {
    for (const text of [`${deadPid()}\n`, lockText(deadPid(), null)]) {
      const dir = freshDir();
      writeFileSync(join(dir, LOCK_FILE), text);
      const lock = lockDataDir(dir);
      expect(ownerPidOf(dir)).toBe(process.pid);
      lock.release();
    }
  });

  it("takes over at once a lock naming this process's own pid that it does not hold: an earlier process given the same pid (a container's pid 1 after kill -9)", () => {
    for (const text of [lockText(process.pid, startOf(process.pid).replace(/:\d+$/, ':1')), `${process.pid}\n`, lockText(process.pid, null)]) {
      const dir = freshDir();
      writeFileSync(join(dir, LOCK_FILE), text);
      const lock = lockDataDir(dir);
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, start: startOf(process.pid) });
      lock.release();
    }
  });

  it('takes over the lock of a zombie (killed, not yet reaped by its parent)', async () => {
    // sh starts sleep, kills it and becomes another sleep (exec), which never reaps its killed child: a zombie while it runs.
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; kill -9 $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const zombie = Number((await once(parent.stdout!, 'data'))[0]);
      let state = '';
      for (let tries = 0; tries < 100 && state !== 'Z'; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        state = readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]![0]!;
      }
      expect(state).toBe('Z');
      for (const text of [`${zombie}\n`, lockText(zombie, startOf(zombie))]) {
        const dir = freshDir();
        writeFileSync(join(dir, LOCK_FILE), text);
        const lock = lockDataDir(dir);
        expect(ownerPidOf(dir)).toBe(process.pid);
        lock.release();
      }
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('refuses while the lock names a live process (by pid and start time), and leaves its lock alone', () => {
    const dir = freshDir();
    const parent = process.ppid;
    for (const text of [`${parent}\n`, lockText(parent, startOf(parent)), lockText(parent, null)]) {
      writeFileSync(join(dir, LOCK_FILE), text);
      expect(() => lockDataDir(dir)).toThrow(`is in use by process ${parent}`);
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(text);
    }
  });

  it('takes over a lock whose pid now belongs to another process (started at another time), or was written a boot ago', () => {
    const parent = process.ppid;
    const [bootId, ticks] = startOf(parent).split(':') as [string, string];
    for (const start of [`${bootId}:${Number(ticks) + 1}`, `00000000-0000-0000-0000-000000000000:${ticks}`]) {
      const dir = freshDir();
      writeFileSync(join(dir, LOCK_FILE), lockText(parent, start));
      const lock = lockDataDir(dir);
      expect(ownerPidOf(dir)).toBe(process.pid);
      lock.release();
    }
  });

  it("removes a takeover claim its dead taker left, then takes the lock; waits out a live taker's, then gives up (bounded)", () => {
    const dir = freshDir();
    const stale = lockText(deadPid(), null);
    writeFileSync(join(dir, LOCK_FILE), stale);
    const claim = join(dir, `${LOCK_FILE}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`);
    writeFileSync(claim, lockText(deadPid(), null));
    const lock = lockDataDir(dir);
    expect(ownerPidOf(dir)).toBe(process.pid);
    expect(existsSync(claim)).toBe(false);
    lock.release();

    writeFileSync(join(dir, LOCK_FILE), stale);
    writeFileSync(claim, lockText(process.ppid, startOf(process.ppid)));
    expect(() => lockDataDir(dir)).toThrow('another process keeps taking it over');
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(stale);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, basename(claim)].sort());
  });
});

describe('whether a lock\'s owner is alive, where /proc cannot tell (not Linux)', () => {
  const self = { pid: 100, start: undefined };
  const noProc = (living: readonly number[]): ProcessProbe => ({ exists: (pid) => living.includes(pid), stat: () => undefined, bootId: () => undefined });
  const owner = (pid: number, start?: string): LockOwner => ({ pid, start, token: 't' });

  it('judges another pid by signal 0 alone, and keeps a lock naming this pid (it may be another worker thread of this process)', () => {
    expect(isOwnerAlive(owner(200), self, () => false, noProc([200]))).toBe(true);
    expect(isOwnerAlive(owner(200, 'boot:5'), self, () => false, noProc([200]))).toBe(true);
    expect(isOwnerAlive(owner(200), self, () => false, noProc([]))).toBe(false);
    expect(isOwnerAlive(owner(100), self, (token) => token === 't', noProc([100]))).toBe(true);
    expect(isOwnerAlive(owner(100), self, () => false, noProc([100]))).toBe(true);
    expect(isOwnerAlive(owner(100, 'boot:5'), self, () => false, noProc([100]))).toBe(true);
  });

  it('with /proc, a lock naming this pid is alive only if held here or written at this process start (another thread)', () => {
    const linux = { pid: 100, start: 'boot:7' };
    const probe: ProcessProbe = { exists: () => true, stat: () => ({ state: 'R', startTicks: '7' }), bootId: () => 'boot' };
    expect(isOwnerAlive(owner(100, 'boot:7'), linux, () => false, probe)).toBe(true);
    expect(isOwnerAlive(owner(100, 'boot:6'), linux, () => false, probe)).toBe(false);
    expect(isOwnerAlive(owner(100), linux, () => false, probe)).toBe(false);
    expect(isOwnerAlive(owner(100, 'boot:6'), linux, (token) => token === 't', probe)).toBe(true);
  });

  it('property: with /proc, a recorded start time must match the live process, which must not be a zombie or dead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 110 }), fc.nat(5), fc.nat(5), fc.constantFrom('R', 'S', 'D', 'Z', 'X'), fc.boolean(), (pid, recorded, actual, state, exists) => {
        const probe: ProcessProbe = { exists: () => exists, stat: () => (exists ? { state, startTicks: String(actual) } : undefined), bootId: () => 'boot' };
        const alive = isOwnerAlive(owner(pid, `boot:${recorded}`), self, () => false, probe);
        expect(alive).toBe(exists && state !== 'Z' && state !== 'X' && recorded === actual);
      }),
    );
  });

  it('reads both lock formats, and nothing else', () => {
    expect(parseLockOwner('1234\n')).toEqual({ pid: 1234, start: undefined, token: 'pid-1234' });
    expect(parseLockOwner(lockText(7, 'b:1', 'tok'))).toEqual({ pid: 7, start: 'b:1', token: 'tok' });
    for (const text of ['', '0', '-1', 'abc', '{"pid":1}', '{"pid":0,"token":"t"}', '[1]', 'null', '{"pid":1.5,"token":"t"}']) expect(parseLockOwner(text)).toBeUndefined();
  });
});

/** A worker process (lock-race-worker.ts) and the lines it answers with, one at a time. */
interface LockWorker {
  readonly pid: number;
  send(line: string): void;
  next(): Promise<string>;
  stop(): void;
}

const startWorker = (dir: string): LockWorker => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lock-race-worker.ts'), dir], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter === undefined) lines.push(line);
    else waiter(line);
  });
  child.on('exit', () => {
    for (const waiter of waiting.splice(0)) waiter('exited');
  });
  return {
    pid: child.pid!,
    send: (line) => child.stdin!.write(`${line}\n`),
    next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    stop: () => child.kill('SIGKILL'),
  };
};

describe('two processes finding the same stale lock at once', () => {
  it('exactly one of six owns the directory, round after round (a dead pid, in the old and the current format)', async () => {
    const dir = freshDir();
    const stalePid = deadPid();
    const workers = Array.from({ length: 6 }, () => startWorker(dir));
    try {
      for (const worker of workers) expect(await worker.next()).toBe('ready');
      const ROUNDS = 80;
      const outcomes: string[][] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const stale =
          round % 2 === 0
            ? `${stalePid}\n`
            : lockText(stalePid, null, `stale-${round}-${randomBytes(4).toString('hex')}`);
        writeFileSync(join(dir, LOCK_FILE), stale);
        const at = Date.now() + 30;
        for (const worker of workers) worker.send(`go ${at}`);
        const answers = await Promise.all(workers.map((worker) => worker.next()));
        outcomes.push(answers);
        const owners = workers.filter((_, index) => answers[index] === 'acquired');
        if (owners.length === 1) expect(ownerPidOf(dir)).toBe(owners[0]!.pid);
        for (const worker of workers) worker.send('release');
        for (const worker of workers) expect(await worker.next()).toBe('released');
        expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      }
      // Each round: one acquired, the others refused (the owner is alive); never two owners, never none.
      expect(outcomes.filter((answers) => answers.filter((answer) => answer === 'acquired').length !== 1 || answers.some((answer) => !['acquired', 'refused'].includes(answer)))).toEqual([]);
    } finally {
      for (const worker of workers) worker.stop();
    }
  }, 120_000);
});

describe('serve --data-dir', () => {
  const parse = (argv: string[], env: Record<string, string> = {}) => parseCommand(argv, env, () => '');

  it('chooses the PGlite store, over the environment variable too', () => {
    const parsed = parse(['serve', '--data-dir', './state'], { [STORE_ENV]: 'postgres://db/x' });
    expect(parsed).toMatchObject({ kind: 'serve', config: { store: { kind: 'pglite', dataDir: './state' } } });
    if (parsed.kind === 'serve') expect(describeStore(parsed.config.store)).toBe('pglite ./state');
  });

  it('refuses --data-dir with --store, and an empty directory name', () => {
    expect(parse(['serve', '--data-dir', 'x', '--store', 'memory'])).toEqual({
      kind: 'error',
      message: '--data-dir and --store are two stores: give one of them',
    });
    expect(parse(['serve', '--data-dir', ''])).toEqual({ kind: 'error', message: '--data-dir: expected a directory' });
  });
});

describe('serve --data-dir without the optional @electric-sql/pglite package', () => {
  it('exits 1 with a message that names the package to install, and writes nothing', () => {
    // A module-resolution hook that makes the package unfindable, as in an install without it.
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === '@electric-sql/pglite') { const error = new Error("Cannot find package '@electric-sql/pglite'"); error.code = 'ERR_MODULE_NOT_FOUND'; throw error; }
      return next(specifier, context);
    }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const dir = join(freshDir(), 'state');
    const main = join(import.meta.dirname, '../../src/protocol/cli/main.ts');
    const result = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', main, 'serve', '--port', '0', '--data-dir', dir],
      { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the --data-dir store is unavailable: cannot load the PGlite adapter (is the '@electric-sql/pglite' package installed?");
    expect(existsSync(dir)).toBe(false);
  });
});
