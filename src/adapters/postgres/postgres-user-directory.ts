import { userNameKey, type UserRecord } from '../../domain/user.js';
import type { UserDirectory, UserQuery } from '../../ports/user-directory.port.js';
import type { QueryRunner } from './query-runner.js';
import { parameterList, timestamp, toUserRecord, USER_COLUMNS, type UserRow } from './rows.js';
import type { Tables } from './schema.js';

/** Users over PostgreSQL: each method is one statement, keyed by (account, case-folded name), the primary key. */
export const createPostgresUserDirectory = (runner: QueryRunner, tables: Tables): UserDirectory => ({
  async createUser(record: UserRecord) {
    const result = await runner.query(
      `INSERT INTO ${tables.users} (account_id, user_name_key, user_name, user_id, path, create_date)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz) ON CONFLICT (account_id, user_name_key) DO NOTHING`,
      [record.accountId, userNameKey(record.userName), record.userName, record.userId, record.path, timestamp(record.createDate)],
    );
    return result.rowCount === 1 ? 'created' : 'exists';
  },

  async getUser(accountId, userName) {
    const result = await runner.query<UserRow>(`SELECT ${USER_COLUMNS} FROM ${tables.users} WHERE account_id = $1 AND user_name_key = $2`, [
      accountId,
      userNameKey(userName),
    ]);
    const row = result.rows[0];
    return row === undefined ? undefined : toUserRecord(row);
  },

  async listUsers(query: UserQuery) {
    const conditions = ['account_id = $1'];
    const { parameters, bind } = parameterList(query.accountId);
    if (query.afterUserNameKey !== undefined) conditions.push(`user_name_key > ${bind(query.afterUserNameKey)}`);
    if (query.pathPrefix !== undefined) conditions.push(`starts_with(path, ${bind(query.pathPrefix)})`);
    const result = await runner.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM ${tables.users} WHERE ${conditions.join(' AND ')} ORDER BY user_name_key LIMIT ${bind(query.limit + 1)}`,
      parameters,
    );
    return { items: result.rows.slice(0, query.limit).map(toUserRecord), hasMore: result.rows.length > query.limit };
  },

  async listAccountIds() {
    const result = await runner.query<{ account_id: string }>(`SELECT DISTINCT account_id FROM ${tables.users} ORDER BY account_id`, []);
    return result.rows.map((row) => row.account_id);
  },

  async deleteUser(accountId, userName, userId) {
    const result = await runner.query(`DELETE FROM ${tables.users} WHERE account_id = $1 AND user_name_key = $2 AND user_id = $3`, [
      accountId,
      userNameKey(userName),
      userId,
    ]);
    return result.rowCount === 1;
  },
});
