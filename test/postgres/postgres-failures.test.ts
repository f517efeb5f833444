/**
 * A failing database is an IamError ServiceFailure (500, Receiver) with the cause told to onInternalError: never a thrown
 * exception, never a crashed process, never a partial write; and the adapters recover once the database is back.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresAdapters } from '../../src/adapters/postgres/index.js';
import { createCredentialEngine, createInMemoryUserDirectory, type IamError } from '../../src/index.js';
import { lockKeyLiteral } from '../../src/adapters/postgres/transactions.js';
import { DEFAULT_ACCOUNT_ID } from '../../src/index.js';
import { startServer } from '../../src/protocol/cli/serve.js';
import { openTestAdapters, postgresUrl, type TestAdapters } from './database.js';

const CODECOMMIT = 'codecommit.amazonaws.com';

const SERVICE_FAILURE = { code: 'ServiceFailure', httpStatus: 500, type: 'Receiver' } satisfies Partial<IamError>;

/** A TCP port nothing listens on: bound, then released. */
const deadPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Ends, from another process and synchronously, the server sessions of `applicationName` that sit in a transaction. */
const terminateSessionsInTransaction = (applicationName: string): void => {
  const script = `
    const pg = require('pg');
    const client = new pg.Client({ connectionString: process.argv[1] });
    client.connect()
      .then(() => client.query("SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'", [process.argv[2]]))
      .then((result) => { process.stdout.write(String(result.rows[0].n)); return client.end(); })
      .catch((error) => { console.error(error); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script, postgresUrl(), applicationName], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout !== '1') throw new Error(`could not terminate the session: ${result.stdout} ${result.stderr}`);
};

describe('PostgreSQL failures', () => {
  const opened: TestAdapters[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((adapters) => adapters.dispose()));
  });

  it('answers ServiceFailure, never throws, when the server is unreachable', async () => {
    const port = await deadPort();
    const adapters = createPostgresAdapters({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    await expect(adapters.migrate()).rejects.toThrow();
    const causes: unknown[] = [];
    const users = createInMemoryUserDirectory();
    const engine = createCredentialEngine({ store: adapters.store, users, onInternalError: (cause) => causes.push(cause) });
    await engine.createUser({ UserName: 'alice' });

    const created = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT });
    expect(created._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    expect((await engine.listServiceSpecificCredentials({ UserName: 'alice' }))._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    expect((await engine.deleteUser({ UserName: 'alice' }))._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    expect(causes).toHaveLength(3);
    expect(causes.every((cause) => cause instanceof Error && /ECONNREFUSED/.test(String((cause as Error & { code?: string }).code ?? cause.message)))).toBe(true);

    const allPostgres = createCredentialEngine({ store: adapters.store, users: adapters.users });
    expect((await allPostgres.createUser({ UserName: 'bob' }))._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    await adapters.close();
    await adapters.close();
  });

  it('writes nothing and answers ServiceFailure when the connection dies inside a create, then recovers', async () => {
    const applicationName = `victim_${randomBytes(4).toString('hex')}`;
    const adapters = await openTestAdapters('dies', { application_name: applicationName, max: 1 });
    opened.push(adapters);
    const causes: unknown[] = [];
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users, onInternalError: (cause) => causes.push(cause) });
    await engine.createUser({ UserName: 'alice' });

    // Between its reads and its insert, the create's transaction loses its connection.
    let decisions = 0;
    const store = adapters.store;
    const sabotaged = createCredentialEngine({
      store: {
        ...store,
        createCredential: (command) =>
          store.createCredential({
            ...command,
            decide: (snapshot) => {
              decisions += 1;
              if (decisions === 1) terminateSessionsInTransaction(applicationName);
              return command.decide(snapshot);
            },
          }),
      },
      users: adapters.users,
      onInternalError: (cause) => causes.push(cause),
    });
    const outcome = await sabotaged.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT });
    expect(outcome._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    expect(decisions).toBe(1);
    expect(causes).toHaveLength(1);

    const { rows } = await adapters.pool.query(`SELECT count(*)::int AS n FROM "${adapters.schema}".credentials`);
    expect(rows[0]).toEqual({ n: 0 });
    // The pool replaced the dead connection: the same adapters serve the next request.
    const next = (await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))._unsafeUnwrap();
    expect(next.ServiceSpecificCredential.ServiceUserName).toBe('alice-at-123456789012');
    expect(causes).toHaveLength(1);
  });

  it('survives idle pooled connections being killed by the server', async () => {
    const applicationName = `idle_${randomBytes(4).toString('hex')}`;
    const poolErrors: Error[] = [];
    const adapters = await openTestAdapters('idle', { application_name: applicationName, onPoolError: (error) => poolErrors.push(error) });
    opened.push(adapters);
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    await Promise.all(['a', 'b', 'c'].map((UserName) => engine.createUser({ UserName })));

    const admin = createPostgresAdapters({ connectionString: postgresUrl(), max: 1 });
    let terminated = 0;
    try {
      const { rows } = await admin.pool.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      terminated = rows[0]?.n ?? 0;
    } finally {
      await admin.close();
    }
    expect(terminated).toBeGreaterThan(0);
    // Each idle connection hears of its end as an 'error' event: caught and reported, not an uncaught exception.
    await vi.waitFor(() => expect(poolErrors).toHaveLength(terminated), { timeout: 20_000 });
    expect((await engine.listUsers())._unsafeUnwrap().Users.map((u) => u.UserName)).toEqual(['a', 'b', 'c']);
  });

  it('answers ServiceFailure when a statement times out, and leaves nothing behind', async () => {
    const adapters = await openTestAdapters('timeout', { statement_timeout: 200 });
    opened.push(adapters);
    const causes: unknown[] = [];
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users, onInternalError: (cause) => causes.push(cause) });
    await engine.createUser({ UserName: 'alice' });

    const blocker = await adapters.pool.connect();
    try {
      await blocker.query(`BEGIN; SET LOCAL statement_timeout = 0; LOCK TABLE "${adapters.schema}".credentials IN ACCESS EXCLUSIVE MODE`);
      const outcome = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT });
      expect(outcome._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
      expect(causes).toEqual([expect.objectContaining({ code: '57014' })]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect((await engine.listServiceSpecificCredentials({ UserName: 'alice' }))._unsafeUnwrap().ServiceSpecificCredentials).toEqual([]);
    expect((await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT })).isOk()).toBe(true);
  });

  it('stops within the grace period when a statement is blocked on a lock: cancels it, says so, and logs no answer as delivered', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const server = await startServer(
      {
        host: '127.0.0.1',
        port: 0,
        accountId: DEFAULT_ACCOUNT_ID,
        accountMap: new Map(),
        unsupportedServiceError: 'NoSuchEntity',
        store: { kind: 'postgres', connectionString: postgresUrl() },
        maxBodyBytes: 1024 * 1024,
        accessLog: true,
        authenticateEndpoint: false,
      },
      { log: (line) => lines.push(line), error: (line) => errors.push(line) },
    );
    const UserName = `stopping-${randomBytes(4).toString('hex')}`;
    const userId = (await server.engine.createUser({ UserName }))._unsafeUnwrap().User.UserId;

    // Another session holds the user's owner lock, so the Create below waits on it for as long as that session likes.
    const holder = createPostgresAdapters({ connectionString: postgresUrl(), max: 2 });
    const blocker = await holder.pool.connect();
    try {
      await blocker.query(`BEGIN; SELECT pg_advisory_xact_lock(${lockKeyLiteral('owner', '"iam_service_credentials"', DEFAULT_ACCOUNT_ID, userId)})`);
      const body = new URLSearchParams({ Action: 'CreateServiceSpecificCredential', Version: '2010-05-08', UserName, ServiceName: CODECOMMIT });
      const answer = fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then(
        (response) => response.status,
        (error: unknown) => error,
      );
      await vi.waitFor(async () => {
        const { rows } = await holder.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'advisory' AND state = 'active'",
        );
        expect(rows[0]?.n).toBeGreaterThan(0);
      }, { timeout: 20_000 });

      await server.close(300);
      // The client never got an answer; the log says what was cut off and records no status for it.
      expect(await answer).toBeInstanceOf(Error);
      expect(errors).toContainEqual(expect.stringMatching(/cut off 1 database statement\(s\) still running after the 300 ms grace period/));
      await vi.waitFor(() => expect(lines.some((line) => line.includes('CreateServiceSpecificCredential'))).toBe(true));
      const createLine = lines.find((line) => line.includes('CreateServiceSpecificCredential')) as string;
      expect(createLine).toMatch(/ - CreateServiceSpecificCredential not-delivered /);
      expect(lines.filter((line) => / 200 CreateServiceSpecificCredential /.test(line))).toEqual([]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    // The cancelled create's transaction was rolled back: the user has no credential.
    const { rows } = await holder.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM iam_service_credentials.credentials WHERE owner_id = $1', [
      userId,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
    await holder.close();
  });

  it('leaves the user whole when DeleteUser fails on PostgreSQL: the closure and the deletion commit together or not at all', async () => {
    const adapters = await openTestAdapters('delete_user');
    opened.push(adapters);
    const causes: unknown[] = [];
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users, onInternalError: (cause) => causes.push(cause) });
    await engine.createUser({ UserName: 'alice' });
    // Deleting the user fails (as a statement timeout would), and so would undoing the closure afterwards.
    await adapters.pool.query(`
      CREATE FUNCTION "${adapters.schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER refuse BEFORE DELETE ON "${adapters.schema}".users FOR EACH ROW EXECUTE FUNCTION "${adapters.schema}".refuse();
      CREATE TRIGGER refuse BEFORE DELETE ON "${adapters.schema}".closed_owners FOR EACH ROW EXECUTE FUNCTION "${adapters.schema}".refuse();`);

    expect((await engine.deleteUser({ UserName: 'alice' }))._unsafeUnwrapErr()).toMatchObject(SERVICE_FAILURE);
    expect(causes).toEqual([expect.objectContaining({ message: 'refused' })]);
    // Nothing changed: the user is there, and so is its right to credentials.
    expect((await engine.getUser({ UserName: 'alice' })).isOk()).toBe(true);
    const { rows } = await adapters.pool.query(`SELECT count(*)::int AS n FROM "${adapters.schema}".closed_owners`);
    expect(rows[0]).toEqual({ n: 0 });
    expect((await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT })).isOk()).toBe(true);

    await adapters.pool.query(`DROP TRIGGER refuse ON "${adapters.schema}".users; DROP TRIGGER refuse ON "${adapters.schema}".closed_owners`);
    expect((await engine.deleteUser({ UserName: 'alice' }))._unsafeUnwrapErr()).toMatchObject({ code: 'DeleteConflict' });
  });
});
