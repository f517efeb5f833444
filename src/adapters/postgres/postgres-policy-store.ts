import { type GroupMember, type GroupRecord, type InlinePolicyRecord, type ManagedPolicyRecord, nameKey, type PolicyHolder, policyArn } from '../../domain/iam-policies.js';
import type { AttachPolicyCommand, PolicyStore, PutInlinePolicyCommand } from '../../ports/policy-store.port.js';
import type { QueryRunner, Session } from './query-runner.js';
import { timestamp } from './rows.js';
import type { Tables } from './schema.js';
import { inTransaction, lockKeyLiteral } from './transactions.js';

/**
 * Runs `work` in one transaction holding the advisory locks of `lockKeys` (taken in the order given; every caller takes them in
 * the same order: account, then holder, then policy), so the limits it checks count a settled set.
 */
const underLocks = <T>(runner: QueryRunner, lockKeys: readonly string[], work: (session: Session) => Promise<T>): Promise<T> =>
  inTransaction(runner, async (session) => {
    await session.script(`BEGIN; ${lockKeys.map((key) => `SELECT pg_advisory_xact_lock(${key});`).join(' ')}`);
    const answer = await work(session);
    await session.script('COMMIT');
    return answer;
  });

interface ManagedPolicyRow {
  readonly account_id: string;
  readonly policy_name: string;
  readonly policy_id: string;
  readonly path: string;
  readonly description: string | null;
  readonly document: string;
  readonly default_version_id: string;
  readonly create_date: Date;
  readonly update_date: Date;
}

const MANAGED_COLUMNS = 'account_id, policy_name, policy_id, path, description, document, default_version_id, create_date, update_date';

const toManagedPolicyRecord = (row: ManagedPolicyRow): ManagedPolicyRecord => ({
  accountId: row.account_id,
  policyName: row.policy_name,
  policyId: row.policy_id,
  path: row.path,
  ...(row.description === null ? {} : { description: row.description }),
  document: row.document,
  defaultVersionId: row.default_version_id,
  createDate: row.create_date,
  updateDate: row.update_date,
});

interface GroupRow {
  readonly account_id: string;
  readonly group_name: string;
  readonly group_id: string;
  readonly path: string;
  readonly create_date: Date;
}

const GROUP_COLUMNS = 'account_id, group_name, group_id, path, create_date';

const toGroupRecord = (row: GroupRow): GroupRecord => ({
  accountId: row.account_id,
  groupName: row.group_name,
  groupId: row.group_id,
  path: row.path,
  createDate: row.create_date,
});

/**
 * Policies and groups over PostgreSQL (and PGlite). The limits are decided under advisory locks: the account's (policies and groups
 * per account), the holder's (aggregate inline size, attachments, and a group's deletion against new members and policies), the
 * user's (groups per user) and a customer managed policy's (an attachment against its deletion).
 */
