import { userNameKey } from '../../domain/user.js';
import type { CredentialStore } from '../../ports/credential-store.port.js';
import type { AtomicUserRemoval } from '../../ports/user-removal.port.js';
import { ownedCredentials } from './postgres-store.js';
import { type QueryRunner, sqlLiteral } from './query-runner.js';
import type { Tables } from './schema.js';
import { beginOwnerLocked, inTransaction } from './transactions.js';

/**
 * DeleteUser in one transaction and one round trip: under the owner's lock (so no create slips in), one statement deletes the user
 * only if the owner has no access key and no credential and only if the name still belongs to `userId`, and closes the owner only if it deleted it.
 * Any failure rolls all of it back.
 */
export const createUserRemoval = (runner: QueryRunner, tables: Tables, store: CredentialStore): AtomicUserRemoval => ({
  sharesTransactionsWith: (candidate) => candidate === store,

  removeUser: (accountId, userName, userId) =>
    inTransaction(runner, async (session) => {
      const [account, owner] = [accountId, userId].map(sqlLiteral);
      const results = await session.script(`${beginOwnerLocked(tables.schema, accountId, userId)}
        WITH ${ownedCredentials(tables, accountId, userId)}, keys AS (
          SELECT EXISTS (SELECT 1 FROM ${tables.accessKeys} WHERE account_id = ${account} AND owner_id = ${owner}) AS has_keys
        ), removed AS (
          DELETE FROM ${tables.users}
          WHERE account_id = ${account} AND user_name_key = ${sqlLiteral(userNameKey(userName))} AND user_id = ${owner}
            AND NOT (SELECT has_credentials FROM owned) AND NOT (SELECT has_keys FROM keys)
          RETURNING user_id
        ), closing AS (
          INSERT INTO ${tables.closedOwners} (account_id, owner_id) SELECT ${account}, user_id FROM removed ON CONFLICT DO NOTHING
        )
        SELECT has_credentials, (SELECT has_keys FROM keys) AS has_keys, EXISTS (SELECT 1 FROM removed) AS removed FROM owned;
        COMMIT`);
      const row = results.at(-2)?.rows[0];
      if (row?.['has_keys'] !== false) return 'has-access-keys';
      if (row['has_credentials'] !== false) return 'has-credentials';
      return row['removed'] === true ? 'deleted' : 'gone';
    }),
});
