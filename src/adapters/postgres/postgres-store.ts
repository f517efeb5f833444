import { compareCredentialPositions, type CredentialRecord } from '../../domain/credential.js';
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
import { type QueryRunner, sqlLiteral, sqlTextArray } from './query-runner.js';
import type { Tables } from './schema.js';
import { beginOwnerLocked, inTransaction, type RetryPolicy, withRetries } from './transactions.js';

/** Thrown through the pure `decide` when it asks about a ServiceUserName the snapshot did not fetch; the store fetches it and asks again. */
class UnfetchedServiceUserName extends Error {
  constructor(readonly key: string) {
    super(`decide asked about ServiceUserName key ${JSON.stringify(key)} outside the fetched family too many times`);
  }
}

/** How many times one create may widen its read for names outside the family before giving up (the domain never needs one). */
const MAX_NAME_FETCHES = 8;

/** A CTE `owned (has_credentials)`: whether the owner has any credential. */
export const ownedCredentials = (tables: Tables, accountId: string, ownerId: string): string => `owned AS (
      SELECT EXISTS (
        SELECT 1 FROM ${tables.credentials} WHERE account_id = ${sqlLiteral(accountId)} AND owner_id = ${sqlLiteral(ownerId)}
      ) AS has_credentials
    )`;

/** The name of the unique index a concurrent create of another owner can trip: retrying re-reads and derives the next free name. */
export const SERVICE_USER_NAME_INDEX = 'credentials_service_user_name';

/**
 * The credential store over PostgreSQL. Every method but create and closeOwner is one statement. A create serializes with every
 * other create and with `closeOwner` of the same owner through a transaction-scoped advisory lock on (account, owner), taken before
 * anything is read, so under READ COMMITTED each of them reads what the previous holder committed; names shared with other owners
 * are settled by the unique index, whose violation is retried. A create costs two round trips: `BEGIN`, the lock and the read in
 * one script, the insert and `COMMIT` in another (scripts carry their values as literals: see `sqlLiteral`).
 */