export const createPostgresPolicyStore = (runner: QueryRunner, tables: Tables): PolicyStore => {
  const { schema } = tables;
  const accountLock = (accountId: string, what: string): string => lockKeyLiteral('policies-account', schema, accountId, what);
  const holderLock = (accountId: string, holder: PolicyHolder): string => lockKeyLiteral('policy-holder', schema, accountId, holder.kind, holder.id);
  const policyLock = (accountId: string, policyName: string): string => lockKeyLiteral('managed-policy', schema, accountId, nameKey(policyName));

  return {
    putInlinePolicy: (command: PutInlinePolicyCommand) =>
      underLocks(runner, [holderLock(command.accountId, command.holder)], async (session) => {
        const { accountId, holder, policy, size, maxAggregateSize } = command;
        const key = nameKey(policy.policyName);
        const others = await session.query<{ total: string | number | null }>(
          `SELECT sum(size) AS total FROM ${tables.inlinePolicies}
           WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 AND policy_name_key <> $4`,
          [accountId, holder.kind, holder.id, key],
        );
        if (Number(others.rows[0]?.total ?? 0) + size > maxAggregateSize) return 'too-large';
        await session.query(
          `INSERT INTO ${tables.inlinePolicies} (account_id, holder_kind, holder_id, policy_name_key, policy_name, document, size)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (account_id, holder_kind, holder_id, policy_name_key)
           DO UPDATE SET policy_name = EXCLUDED.policy_name, document = EXCLUDED.document, size = EXCLUDED.size`,
          [accountId, holder.kind, holder.id, key, policy.policyName, policy.document, size],
        );
        return 'stored';
      }),

    async getInlinePolicy(accountId, holder, policyName) {
      const result = await runner.query<{ policy_name: string; document: string }>(
        `SELECT policy_name, document FROM ${tables.inlinePolicies}
         WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 AND policy_name_key = $4`,
        [accountId, holder.kind, holder.id, nameKey(policyName)],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : { policyName: row.policy_name, document: row.document };
    },

    async listInlinePolicies(accountId, holder) {
      const result = await runner.query<{ policy_name: string; document: string }>(
        `SELECT policy_name, document FROM ${tables.inlinePolicies}
         WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 ORDER BY policy_name_key`,
        [accountId, holder.kind, holder.id],
      );
      return result.rows.map((row): InlinePolicyRecord => ({ policyName: row.policy_name, document: row.document }));
    },

    async deleteInlinePolicy(accountId, holder, policyName) {
      const result = await runner.query(
        `DELETE FROM ${tables.inlinePolicies} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 AND policy_name_key = $4`,
        [accountId, holder.kind, holder.id, nameKey(policyName)],
      );
      return result.rowCount === 1;
    },

    createManagedPolicy: (record, maxPerAccount) =>
      underLocks(runner, [accountLock(record.accountId, 'policies')], async (session) => {
        const state = await session.query<{ taken: boolean; total: string | number }>(
          `SELECT EXISTS (SELECT 1 FROM ${tables.managedPolicies} WHERE account_id = $1 AND policy_name_key = $2) AS taken,
             (SELECT count(*) FROM ${tables.managedPolicies} WHERE account_id = $1) AS total`,
          [record.accountId, nameKey(record.policyName)],
        );
        const row = state.rows[0];
        if (row?.taken === true) return 'exists';
        if (Number(row?.total ?? 0) >= maxPerAccount) return 'limit-exceeded';
        await session.query(
          `INSERT INTO ${tables.managedPolicies} (policy_name_key, ${MANAGED_COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz)`,
          [
            nameKey(record.policyName),
            record.accountId,
            record.policyName,
            record.policyId,
            record.path,
            record.description ?? null,
            record.document,
            record.defaultVersionId,
            timestamp(record.createDate),
            timestamp(record.updateDate),
          ],
        );
        return 'created';
      }),

    async getManagedPolicy(accountId, policyName) {
      const result = await runner.query<ManagedPolicyRow>(
        `SELECT ${MANAGED_COLUMNS} FROM ${tables.managedPolicies} WHERE account_id = $1 AND policy_name_key = $2`,
        [accountId, nameKey(policyName)],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toManagedPolicyRecord(row);
    },

    async listManagedPolicies(accountId) {
      const result = await runner.query<ManagedPolicyRow>(
        `SELECT ${MANAGED_COLUMNS} FROM ${tables.managedPolicies} WHERE account_id = $1 ORDER BY policy_name_key`,
        [accountId],
      );
      return result.rows.map(toManagedPolicyRecord);
    },

    deleteManagedPolicy: (accountId, policyName) =>
      underLocks(runner, [policyLock(accountId, policyName)], async (session) => {
        const found = await session.query<ManagedPolicyRow>(
          `SELECT ${MANAGED_COLUMNS} FROM ${tables.managedPolicies} WHERE account_id = $1 AND policy_name_key = $2`,
          [accountId, nameKey(policyName)],
        );
        const row = found.rows[0];
        if (row === undefined) return 'not-found';
        const attached = await session.query(`SELECT 1 FROM ${tables.policyAttachments} WHERE account_id = $1 AND policy_arn = $2 LIMIT 1`, [
          accountId,
          policyArn(accountId, row.path, row.policy_name),
        ]);
        if (attached.rows.length > 0) return 'attached';
        await session.query(`DELETE FROM ${tables.managedPolicies} WHERE account_id = $1 AND policy_name_key = $2`, [accountId, nameKey(policyName)]);
        return 'deleted';
      }),

    attachPolicy: (command: AttachPolicyCommand) => {
      const { accountId, holder, customerPolicyName } = command;
      const locks = [holderLock(accountId, holder), ...(customerPolicyName === undefined ? [] : [policyLock(accountId, customerPolicyName)])];
      return underLocks(runner, locks, async (session) => {
        if (customerPolicyName !== undefined) {
          const exists = await session.query(`SELECT 1 FROM ${tables.managedPolicies} WHERE account_id = $1 AND policy_name_key = $2`, [
            accountId,
            nameKey(customerPolicyName),
          ]);
          if (exists.rows.length === 0) return 'no-such-policy';
        }
        const state = await session.query<{ already: boolean; total: string | number }>(
          `SELECT EXISTS (SELECT 1 FROM ${tables.policyAttachments}
                          WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 AND policy_arn = $4) AS already,
             (SELECT count(*) FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3) AS total`,
          [accountId, holder.kind, holder.id, command.policyArn],
        );
        const row = state.rows[0];
        if (row?.already === true) return 'already-attached';
        if (Number(row?.total ?? 0) >= command.maxAttached) return 'limit-exceeded';
        await session.query(`INSERT INTO ${tables.policyAttachments} (account_id, holder_kind, holder_id, policy_arn) VALUES ($1, $2, $3, $4)`, [
          accountId,
          holder.kind,
          holder.id,
          command.policyArn,
        ]);
        return 'attached';
      });
    },

    async detachPolicy(accountId, holder, arn) {
      const result = await runner.query(
        `DELETE FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 AND policy_arn = $4`,
        [accountId, holder.kind, holder.id, arn],
      );
      return result.rowCount === 1;
    },

    async listAttachedPolicies(accountId, holder) {
      const result = await runner.query<{ policy_arn: string }>(
        `SELECT policy_arn FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3 ORDER BY attached`,
        [accountId, holder.kind, holder.id],
      );
      return result.rows.map((row) => row.policy_arn);
    },

    async attachmentCounts(accountId) {
      const result = await runner.query<{ policy_arn: string; total: string | number }>(
        `SELECT policy_arn, count(*) AS total FROM ${tables.policyAttachments} WHERE account_id = $1 GROUP BY policy_arn`,
        [accountId],
      );
      return new Map(result.rows.map((row) => [row.policy_arn, Number(row.total)]));
    },

    createGroup: (record, maxPerAccount) =>
      underLocks(runner, [accountLock(record.accountId, 'groups')], async (session) => {
        const state = await session.query<{ taken: boolean; total: string | number }>(
          `SELECT EXISTS (SELECT 1 FROM ${tables.groups} WHERE account_id = $1 AND group_name_key = $2) AS taken,
             (SELECT count(*) FROM ${tables.groups} WHERE account_id = $1) AS total`,
          [record.accountId, nameKey(record.groupName)],
        );
        const row = state.rows[0];
        if (row?.taken === true) return 'exists';
        if (Number(row?.total ?? 0) >= maxPerAccount) return 'limit-exceeded';
        await session.query(
          `INSERT INTO ${tables.groups} (group_name_key, ${GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)`,
          [nameKey(record.groupName), record.accountId, record.groupName, record.groupId, record.path, timestamp(record.createDate)],
        );
        return 'created';
      }),

    async getGroup(accountId, groupName) {
      const result = await runner.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM ${tables.groups} WHERE account_id = $1 AND group_name_key = $2`, [
        accountId,
        nameKey(groupName),
      ]);
      const row = result.rows[0];
      return row === undefined ? undefined : toGroupRecord(row);
    },

    async listGroups(accountId) {
      const result = await runner.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM ${tables.groups} WHERE account_id = $1 ORDER BY group_name_key`, [accountId]);
      return result.rows.map(toGroupRecord);
    },

    deleteGroup: (accountId, groupName, groupId) =>
      underLocks(runner, [holderLock(accountId, { kind: 'group', id: groupId })], async (session) => {
        const state = await session.query<{ found: boolean; members: boolean; inline: boolean; attached: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM ${tables.groups} WHERE account_id = $1 AND group_name_key = $2 AND group_id = $3) AS found,
             EXISTS (SELECT 1 FROM ${tables.groupMembers} WHERE account_id = $1 AND group_id = $3) AS members,
             EXISTS (SELECT 1 FROM ${tables.inlinePolicies} WHERE account_id = $1 AND holder_kind = 'group' AND holder_id = $3) AS inline,
             EXISTS (SELECT 1 FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = 'group' AND holder_id = $3) AS attached`,
          [accountId, nameKey(groupName), groupId],
        );
        const row = state.rows[0];
        if (row?.found !== true) return 'not-found';
        if (row.members) return 'has-members';
        if (row.inline) return 'has-inline-policies';
        if (row.attached) return 'has-attached-policies';
        await session.query(`DELETE FROM ${tables.groups} WHERE account_id = $1 AND group_id = $2`, [accountId, groupId]);
        return 'deleted';
      }),

    addGroupMember: (accountId, groupId, member: GroupMember, maxGroupsPerUser) =>
      underLocks(runner, [holderLock(accountId, { kind: 'group', id: groupId }), holderLock(accountId, { kind: 'user', id: member.userId })], async (session) => {
        const state = await session.query<{ group_exists: boolean; already: boolean; total: string | number }>(
          `SELECT EXISTS (SELECT 1 FROM ${tables.groups} WHERE account_id = $1 AND group_id = $2) AS group_exists,
             EXISTS (SELECT 1 FROM ${tables.groupMembers} WHERE account_id = $1 AND group_id = $2 AND user_id = $3) AS already,
             (SELECT count(*) FROM ${tables.groupMembers} WHERE account_id = $1 AND user_id = $3) AS total`,
          [accountId, groupId, member.userId],
        );
        const row = state.rows[0];
        if (row?.group_exists !== true) return 'no-such-group';
        if (row.already) return 'already-member';
        if (Number(row.total) >= maxGroupsPerUser) return 'limit-exceeded';
        await session.query(`INSERT INTO ${tables.groupMembers} (account_id, group_id, user_id, user_name_key, user_name) VALUES ($1, $2, $3, $4, $5)`, [
          accountId,
          groupId,
          member.userId,
          nameKey(member.userName),
          member.userName,
        ]);
        return 'added';
      }),

    async removeGroupMember(accountId, groupId, userId) {
      const result = await runner.query(`DELETE FROM ${tables.groupMembers} WHERE account_id = $1 AND group_id = $2 AND user_id = $3`, [
        accountId,
        groupId,
        userId,
      ]);
      return result.rowCount === 1;
    },

    async listGroupMembers(accountId, groupId) {
      const result = await runner.query<{ user_id: string; user_name: string }>(
        `SELECT user_id, user_name FROM ${tables.groupMembers} WHERE account_id = $1 AND group_id = $2 ORDER BY user_name_key, user_id`,
        [accountId, groupId],
      );
      return result.rows.map((row): GroupMember => ({ userId: row.user_id, userName: row.user_name }));
    },

    async listGroupsOfUser(accountId, userId) {
      const result = await runner.query<GroupRow>(
        `SELECT ${GROUP_COLUMNS.split(', ').map((column) => `g.${column}`).join(', ')}
         FROM ${tables.groupMembers} AS m JOIN ${tables.groups} AS g ON g.account_id = m.account_id AND g.group_id = m.group_id
         WHERE m.account_id = $1 AND m.user_id = $2 ORDER BY g.group_name_key`,
        [accountId, userId],
      );
      return result.rows.map(toGroupRecord);
    },

    async userDependencies(accountId, userId) {
      const result = await runner.query<{ inline: boolean; attached: boolean; groups: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${tables.inlinePolicies} WHERE account_id = $1 AND holder_kind = 'user' AND holder_id = $2) AS inline,
           EXISTS (SELECT 1 FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = 'user' AND holder_id = $2) AS attached,
           EXISTS (SELECT 1 FROM ${tables.groupMembers} WHERE account_id = $1 AND user_id = $2) AS groups`,
        [accountId, userId],
      );
      const row = result.rows[0];
      if (row?.inline === true) return 'inline-policies';
      if (row?.attached === true) return 'attached-policies';
      return row?.groups === true ? 'groups' : 'none';
    },

    forgetHolder: (accountId, holder) =>
      underLocks(runner, [holderLock(accountId, holder)], async (session) => {
        await session.query(`DELETE FROM ${tables.inlinePolicies} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3`, [
          accountId,
          holder.kind,
          holder.id,
        ]);
        await session.query(`DELETE FROM ${tables.policyAttachments} WHERE account_id = $1 AND holder_kind = $2 AND holder_id = $3`, [
          accountId,
          holder.kind,
          holder.id,
        ]);
        if (holder.kind === 'user') {
          await session.query(`DELETE FROM ${tables.groupMembers} WHERE account_id = $1 AND user_id = $2`, [accountId, holder.id]);
        }
      }),
  };
};
