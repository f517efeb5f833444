import type { AccessKeyRecord, AccessKeyStatus } from '../../domain/access-key.js';
import type { AccessKeyStore } from '../../ports/access-key-store.port.js';
import { type QueryRunner, sqlLiteral } from './query-runner.js';
import { timestamp } from './rows.js';
import type { Tables } from './schema.js';
import { beginOwnerLocked, inTransaction } from './transactions.js';

const ACCESS_KEY_COLUMNS = 'access_key_id, account_id, owner_id, user_name, secret_access_key, status, create_date';

interface AccessKeyRow {
  readonly access_key_id: string;
  readonly account_id: string;
  readonly owner_id: string;
  readonly user_name: string;
  readonly secret_access_key: string;
  readonly status: AccessKeyStatus;
  readonly create_date: Date;
}

const toAccessKeyRecord = (row: AccessKeyRow): AccessKeyRecord => ({
  accountId: row.account_id,
  ownerId: row.owner_id,
  userName: row.user_name,
  accessKeyId: row.access_key_id,
  secretAccessKey: row.secret_access_key,
  status: row.status,
  createDate: row.create_date,
});

/** A key is "no key" unless it is in the account and the owner's. */
const OWNED = 'access_key_id = $1 AND account_id = $2 AND owner_id = $3';

/**
 * Access keys over PostgreSQL (and PGlite). Create and closeOwner run under the owner's advisory lock, the lock every create and
 * closure of the same owner takes (credentials too), so the quota and DeleteUser's check see a settled count.
 */
export const createPostgresAccessKeyStore = (runner: QueryRunner, tables: Tables): AccessKeyStore => ({
  createAccessKey: (record, quota) =>
    inTransaction(runner, async (session) => {
      const [account, owner, id] = [record.accountId, record.ownerId, record.accessKeyId].map(sqlLiteral);
      const results = await session.script(`${beginOwnerLocked(tables.schema, record.accountId, record.ownerId)}
        WITH state AS (
          SELECT EXISTS (SELECT 1 FROM ${tables.closedOwners} WHERE account_id = ${account} AND owner_id = ${owner}) AS closed,
            (SELECT count(*) FROM ${tables.accessKeys} WHERE account_id = ${account} AND owner_id = ${owner}) AS owned,
            EXISTS (SELECT 1 FROM ${tables.accessKeys} WHERE access_key_id = ${id}) AS taken
        ), inserted AS (
          INSERT INTO ${tables.accessKeys} (${ACCESS_KEY_COLUMNS})
          SELECT ${id}, ${account}, ${owner}, ${sqlLiteral(record.userName)}, ${sqlLiteral(record.secretAccessKey)},
            ${sqlLiteral(record.status)}, ${sqlLiteral(timestamp(record.createDate))}::timestamptz
          FROM state WHERE NOT closed AND NOT taken AND owned < ${String(Math.trunc(quota))}
          ON CONFLICT (access_key_id) DO NOTHING
          RETURNING 1
        )
        SELECT closed, owned, EXISTS (SELECT 1 FROM inserted) AS inserted FROM state;
        COMMIT`);
      const row = results.at(-2)?.rows[0];
      if (row === undefined) throw new Error('createAccessKey: the state query returned no row');
      if (row['inserted'] === true) return 'created';
      if (row['closed'] === true) return 'owner-closed';
      // count(*) is a bigint: the driver may hand it over as text.
      if (Number(row['owned']) >= quota) return 'quota-exceeded';
      // The id is taken, or a concurrent create of another owner took it in the meantime.
      return 'duplicate-id';
    }),

  async findAccessKey(accessKeyId) {
    const result = await runner.query<AccessKeyRow>(`SELECT ${ACCESS_KEY_COLUMNS} FROM ${tables.accessKeys} WHERE access_key_id = $1`, [accessKeyId]);
    const row = result.rows[0];
    return row === undefined ? undefined : toAccessKeyRecord(row);
  },

  async listOwnerAccessKeys(accountId, ownerId) {
    const result = await runner.query<AccessKeyRow>(
      `SELECT ${ACCESS_KEY_COLUMNS} FROM ${tables.accessKeys} WHERE account_id = $1 AND owner_id = $2`,
      [accountId, ownerId],
    );
    return result.rows.map(toAccessKeyRecord);
  },

  async updateAccessKeyStatus(accountId, ownerId, accessKeyId, status) {
    const result = await runner.query(`UPDATE ${tables.accessKeys} SET status = $4 WHERE ${OWNED}`, [accessKeyId, accountId, ownerId, status]);
    return result.rowCount === 1;
  },

  async deleteAccessKey(accountId, ownerId, accessKeyId) {
    const result = await runner.query(`DELETE FROM ${tables.accessKeys} WHERE ${OWNED}`, [accessKeyId, accountId, ownerId]);
    return result.rowCount === 1;
  },

  closeOwner: (accountId, ownerId) =>
    inTransaction(runner, async (session) => {
      const [account, owner] = [accountId, ownerId].map(sqlLiteral);
      const results = await session.script(`${beginOwnerLocked(tables.schema, accountId, ownerId)}
        WITH keys AS (
          SELECT EXISTS (SELECT 1 FROM ${tables.accessKeys} WHERE account_id = ${account} AND owner_id = ${owner}) AS has_keys
        ), closing AS (
          INSERT INTO ${tables.closedOwners} (account_id, owner_id) SELECT ${account}, ${owner} FROM keys WHERE NOT has_keys
          ON CONFLICT DO NOTHING
        )
        SELECT has_keys FROM keys;
        COMMIT`);
      return results.at(-2)?.rows[0]?.['has_keys'] === false ? 'closed' : 'has-access-keys';
    }),
});
