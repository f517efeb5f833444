import type { AccessKeyRecord, AccessKeyStatus } from '../domain/access-key.js';

/**
 * Storage of IAM users' access keys. Every method is one atomic unit. Keys are found by id across accounts (access key ids are
 * unique in all of AWS, and a SigV4 signature names only the id). The secret is stored as issued: the signature check needs it.
 * Business outcomes resolve; a rejected promise means the store itself failed and becomes ServiceFailure.
 */
export interface AccessKeyStore {
  /**
   * Inserts the key unless its owner already has `quota` keys (any status) or was closed by `closeOwner`; the count and the insert
   * are one atomic step, so two concurrent creates never exceed the quota. `duplicate-id`: the id is taken (the caller draws again).
   */
  createAccessKey(record: AccessKeyRecord, quota: number): Promise<'created' | 'quota-exceeded' | 'owner-closed' | 'duplicate-id'>;

  /** The key with this id, in any account; undefined when there is none. */
  findAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;

  /** The owner's keys (at most the quota), in any order. */
  listOwnerAccessKeys(accountId: string, ownerId: string): Promise<readonly AccessKeyRecord[]>;

  /** Sets the status only if the key exists and belongs to `ownerId` in `accountId`; true when it did. */
  updateAccessKeyStatus(accountId: string, ownerId: string, accessKeyId: string, status: AccessKeyStatus): Promise<boolean>;

  /** Deletes only if the key exists and belongs to `ownerId` in `accountId`; true when something was deleted. */
  deleteAccessKey(accountId: string, ownerId: string, accessKeyId: string): Promise<boolean>;

  /**
   * A step of deleting a user: atomically refuses while the owner has a key, otherwise marks the owner closed, so that a
   * CreateAccessKey racing the deletion fails (`owner-closed`) instead of leaving a key behind for a deleted user. For good: owners
   * are UserIds, never reused.
   */
  closeOwner(accountId: string, ownerId: string): Promise<'closed' | 'has-access-keys'>;
}
