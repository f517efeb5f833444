import { isAccountId } from '../../domain/account.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import type { QueryRunner } from './query-runner.js';
import type { tablesIn } from './schema.js';
import { inTransaction } from './transactions.js';

/** Not part of IAM: what the endpoint's control paths need of a SQL store (a reset between tests, a health probe). */
export interface SqlMaintenance extends StateReset {
  /** True when the database answered `SELECT 1` within `timeoutMs`; never rejects. */
  probe(timeoutMs: number): Promise<boolean>;
}

/**
 * For the adapters over `runner` (PostgreSQL or PGlite). A reset runs in one transaction over every table, so a concurrent
 * reader sees everything or nothing of the account; emptying every account truncates the tables.
 */
export const createSqlMaintenance = (runner: QueryRunner, tables: ReturnType<typeof tablesIn>): SqlMaintenance => ({
  async resetState(accountId?: string) {
    if (accountId === undefined) {
      await runner.query(
        `TRUNCATE ${tables.credentials}, ${tables.users}, ${tables.closedOwners}, ${tables.accessKeys}, ${tables.inlinePolicies}, ${tables.managedPolicies}, ${tables.policyAttachments}, ${tables.groups}, ${tables.groupMembers}`,
      );
      return;
    }
    if (!isAccountId(accountId)) throw new TypeError('resetState: accountId must be 12 digits');
    await inTransaction(runner, async (session) => {
      await session.query('BEGIN');
      await session.query(`DELETE FROM ${tables.credentials} WHERE account_id = $1`, [accountId]);
      await session.query(`DELETE FROM ${tables.users} WHERE account_id = $1`, [accountId]);
      await session.query(`DELETE FROM ${tables.closedOwners} WHERE account_id = $1`, [accountId]);
      await session.query(`DELETE FROM ${tables.accessKeys} WHERE account_id = $1`, [accountId]);
      for (const table of [tables.inlinePolicies, tables.managedPolicies, tables.policyAttachments, tables.groups, tables.groupMembers]) {
        await session.query(`DELETE FROM ${table} WHERE account_id = $1`, [accountId]);
      }
      await session.query('COMMIT');
    });
  },

  async probe(timeoutMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([runner.query('SELECT 1').then(() => true, () => false), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  },
});
