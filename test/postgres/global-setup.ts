/**
 * Gives the PostgreSQL tests a real server with no manual step: `IAM_SSC_TEST_DATABASE_URL` when set, else a throw-away cluster
 * started here from the PostgreSQL binaries on this machine (as `nobody` when running as root, which PostgreSQL refuses), on a
 * unix socket in a temp directory, stopped and removed at the end. Tests read the URL with `inject('postgresUrl')`; when no server
 * can be had, `inject('postgresUnavailable')` says why and how to fix it, and every PostgreSQL test fails with that message.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresUnavailable: string;
  }
}

const INSTALL_HINT =
  'Install the PostgreSQL server binaries (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql`), ' +
  'or point IAM_SSC_TEST_DATABASE_URL at a database the tests may create schemas in.';

/** A directory holding both `initdb` and `postgres`: PATH first, then Debian's versioned directories, newest first. */
const findServerBinaries = (): string | undefined => {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((version) => /^\d+$/.test(version))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`)
    : [];
  return [...fromPath, ...debian].find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
};

/** Who runs the server: the current user, or `nobody` when that is root. */
const serverIdentity = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
};

const waitUntilAccepting = async (url: string, server: ChildProcess, log: () => string): Promise<void> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL exited with code ${server.exitCode} while starting:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s: ${String(error)}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

const stop = (server: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    const killer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    server.kill('SIGINT'); // fast shutdown: roll back open transactions, exit
  });

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.IAM_SSC_TEST_DATABASE_URL;
  if (given !== undefined && given !== '') {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const binaries = findServerBinaries();
  if (binaries === undefined) {
    const message = `No PostgreSQL server binaries (initdb, postgres) found on PATH or in /usr/lib/postgresql/*/bin. ${INSTALL_HINT}`;
    // In CI the whole run fails at once. Elsewhere, loudly, the PostgreSQL suites fail with this message (never skipped) and the
    // other suites still run.
    if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(message);
    console.error(`\n*** ${message}\n`);
    project.provide('postgresUnavailable', message);
    return undefined;
  }

  const identity = serverIdentity();
  // The server's user must reach the directory: when it is not us, use /tmp rather than a TMPDIR it may not be allowed into.
  const dir = mkdtempSync(join(identity === undefined ? tmpdir() : '/tmp', 'iam-ssc-pg-'));
  if (identity !== undefined) chownSync(dir, identity.uid, identity.gid);
  const dataDir = join(dir, 'data');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
  try {
    execFileSync(
      join(binaries, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'],
      { env, stdio: 'pipe', ...identity },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error; // its message carries initdb's stderr
  }
  let log = '';
  const server = spawn(
    join(binaries, 'postgres'),
    [
      '-D', dataDir,
      '-k', dir, // the unix socket lives in the temp dir: no port to find, nothing shared with other runs
      '-c', "listen_addresses=",
      '-c', 'max_connections=300',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], ...identity },
  );
  const collect = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`;
  const teardown = async (): Promise<void> => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAccepting(url, server, () => log);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('postgresUrl', url);
  return teardown;
}
