import type { Pool } from 'pg';
import { isAccountId } from '../../domain/account.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import { DEFAULT_SCHEMA } from './index.js';
import { tablesIn } from './schema.js';
import { inTransaction } from './transactions.js';

/** Not part of IAM: what the endpoint's control paths need of a PostgreSQL store (a reset between tests, a health probe). */
export interface PostgresMaintenance extends StateReset {
  /** True when the database answered `SELECT 1` within `timeoutMs`; never rejects. */
  probe(timeoutMs: number): Promise<boolean>;
}

/**
 * For the adapters of `createPostgresAdapters({ schema })` on `pool`. A reset runs in one transaction over all three tables, so a
 * concurrent reader sees everything or nothing of the account; emptying every account truncates the tables.
 */
export const createPostgresMaintenance = (pool: Pool, schema: string = DEFAULT_SCHEMA): PostgresMaintenance => {
  const tables = tablesIn(schema);
  return {
    async resetState(accountId?: string) {
      if (accountId === undefined) {
        await pool.query(`TRUNCATE ${tables.credentials}, ${tables.users}, ${tables.closedOwners}`);
        return;
      }
      if (!isAccountId(accountId)) throw new TypeError('resetState: accountId must be 12 digits');
      await inTransaction(pool, 'BEGIN', async (client) => {
        await client.query(`DELETE FROM ${tables.credentials} WHERE account_id = $1`, [accountId]);
        await client.query(`DELETE FROM ${tables.users} WHERE account_id = $1`, [accountId]);
        await client.query(`DELETE FROM ${tables.closedOwners} WHERE account_id = $1`, [accountId]);
      });
    },

    async probe(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([pool.query('SELECT 1').then(() => true, () => false), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
};
