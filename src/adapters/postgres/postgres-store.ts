import type { Result } from 'neverthrow';
import { compareCredentialPositions, type CredentialRecord } from '../../domain/credential.js';
import type { IamError } from '../../domain/iam-error.js';
import { serviceUserNameFamilyPrefixes, serviceUserNameKey } from '../../domain/service-user-name.js';
import type {
  CreateCredentialCommand,
  CreateCredentialOutcome,
  CreationSnapshot,
  CredentialChange,
  CredentialPage,
  CredentialQuery,
  CredentialStore,
} from '../../ports/credential-store.port.js';
import type { CreateCredentialOfUserCommand, CredentialOwner, NoSuchUserOutcome, UserResolvingStore } from '../../ports/user-resolving-store.port.js';
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

/** How many times a create that names its user starts over when the user it locked is not the one it then read (recreated between). */
const MAX_USER_RELOCKS = 8;

/** The credential columns of the row alias `c`, for statements that join users. */
const QUALIFIED_CREDENTIAL_COLUMNS = CREDENTIAL_COLUMNS.split(', ')
  .map((column) => `c.${column}`)
  .join(', ');

/**
 * Whose credentials a create reads and locks: an owner id the engine looked up, or a user name key the statements resolve themselves
 * (`UserResolvingStore`), reading the user row under the same lock and in the same snapshot as the credentials.
 */
interface CreationTarget {
  readonly accountId: string;
  readonly serviceName: string;
  /** The name the ServiceUserName family is derived from (its prefixes are lower-cased, so the name key serves as well). */
  readonly familyName: string;
  /** `BEGIN` and the lock, as statements to put before the first read. */
  readonly opening: string;
  /** The read: whether the owner is closed, and (if not) its credentials for the service and those with a name it may derive. */
  read(family: readonly string[], extraKeys: readonly string[]): string;
  /** The owner as the read shows it: `undefined` when no such user, `moved` when it is not the user the lock was taken for. */
  owner(rows: readonly StateRow[]): CredentialOwner | undefined | 'moved';
  decide(owner: CredentialOwner, snapshot: CreationSnapshot): Result<CredentialRecord, IamError>;
}

