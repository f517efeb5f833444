/** The data directory's lock file, and how the command line picks the PGlite store. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/adapters/pglite/data-dir-lock.js';
import { describeStore, parseCommand, STORE_ENV } from '../../src/protocol/cli/serve-options.js';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'iam-ssc-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the data directory lock', () => {
  it('holds the owner pid, refuses a second open (even in the same process), and is removed on release', () => {
    const dir = join(freshDir(), 'not-yet-there');
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${process.pid}`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over the lock of a process that is gone (killed without cleaning up)', () => {
    const dir = freshDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, LOCK_FILE), `${gone.stdout}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('refuses while the lock names a live process, and leaves its lock alone', () => {
    const dir = freshDir();
    const parent = String(process.ppid);
    writeFileSync(join(dir, LOCK_FILE), `${parent}\n`);
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${parent}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(parent);
  });
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
