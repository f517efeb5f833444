import { type QueryRunner, sqlLiteral } from './query-runner.js';
import { beginLocked, inTransaction, lockKeyLiteral, ownerLockKeyExpression } from './transactions.js';

/** Where the tables live: a quoted schema name, validated once so it can be spliced into SQL. */
export interface Tables {
  readonly schema: string;
  readonly users: string;
  readonly credentials: string;
  readonly closedOwners: string;
  /** Users' access keys (migration 4). */
  readonly accessKeys: string;
  readonly inlinePolicies: string;
  readonly managedPolicies: string;
  readonly policyAttachments: string;
  readonly groups: string;
  readonly groupMembers: string;
  readonly schemaVersion: string;
  /** The function a Create that names its user reads its state with (migration 2, its read replaced by migration 3). */
  readonly creationStateOfUser: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const tablesIn = (schema: string, caller: string): Tables => {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`${caller}: schema must match ${SCHEMA_NAME.source}, got ${JSON.stringify(schema)}`);
  }
  const quoted = `"${schema}"`;
  return {
    schema: quoted,
    users: `${quoted}.users`,
    credentials: `${quoted}.credentials`,
    closedOwners: `${quoted}.closed_owners`,
    accessKeys: `${quoted}.access_keys`,
    inlinePolicies: `${quoted}.inline_policies`,
    managedPolicies: `${quoted}.managed_policies`,
    policyAttachments: `${quoted}.policy_attachments`,
    groups: `${quoted}.groups`,
    groupMembers: `${quoted}.group_members`,
    schemaVersion: `${quoted}.schema_version`,
    creationStateOfUser: `${quoted}.creation_state_of_user`,
  };
};

/**
 * The migrations, in order; version N is `MIGRATIONS[N - 1]`. Never edit a released one: append. Identifiers that are compared or
 * ordered use the "C" collation, so the database orders them exactly as the in-memory store does (by code unit; they are ASCII).
 */