type StateRow = CredentialRow & {
  owner_closed: boolean;
  service_user_name_key: string | null;
  locked_id?: string;
  subject_id?: string;
  subject_name?: string;
};

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
export const createPostgresStore = (
  runner: QueryRunner,
  tables: Tables,
  retryPolicy: RetryPolicy,
): CredentialStore & UserResolvingStore => {
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

  /** The same for a user named by its key, through the function of migration 2 (which also takes the owner's lock). */
  const readCreationStateOfUser = (command: CreateCredentialOfUserCommand, family: readonly string[], extraKeys: readonly string[]): string => {
    const [first = '', second = ''] = family;
    const values = [command.accountId, command.userNameKey, command.serviceName, first, second].map(sqlLiteral);
    return `SELECT * FROM ${tables.creationStateOfUser}(${values.join(', ')}, ${sqlTextArray(extraKeys)})`;
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

  const createOnce = (target: CreationTarget): Promise<CreateCredentialOutcome | NoSuchUserOutcome> =>
    inTransaction(runner, async (session) => {
      const family = serviceUserNameFamilyPrefixes(target.familyName);
      const inFamily = (key: string): boolean => family.some((prefix) => key.startsWith(prefix));
      const extraKeys = new Set<string>();
      let owner: CredentialOwner | undefined;
      for (let fetches = 0, relocks = 0; ; fetches += 1) {
        const read = target.read(family, [...extraKeys]);
        const results = await session.script(owner === undefined ? `${target.opening} ${read}` : read);
        const rows = (results.at(-1)?.rows ?? []) as unknown as StateRow[];
        if (owner === undefined) {
          const found = target.owner(rows);
          if (found === 'moved' && relocks < MAX_USER_RELOCKS) {
            await session.script('ROLLBACK');
            relocks += 1;
            fetches = -1;
            continue;
          }
          if (found === undefined || found === 'moved') {
            await session.script('ROLLBACK');
            return { outcome: 'no-such-user' };
          }
          owner = found;
        }
        if (rows[0]?.owner_closed !== false) {
          await session.script('ROLLBACK');
          return { outcome: 'owner-closed' };
        }
        const ownerId = owner.userId;
        const present = rows.filter((row) => row.service_user_name_key !== null);
        const taken = new Set(present.map((row) => row.service_user_name_key));
        const ownerCredentials = present
          .filter((row) => row.owner_id === ownerId)
          .map(toCredentialRecord)
          .sort(compareCredentialPositions);
        let decision: Result<CredentialRecord, IamError>;
        try {
          decision = target.decide(owner, {
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

  /** The user row of (account, name key) in a statement over users `u` and credentials `c`. */
  const userIs = (accountParameter: string, keyParameter: string): string =>
    `u.account_id = ${accountParameter} AND u.user_name_key = ${keyParameter}`;

  /** One page of credentials: the statement's conditions and parameters, the owner given as SQL (a parameter or `u.user_id`). */
  const pageQuery = (query: CredentialQuery, initial: readonly unknown[], ownerIdSql: string | undefined) => {
    const { parameters, bind } = parameterList(...initial);
    const conditions = ['account_id = $1'];
    if (ownerIdSql !== undefined) conditions.push(`owner_id = ${ownerIdSql}`);
    if (query.serviceName !== undefined) conditions.push(`service_name = ${bind(query.serviceName)}`);
    if (query.after !== undefined) {
      conditions.push(`(create_date, credential_id) > (${bind(timestamp(query.after.createDate))}::timestamptz, ${bind(query.after.credentialId)})`);
    }
    const text = `SELECT ${CREDENTIAL_COLUMNS} FROM ${tables.credentials} WHERE ${conditions.join(' AND ')}
         ORDER BY create_date, credential_id LIMIT ${bind(query.limit + 1)}`;
    return { text, parameters };
  };

  return {
    createCredential: (command) =>
      withRetries(runner, retryPolicy, async () => {
        const owner: CredentialOwner = { userId: command.ownerId, userName: command.userName };
        const outcome = await createOnce({
          accountId: command.accountId,
          serviceName: command.serviceName,
          familyName: command.userName,
          opening: ownerLock(command.accountId, command.ownerId),
          read: (family, extraKeys) => readCreationState(command, family, extraKeys),
          owner: () => owner,
          decide: (_owner, snapshot) => command.decide(snapshot),
        });
        // The owner id was given: only a closed owner means the user is gone.
        return outcome.outcome === 'no-such-user' ? { outcome: 'owner-closed' } : outcome;
      }),

    // Two round trips, as with an owner id: BEGIN, the lock on the owner the user row names (the same lock key, computed by the
    // server) and the read that joins the user row; then the insert and COMMIT.
    createCredentialOfUser: (command) =>
      withRetries(runner, retryPolicy, () =>
        createOnce({
          accountId: command.accountId,
          serviceName: command.serviceName,
          familyName: command.userNameKey,
          // The lock is taken inside the function, after it found the user.
          opening: 'BEGIN;',
          read: (family, extraKeys) => readCreationStateOfUser(command, family, extraKeys),
          owner: (rows) => {
            const subject = rows[0];
            if (subject?.subject_id === undefined || subject.subject_name === undefined) return undefined;
            return subject.subject_id === subject.locked_id ? { userId: subject.subject_id, userName: subject.subject_name } : 'moved';
          },
          decide: command.decide,
        }),
      ),

    async deleteCredentialOfUser(accountId, key, credentialId) {
      const result = await runner.query<{ user_found: boolean; deleted: boolean }>(
        `WITH u AS (SELECT user_id FROM ${tables.users} WHERE account_id = $1 AND user_name_key = $2),
         d AS (DELETE FROM ${tables.credentials} WHERE account_id = $1 AND credential_id = $3 AND owner_id = (SELECT user_id FROM u) RETURNING 1)
         SELECT EXISTS (SELECT 1 FROM u) AS user_found, EXISTS (SELECT 1 FROM d) AS deleted`,
        [accountId, key, credentialId],
      );
      const row = result.rows[0];
      if (row?.user_found !== true) return 'no-such-user';
      return row.deleted ? 'deleted' : 'no-such-credential';
    },

    async getCredentialOfUser(accountId, key, credentialId) {
      const result = await runner.query<CredentialRow & { subject_id: string }>(
        `SELECT u.user_id AS subject_id, ${QUALIFIED_CREDENTIAL_COLUMNS} FROM ${tables.users} AS u
         LEFT JOIN ${tables.credentials} AS c ON c.account_id = u.account_id AND c.credential_id = $3 AND c.owner_id = u.user_id
         WHERE ${userIs('$1', '$2')}`,
        [accountId, key, credentialId],
      );
      const row = result.rows[0];
      if (row === undefined) return 'no-such-user';
      return row.credential_id === null ? 'no-such-credential' : toCredentialRecord(row);
    },

    async listCredentialsOfUser(key, query) {
      const { text, parameters } = pageQuery(query, [query.accountId, key], 'u.user_id');
      const result = await runner.query<CredentialRow & { subject_id: string }>(
        `SELECT u.user_id AS subject_id, c.* FROM ${tables.users} AS u
         LEFT JOIN LATERAL (${text}) AS c ON true
         WHERE ${userIs('$1', '$2')} ORDER BY c.create_date, c.credential_id`,
        parameters,
      );
      if (result.rows.length === 0) return 'no-such-user';
      return page(result.rows[0]?.credential_id === null ? [] : result.rows, query.limit);
    },

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
      const { text, parameters } =
        query.ownerId === undefined ? pageQuery(query, [query.accountId], undefined) : pageQuery(query, [query.accountId, query.ownerId], '$2');
      const result = await runner.query<CredentialRow>(text, parameters);
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
