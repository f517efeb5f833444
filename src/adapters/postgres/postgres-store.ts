import type { Pool } from 'pg';
import { compareCredentialPositions } from '../../domain/credential.js';
import { serviceUserNameFamilyPrefixes, serviceUserNameKey } from '../../domain/service-user-name.js';
import type {
  CreateCredentialCommand,
  CreateCredentialOutcome,
  CredentialChange,
  CredentialPage,
  CredentialQuery,
  CredentialStore,
} from '../../ports/credential-store.port.js';
import { CREDENTIAL_COLUMNS, type CredentialRow, parameterList, timestamp, toCredentialRecord } from './rows.js';
import type { Tables } from './schema.js';
import { inTransaction, lockKeyLiteral, type RetryPolicy, withRetries } from './transactions.js';

/** Thrown through the pure `decide` when it asks about a ServiceUserName the snapshot did not fetch; the store fetches it and asks again. */
class UnfetchedServiceUserName extends Error {
  constructor(readonly key: string) {
    super(`decide asked about ServiceUserName key ${JSON.stringify(key)} outside the fetched family too many times`);
  }
}

/** How many times one create may widen its read for names outside the family before giving up (the domain never needs one). */
const MAX_NAME_FETCHES = 8;

/** The name of the unique index a concurrent create of another owner can trip: retrying re-reads and derives the next free name. */
export const SERVICE_USER_NAME_INDEX = 'credentials_service_user_name';

/**
 * The credential store over PostgreSQL. Every method is one statement or one transaction. A create serializes with every other create
 * and with `closeOwner` of the same owner through a transaction-scoped advisory lock on (account, owner), taken before anything is
 * read, so under READ COMMITTED each of them reads what the previous holder committed; names shared with other owners are settled
 * by the unique index, whose violation is retried.
 */
