/** What only the PostgreSQL adapters have: migrations, options, and the retry of a Create that loses a name to another owner. */
import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresAdapters, SCHEMA_VERSION } from '../../src/adapters/postgres/index.js';
import type { CredentialRecord } from '../../src/domain/credential.js';
import { checkQuota } from '../../src/domain/quota.js';
import { deriveServiceUserName } from '../../src/domain/service-user-name.js';
import type { CreateCredentialCommand } from '../../src/ports/credential-store.port.js';
import { ownerLockKeyExpression, lockKeyLiteral } from '../../src/adapters/postgres/transactions.js';
import { freshSchemaName, openTestAdapters, postgresUrl, type TestAdapters } from './database.js';

const ACCOUNT = '111122223333';
const CODECOMMIT = 'codecommit.amazonaws.com';

const engineLikeCreate = (ownerId: string, userName: string, credentialId: string, decisions: string[] = []): CreateCredentialCommand => ({
  accountId: ACCOUNT,
  ownerId,
  userName,
  serviceName: CODECOMMIT,
  decide: (snapshot) =>
    checkQuota(snapshot.ownerCredentials).map((): CredentialRecord => {
      const serviceUserName = deriveServiceUserName(userName, ACCOUNT, (key) => snapshot.isServiceUserNameTaken(key));
      decisions.push(serviceUserName);
      return {
        accountId: ACCOUNT,
        credentialId,
        ownerId,
        userName,
        serviceName: CODECOMMIT,
        kind: 'password',
        serviceUserName,
        secretDigest: 'd'.repeat(43),
        status: 'Active',
        createDate: new Date('2026-11-23T10:00:00.000Z'),
      };
    }),
});

/** Inserts, in `client`'s open transaction, the credential of the user literally named alice+1 that takes the name alice+1-at-…. */
const insertAlicePlusOne = (client: PoolClient, schema: string): Promise<unknown> =>
  client.query(
    `INSERT INTO "${schema}".credentials (account_id, credential_id, owner_id, user_name, service_name, kind, service_user_name,
       service_user_name_key, secret_digest, status, create_date)
     VALUES ($1, 'ACCA2', 'AIDAALICEPLUS1', 'alice+1', $2, 'password', 'alice+1-at-111122223333', 'alice+1-at-111122223333', $3, 'Active', now())`,
    [ACCOUNT, CODECOMMIT, 'd'.repeat(43)],
  );

/** Resolves once a session of `applicationName` waits for a lock (here: on the unique index, for the other transaction). */
const waitUntilBlocked = (adapters: TestAdapters, applicationName: string): Promise<void> =>
  vi.waitFor(
    async () => {
      const { rows } = await adapters.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [applicationName],
      );
      expect(rows[0]).toEqual({ n: 1 });
    },
    { timeout: 20_000 },
  );

describe('PostgreSQL adapters', () => {
  const opened: TestAdapters[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((adapters) => adapters.dispose()));
  });
  const open = async (label: string, options: Parameters<typeof openTestAdapters>[1] = {}): Promise<TestAdapters> => {
    const adapters = await openTestAdapters(label, options);
    opened.push(adapters);
    return adapters;
  };

  it('migrates once, from several processes at once, and again without effect', async () => {
    const schema = freshSchemaName('migrate');
    const many = Array.from({ length: 4 }, () => createPostgresAdapters({ connectionString: postgresUrl(), schema, max: 1 }));
    try {
      await Promise.all(many.map((adapters) => adapters.migrate()));
      await many[0]?.migrate();
      const { rows } = await many[0]!.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      // Each migration applied once.
      expect(rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
      expect(await many[1]?.users.createUser({ accountId: ACCOUNT, userName: 'a', userId: 'AIDA1', path: '/', createDate: new Date() })).toBe(
        'created',
      );
    } finally {
      await many[0]?.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(many.map((adapters) => adapters.close()));
    }
  });

  it('refuses a schema newer than the code', async () => {
    const adapters = await open('newer');
    await adapters.pool.query(`INSERT INTO "${adapters.schema}".schema_version (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    await expect(adapters.migrate()).rejects.toThrow(/newer than this code/);
  });

  it('rejects wrong options at once, with a TypeError', () => {
    expect(() => createPostgresAdapters({ schema: 'Robert"; DROP TABLE students; --' })).toThrow(TypeError);
    expect(() => createPostgresAdapters({ maxAttempts: 0 })).toThrow(TypeError);
  });

  it('retries a Create whose ServiceUserName another owner took meanwhile, and derives the next name', async () => {
    const applicationName = `retry_${randomBytes(4).toString('hex')}`;
    const adapters = await open('retry', { application_name: applicationName });
    const decisions: string[] = [];
    expect((await adapters.store.createCredential(engineLikeCreate('AIDAALICE', 'alice', 'ACCA1', decisions))).outcome).toBe('created');

    // Another owner, the user literally named alice+1, is inserting alice's next name, and has not committed yet.
    const other = await adapters.pool.connect();
    try {
      await other.query('BEGIN');
      await insertAlicePlusOne(other, adapters.schema);
      // alice's Create cannot see it, picks the same name, and waits on the unique index for the other transaction.
      const pending = adapters.store.createCredential(engineLikeCreate('AIDAALICE', 'alice', 'ACCA3', decisions));
      await waitUntilBlocked(adapters, applicationName);
      await other.query('COMMIT');
      const outcome = await pending;
      expect(outcome.outcome === 'created' && outcome.record.serviceUserName).toBe('alice+2-at-111122223333');
      expect(decisions).toEqual(['alice-at-111122223333', 'alice+1-at-111122223333', 'alice+2-at-111122223333']);
    } finally {
      other.release();
    }
  });

  it('rejects with the last conflict once the attempts run out', async () => {
    const applicationName = `noretry_${randomBytes(4).toString('hex')}`;
    const adapters = await open('noretry', { application_name: applicationName, maxAttempts: 1 });
    await adapters.store.createCredential(engineLikeCreate('AIDAALICE', 'alice', 'ACCA1'));
    const other = await adapters.pool.connect();
    try {
      await other.query('BEGIN');
      await insertAlicePlusOne(other, adapters.schema);
      const pending = adapters.store.createCredential(engineLikeCreate('AIDAALICE', 'alice', 'ACCA3'));
      const settled = pending.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await waitUntilBlocked(adapters, applicationName);
      await other.query('COMMIT');
      expect(await settled).toMatchObject({ code: '23505', constraint: 'credentials_service_user_name' });
    } finally {
      other.release();
    }
    const { rows } = await adapters.pool.query(`SELECT credential_id FROM "${adapters.schema}".credentials ORDER BY credential_id`);
    expect(rows).toEqual([{ credential_id: 'ACCA1' }, { credential_id: 'ACCA2' }]);
  });

  it('computes the owner lock key in SQL exactly as in the code, so creates by name and by owner id share one lock', async () => {
    const adapters = await open('lockkey');
    const cases = [
      ['123456789012', 'AIDAALICE000000000000'],
      ['999999999999', "AIDA'quote\\back"],
      ['123456789012', 'AIDAÄÖÜ—ünïcødé'],
    ] as const;
    for (const [accountId, ownerId] of cases) {
      const { rows } = await adapters.pool.query(`SELECT (${ownerLockKeyExpression(`"${adapters.schema}"`, '$2::text', '$1::text')})::text AS key`, [
        ownerId,
        accountId,
      ]);
      expect(rows[0]).toEqual({ key: lockKeyLiteral('owner', `"${adapters.schema}"`, accountId, ownerId) });
    }
  });
});