const migrations = (t: Tables): readonly string[] => [
  `
  CREATE TABLE ${t.users} (
    account_id    text COLLATE "C" NOT NULL,
    user_name_key text COLLATE "C" NOT NULL,
    user_name     text NOT NULL,
    user_id       text COLLATE "C" NOT NULL,
    path          text COLLATE "C" NOT NULL,
    create_date   timestamptz NOT NULL,
    PRIMARY KEY (account_id, user_name_key)
  );

  CREATE TABLE ${t.credentials} (
    account_id            text COLLATE "C" NOT NULL,
    credential_id         text COLLATE "C" NOT NULL,
    owner_id              text COLLATE "C" NOT NULL,
    user_name             text NOT NULL,
    service_name          text COLLATE "C" NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('password', 'api-key')),
    service_user_name     text NOT NULL,
    service_user_name_key text COLLATE "C" NOT NULL,
    secret_digest         text NOT NULL,
    status                text NOT NULL CHECK (status IN ('Active', 'Inactive')),
    create_date           timestamptz NOT NULL,
    expiration_date       timestamptz,
    PRIMARY KEY (account_id, credential_id)
  );
  -- A ServiceUserName/alias is unique per service and account: the last word on cross-user name races.
  CREATE UNIQUE INDEX credentials_service_user_name ON ${t.credentials} (account_id, service_name, service_user_name_key);
  -- An owner's credentials (quota, closeOwner, List for one user) in listing order.
  CREATE INDEX credentials_owner_order ON ${t.credentials} (account_id, owner_id, create_date, credential_id);
  -- List for AllUsers, with and without a service filter.
  CREATE INDEX credentials_service_order ON ${t.credentials} (account_id, service_name, create_date, credential_id);
  CREATE INDEX credentials_account_order ON ${t.credentials} (account_id, create_date, credential_id);

  CREATE TABLE ${t.closedOwners} (
    account_id text COLLATE "C" NOT NULL,
    owner_id   text COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, owner_id)
  );
  `,
  // A Create that names its user (UserResolvingStore): under READ COMMITTED each statement of a volatile function takes a snapshot
  // of its own, so the read below sees everything the previous holder of the owner's lock committed, as the two statements of a
  // Create by owner id do; and PostgreSQL plans a function's statements once per session instead of once per call. No rows: no such
  // user (nothing locked). `locked_id`: the user the lock was taken for; the caller starts over if the read found another.
  `
  CREATE FUNCTION ${t.creationStateOfUser}(p_account text, p_key text, p_service text, p_family_1 text, p_family_2 text, p_extra text[])
  RETURNS TABLE (locked_id text, subject_id text, subject_name text, owner_closed boolean, account_id text, credential_id text,
    owner_id text, user_name text, service_name text, kind text, service_user_name text, service_user_name_key text,
    secret_digest text, status text, create_date timestamptz, expiration_date timestamptz)
  LANGUAGE plpgsql VOLATILE AS $fn$
  #variable_conflict use_column
  DECLARE
    locked text;
  BEGIN
    SELECT u.user_id INTO locked FROM ${t.users} AS u WHERE u.account_id = p_account AND u.user_name_key = p_key;
    IF locked IS NULL THEN
      RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(${ownerLockKeyExpression(t.schema, 'p_account', 'locked')});
    RETURN QUERY
      SELECT locked, u.user_id::text, u.user_name, closed.is_closed, c.account_id::text, c.credential_id::text, c.owner_id::text,
        c.user_name, c.service_name::text, c.kind, c.service_user_name, c.service_user_name_key::text, c.secret_digest, c.status,
        c.create_date, c.expiration_date
      FROM ${t.users} AS u
      CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1 FROM ${t.closedOwners} AS o WHERE o.account_id = p_account AND o.owner_id = u.user_id) AS is_closed
      ) AS closed
      LEFT JOIN ${t.credentials} AS c
        ON NOT closed.is_closed AND c.account_id = p_account AND c.service_name = p_service
        AND (c.owner_id = u.user_id OR starts_with(c.service_user_name_key, p_family_1) OR starts_with(c.service_user_name_key, p_family_2)
             OR c.service_user_name_key = ANY (p_extra))
      WHERE u.account_id = p_account AND u.user_name_key = p_key;
  END
  $fn$;
  `,
  // Migration 3 (issue 10 part 2, measured in docs/performance.md): the read of `creation_state_of_user` matches the
  // ServiceUserName family by key ranges. PostgreSQL caches a PL/pgSQL statement's plan per session, but a generic plan could not
  // bound an index scan with `starts_with(column, <parameter>)`: on a small table the generic plan scanned every credential of the
  // account and service, on a large one (100,000 credentials) the plan cache judged it too costly and planned the read anew on every
  // call (~0.9 ms each). A key starts with a family prefix exactly when it lies in [prefix, prefix with its last character + 1)
  // (keys are compared by code point, "C" collation); `starts_with` stays as the filter that says so. With ranges the generic plan
  // is index scans at any size, so the function asks for it (`plan_cache_mode`).
  `
  CREATE OR REPLACE FUNCTION ${t.creationStateOfUser}(p_account text, p_key text, p_service text, p_family_1 text, p_family_2 text, p_extra text[])
  RETURNS TABLE (locked_id text, subject_id text, subject_name text, owner_closed boolean, account_id text, credential_id text,
    owner_id text, user_name text, service_name text, kind text, service_user_name text, service_user_name_key text,
    secret_digest text, status text, create_date timestamptz, expiration_date timestamptz)
  LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
  #variable_conflict use_column
  DECLARE
    locked text;
    family_1_end text := left(p_family_1, -1) || chr(ascii(right(p_family_1, 1)) + 1);
    family_2_end text := left(p_family_2, -1) || chr(ascii(right(p_family_2, 1)) + 1);
  BEGIN
    SELECT u.user_id INTO locked FROM ${t.users} AS u WHERE u.account_id = p_account AND u.user_name_key = p_key;
    IF locked IS NULL THEN
      RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(${ownerLockKeyExpression(t.schema, 'p_account', 'locked')});
    RETURN QUERY
      SELECT locked, u.user_id::text, u.user_name, closed.is_closed, c.account_id::text, c.credential_id::text, c.owner_id::text,
        c.user_name, c.service_name::text, c.kind, c.service_user_name, c.service_user_name_key::text, c.secret_digest, c.status,
        c.create_date, c.expiration_date
      FROM ${t.users} AS u
      CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1 FROM ${t.closedOwners} AS o WHERE o.account_id = p_account AND o.owner_id = u.user_id) AS is_closed
      ) AS closed
      LEFT JOIN ${t.credentials} AS c
        ON NOT closed.is_closed AND c.account_id = p_account AND c.service_name = p_service
        AND (c.owner_id = u.user_id
             OR (c.service_user_name_key >= p_family_1 AND c.service_user_name_key < family_1_end AND starts_with(c.service_user_name_key, p_family_1))
             OR (c.service_user_name_key >= p_family_2 AND c.service_user_name_key < family_2_end AND starts_with(c.service_user_name_key, p_family_2))
             OR c.service_user_name_key = ANY (p_extra))
      WHERE u.account_id = p_account AND u.user_name_key = p_key;
  END
  $fn$;

  `,
  // Migration 4: users' access keys. The secret is kept as issued, because a SigV4 check recomputes signatures with it. Ids are
  // unique across accounts, as AWS's are; a key is found by id alone when a signature names it.
  `
  CREATE TABLE ${t.accessKeys} (
    access_key_id     text COLLATE "C" PRIMARY KEY,
    account_id        text COLLATE "C" NOT NULL,
    owner_id          text COLLATE "C" NOT NULL,
    user_name         text NOT NULL,
    secret_access_key text NOT NULL,
    status            text NOT NULL CHECK (status IN ('Active', 'Inactive')),
    create_date       timestamptz NOT NULL
  );
  -- An owner's keys: the quota, ListAccessKeys, DeleteUser's check.
  CREATE INDEX access_keys_owner ON ${t.accessKeys} (account_id, owner_id);
  `,
  // Migration 5: policies and groups. Inline policies and attachments are held by a user (by UserId) or a group (by GroupId); names
  // are unique per scope without regard to case (the `_key` columns). Sizes are kept so the aggregate limit is one sum.
  `
  CREATE TABLE ${t.inlinePolicies} (
    account_id      text COLLATE "C" NOT NULL,
    holder_kind     text NOT NULL CHECK (holder_kind IN ('user', 'group')),
    holder_id       text COLLATE "C" NOT NULL,
    policy_name_key text COLLATE "C" NOT NULL,
    policy_name     text NOT NULL,
    document        text NOT NULL,
    size            integer NOT NULL,
    PRIMARY KEY (account_id, holder_kind, holder_id, policy_name_key)
  );

  CREATE TABLE ${t.managedPolicies} (
    account_id         text COLLATE "C" NOT NULL,
    policy_name_key    text COLLATE "C" NOT NULL,
    policy_name        text NOT NULL,
    policy_id          text COLLATE "C" NOT NULL,
    path               text COLLATE "C" NOT NULL,
    description        text,
    document           text NOT NULL,
    default_version_id text NOT NULL,
    create_date        timestamptz NOT NULL,
    update_date        timestamptz NOT NULL,
    PRIMARY KEY (account_id, policy_name_key)
  );

  -- Attachments in the order they were made.
  CREATE TABLE ${t.policyAttachments} (
    account_id  text COLLATE "C" NOT NULL,
    holder_kind text NOT NULL CHECK (holder_kind IN ('user', 'group')),
    holder_id   text COLLATE "C" NOT NULL,
    policy_arn  text COLLATE "C" NOT NULL,
    attached    bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (account_id, holder_kind, holder_id, policy_arn)
  );
  CREATE INDEX policy_attachments_policy ON ${t.policyAttachments} (account_id, policy_arn);

  CREATE TABLE ${t.groups} (
    account_id     text COLLATE "C" NOT NULL,
    group_name_key text COLLATE "C" NOT NULL,
    group_name     text NOT NULL,
    group_id       text COLLATE "C" NOT NULL,
    path           text COLLATE "C" NOT NULL,
    create_date    timestamptz NOT NULL,
    PRIMARY KEY (account_id, group_name_key),
    UNIQUE (account_id, group_id)
  );

  CREATE TABLE ${t.groupMembers} (
    account_id    text COLLATE "C" NOT NULL,
    group_id      text COLLATE "C" NOT NULL,
    user_id       text COLLATE "C" NOT NULL,
    user_name_key text COLLATE "C" NOT NULL,
    user_name     text NOT NULL,
    PRIMARY KEY (account_id, group_id, user_id)
  );
  CREATE INDEX group_members_user ON ${t.groupMembers} (account_id, user_id);
  `,
];