export const createPostgresStore = (pool: Pool, tables: Tables, retryPolicy: RetryPolicy): CredentialStore => {
  const ownerLock = (accountId: string, ownerId: string): string =>
    `BEGIN; SELECT pg_advisory_xact_lock(${lockKeyLiteral('owner', tables.schema, accountId, ownerId)})`;

  const readCreationState = `
    SELECT closed.owner_closed, c.*
    FROM (SELECT EXISTS (SELECT 1 FROM ${tables.closedOwners} WHERE account_id = $1 AND owner_id = $2) AS owner_closed) AS closed
    LEFT JOIN ${tables.credentials} AS c
      ON NOT closed.owner_closed AND c.account_id = $1 AND c.service_name = $3
      AND (c.owner_id = $2 OR starts_with(c.service_user_name_key, $4) OR starts_with(c.service_user_name_key, $5)
           OR c.service_user_name_key = ANY ($6::text[]))`;

  const insertCredential = `
    INSERT INTO ${tables.credentials} (account_id, credential_id, owner_id, user_name, service_name, kind, service_user_name,
      service_user_name_key, secret_digest, status, create_date, expiration_date)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::timestamptz)`;

  const createOnce = (command: CreateCredentialCommand): Promise<CreateCredentialOutcome> =>
    inTransaction(pool, ownerLock(command.accountId, command.ownerId), async (client) => {
      const family = serviceUserNameFamilyPrefixes(command.userName);
      const inFamily = (key: string): boolean => family.some((prefix) => key.startsWith(prefix));
      const extraKeys = new Set<string>();
      for (let fetches = 0; ; fetches += 1) {
        const state = await client.query<CredentialRow & { owner_closed: boolean; service_user_name_key: string | null }>(
          readCreationState,
          [command.accountId, command.ownerId, command.serviceName, family[0], family[1], [...extraKeys]],
        );
        if (state.rows[0]?.owner_closed !== false) return { outcome: 'owner-closed' };
        const present = state.rows.filter((row) => row.service_user_name_key !== null);
        const taken = new Set(present.map((row) => row.service_user_name_key));
        const ownerCredentials = present
          .filter((row) => row.owner_id === command.ownerId)
          .map(toCredentialRecord)
          .sort(compareCredentialPositions);
        let decision: ReturnType<CreateCredentialCommand['decide']>;
        try {
          decision = command.decide({
            ownerCredentials,
            isServiceUserNameTaken: (key) => {
              if (!inFamily(key) && !extraKeys.has(key)) throw new UnfetchedServiceUserName(key);
              return taken.has(key);
            },
          });
        } catch (thrown) {
          if (!(thrown instanceof UnfetchedServiceUserName) || fetches >= MAX_NAME_FETCHES) throw thrown;
          extraKeys.add(thrown.key);
          continue;
        }
        if (decision.isErr()) return { outcome: 'rejected', error: decision.error };
        const record = decision.value;
        await client.query(insertCredential, [
          record.accountId,
          record.credentialId,
          record.ownerId,
          record.userName,
          record.serviceName,
          record.kind,
          record.serviceUserName,
          serviceUserNameKey(record.serviceUserName),
          record.secretDigest,
          record.status,
          timestamp(record.createDate),
          record.expirationDate === undefined ? null : timestamp(record.expirationDate),
        ]);
        return { outcome: 'created', record };
      }
    });

  const page = (rows: readonly CredentialRow[], limit: number): CredentialPage => ({
    items: rows.slice(0, limit).map(toCredentialRecord),
    hasMore: rows.length > limit,
  });

  return {
    createCredential: (command) => withRetries(retryPolicy, () => createOnce(command)),

    async getCredential(accountId, credentialId) {
      const result = await pool.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials} WHERE account_id = $1 AND credential_id = $2`,
        [accountId, credentialId],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    async updateCredential(accountId: string, credentialId: string, ownerId: string, change: CredentialChange) {
      const [column, value] = 'status' in change ? ['status', change.status] : ['secret_digest', change.secretDigest];
      const result = await pool.query<CredentialRow>(
        `UPDATE ${tables.credentials} SET ${column} = $4
         WHERE account_id = $1 AND credential_id = $2 AND owner_id = $3 RETURNING ${CREDENTIAL_COLUMNS}`,
        [accountId, credentialId, ownerId, value],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    async deleteCredential(accountId, credentialId, ownerId) {
      const result = await pool.query(
        `DELETE FROM ${tables.credentials} WHERE account_id = $1 AND credential_id = $2 AND owner_id = $3`,
        [accountId, credentialId, ownerId],
      );
      return result.rowCount === 1;
    },

    async listCredentials(query: CredentialQuery) {
      const conditions = ['account_id = $1'];
      const { parameters, bind } = parameterList(query.accountId);
      if (query.ownerId !== undefined) conditions.push(`owner_id = ${bind(query.ownerId)}`);
      if (query.serviceName !== undefined) conditions.push(`service_name = ${bind(query.serviceName)}`);
      if (query.after !== undefined) {
        conditions.push(
          `(create_date, credential_id) > (${bind(timestamp(query.after.createDate))}::timestamptz, ${bind(query.after.credentialId)})`,
        );
      }
      const result = await pool.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials} WHERE ${conditions.join(' AND ')}
         ORDER BY create_date, credential_id LIMIT ${bind(query.limit + 1)}`,
        parameters,
      );
      return page(result.rows, query.limit);
    },

    async findByServiceUserName(accountId, serviceName, key) {
      const result = await pool.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials}
         WHERE account_id = $1 AND service_name = $2 AND service_user_name_key = $3`,
        [accountId, serviceName, key],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    closeOwner: (accountId, ownerId) =>
      withRetries(retryPolicy, () =>
        inTransaction(pool, ownerLock(accountId, ownerId), async (client) => {
          const owned = await client.query(`SELECT 1 FROM ${tables.credentials} WHERE account_id = $1 AND owner_id = $2 LIMIT 1`, [
            accountId,
            ownerId,
          ]);
          if (owned.rowCount !== 0) return 'has-credentials' as const;
          await client.query(`INSERT INTO ${tables.closedOwners} (account_id, owner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
            accountId,
            ownerId,
          ]);
          return 'closed' as const;
        }),
      ),

    reopenOwner: async (accountId, ownerId) => {
      await pool.query(`DELETE FROM ${tables.closedOwners} WHERE account_id = $1 AND owner_id = $2`, [accountId, ownerId]);
    },
  };
};