export const createPostgresStore = (runner: QueryRunner, tables: Tables, retryPolicy: RetryPolicy): CredentialStore => {
  const ownerLock = (accountId: string, ownerId: string): string => beginOwnerLocked(tables.schema, accountId, ownerId);

  /** Whether the owner is closed, and (if not) the owner's credentials for the service plus those carrying a name it may derive. */
  const readCreationState = (command: CreateCredentialCommand, family: readonly string[], extraKeys: readonly string[]): string => {
    const [accountId, ownerId, serviceName] = [command.accountId, command.ownerId, command.serviceName].map(sqlLiteral);
    return `
    SELECT closed.owner_closed, c.*
    FROM (SELECT EXISTS (SELECT 1 FROM ${tables.closedOwners} WHERE account_id = ${accountId} AND owner_id = ${ownerId}) AS owner_closed) AS closed
    LEFT JOIN ${tables.credentials} AS c
      ON NOT closed.owner_closed AND c.account_id = ${accountId} AND c.service_name = ${serviceName}
      AND (c.owner_id = ${ownerId} OR ${family.map((prefix) => `starts_with(c.service_user_name_key, ${sqlLiteral(prefix)})`).join(' OR ')}
           OR c.service_user_name_key = ANY (${sqlTextArray(extraKeys)}))`;
  };

  const insertCredential = (record: CredentialRecord): string => {
    const values = [
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
    ].map(sqlLiteral);
    const expiration = record.expirationDate === undefined ? 'NULL' : `${sqlLiteral(timestamp(record.expirationDate))}::timestamptz`;
    return `
    INSERT INTO ${tables.credentials} (account_id, credential_id, owner_id, user_name, service_name, kind, service_user_name,
      service_user_name_key, secret_digest, status, create_date, expiration_date)
    VALUES (${values.join(', ')}, ${sqlLiteral(timestamp(record.createDate))}::timestamptz, ${expiration})`;
  };

  /** Answers `has_credentials`; closes the owner when it is false. To run under the owner's lock. */
  const closeOwnerStatement = (accountId: string, ownerId: string): string => `
    WITH ${ownedCredentials(tables, accountId, ownerId)}, closing AS (
      INSERT INTO ${tables.closedOwners} (account_id, owner_id) SELECT ${sqlLiteral(accountId)}, ${sqlLiteral(ownerId)} FROM owned
      WHERE NOT has_credentials ON CONFLICT DO NOTHING
    )
    SELECT has_credentials FROM owned`;

  type StateRow = CredentialRow & { owner_closed: boolean; service_user_name_key: string | null };

  const createOnce = (command: CreateCredentialCommand): Promise<CreateCredentialOutcome> =>
    inTransaction(runner, async (session) => {
      const family = serviceUserNameFamilyPrefixes(command.userName);
      const inFamily = (key: string): boolean => family.some((prefix) => key.startsWith(prefix));
      const extraKeys = new Set<string>();
      for (let fetches = 0; ; fetches += 1) {
        const read = readCreationState(command, family, [...extraKeys]);
        const results = await session.script(fetches === 0 ? `${ownerLock(command.accountId, command.ownerId)} ${read}` : read);
        const rows = (results.at(-1)?.rows ?? []) as unknown as StateRow[];
        if (rows[0]?.owner_closed !== false) {
          await session.script('ROLLBACK');
          return { outcome: 'owner-closed' };
        }
        const present = rows.filter((row) => row.service_user_name_key !== null);
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
        if (decision.isErr()) {
          await session.script('ROLLBACK');
          return { outcome: 'rejected', error: decision.error };
        }
        await session.script(`${insertCredential(decision.value)}; COMMIT`);
        return { outcome: 'created', record: decision.value };
      }
    });

  const page = (rows: readonly CredentialRow[], limit: number): CredentialPage => ({
    items: rows.slice(0, limit).map(toCredentialRecord),
    hasMore: rows.length > limit,
  });

  return {
    createCredential: (command) => withRetries(runner, retryPolicy, () => createOnce(command)),

    async getCredential(accountId, credentialId) {
      const result = await runner.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials} WHERE account_id = $1 AND credential_id = $2`,
        [accountId, credentialId],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    async updateCredential(accountId: string, credentialId: string, ownerId: string, change: CredentialChange) {
      const [column, value] = 'status' in change ? ['status', change.status] : ['secret_digest', change.secretDigest];
      const result = await runner.query<CredentialRow>(
        `UPDATE ${tables.credentials} SET ${column} = $4
         WHERE account_id = $1 AND credential_id = $2 AND owner_id = $3 RETURNING ${CREDENTIAL_COLUMNS}`,
        [accountId, credentialId, ownerId, value],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    async deleteCredential(accountId, credentialId, ownerId) {
      const result = await runner.query(
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
      const result = await runner.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials} WHERE ${conditions.join(' AND ')}
         ORDER BY create_date, credential_id LIMIT ${bind(query.limit + 1)}`,
        parameters,
      );
      return page(result.rows, query.limit);
    },

    async findByServiceUserName(accountId, serviceName, key) {
      const result = await runner.query<CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials}
         WHERE account_id = $1 AND service_name = $2 AND service_user_name_key = $3`,
        [accountId, serviceName, key],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toCredentialRecord(row);
    },

    // One script, one round trip: under the owner's lock, a statement that reads (with a snapshot taken after the lock) whether any
    // credential remains and closes the owner only if none does.
    closeOwner: (accountId, ownerId) =>
      withRetries(runner, retryPolicy, () =>
        inTransaction(runner, async (session) => {
          const results = await session.script(`${ownerLock(accountId, ownerId)} ${closeOwnerStatement(accountId, ownerId)}; COMMIT`);
          return results.at(-2)?.rows[0]?.['has_credentials'] === false ? 'closed' : 'has-credentials';
        }),
      ),
  };
};