export const SCHEMA_VERSION = 5;

/**
 * Brings the schema to `SCHEMA_VERSION`. Idempotent and safe to run from many processes at once: one transaction, serialized by an
 * advisory lock on the schema name, applies only the migrations the version table does not list yet. Once the schema is current it
 * only reads, so a role without CREATE privileges can run it after an administrator did the first one.
 */
export const migrate = (runner: QueryRunner, tables: Tables): Promise<void> =>
  inTransaction(runner, async (session) => {
    const opened = await session.script(
      `${beginLocked(lockKeyLiteral('migrate', tables.schema))} SELECT to_regclass(${sqlLiteral(tables.schemaVersion)}) IS NOT NULL AS present`,
    );
    if (opened.at(-1)?.rows[0]?.['present'] !== true) {
      await session.query(`CREATE SCHEMA IF NOT EXISTS ${tables.schema}`);
      await session.query(`CREATE TABLE ${tables.schemaVersion} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    }
    const applied = await session.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${tables.schemaVersion}`);
    const current = applied.rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`PostgreSQL schema ${tables.schema} is at version ${current}, newer than this code knows (${SCHEMA_VERSION})`);
    }
    const all = migrations(tables);
    for (let version = current + 1; version <= SCHEMA_VERSION; version += 1) {
      await session.script(all[version - 1] as string);
      await session.query(`INSERT INTO ${tables.schemaVersion} (version) VALUES ($1)`, [version]);
    }
    await session.script('COMMIT');
  });
