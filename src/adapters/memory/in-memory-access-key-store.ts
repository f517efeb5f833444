import type { AccessKeyRecord, AccessKeyStatus } from '../../domain/access-key.js';
import type { AccessKeyStore } from '../../ports/access-key-store.port.js';
import type { Immediate } from '../../ports/immediate.port.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import { promising } from './promising.js';

/** An owner's place in the store: `accountId` and UserId, which never contain a NUL. */
const ownerKey = (accountId: string, ownerId: string): string => `${accountId}\u0000${ownerId}`;

/** A frozen copy, so no caller can change a stored key through what it was handed. */
const frozenCopy = (record: AccessKeyRecord): AccessKeyRecord =>
  Object.freeze({
    accountId: record.accountId,
    ownerId: record.ownerId,
    userName: record.userName,
    accessKeyId: record.accessKeyId,
    secretAccessKey: record.secretAccessKey,
    status: record.status,
    createDate: new Date(record.createDate),
  });

/** Access keys by id, and each owner's ids; every method is atomic (synchronous). The engine calls this face directly. */
export const createImmediateAccessKeyStore = (): Immediate<AccessKeyStore & StateReset> => {
  const byId = new Map<string, AccessKeyRecord>();
  const byOwner = new Map<string, Set<string>>();
  const closedOwners = new Set<string>();

  const ownedKey = (accountId: string, ownerId: string, accessKeyId: string): AccessKeyRecord | undefined => {
    const record = byId.get(accessKeyId);
    return record !== undefined && record.accountId === accountId && record.ownerId === ownerId ? record : undefined;
  };

  return {
    createAccessKey(record: AccessKeyRecord, quota: number) {
      const owner = ownerKey(record.accountId, record.ownerId);
      if (closedOwners.has(owner)) return 'owner-closed';
      if (byId.has(record.accessKeyId)) return 'duplicate-id';
      let ids = byOwner.get(owner);
      if ((ids?.size ?? 0) >= quota) return 'quota-exceeded';
      if (ids === undefined) {
        ids = new Set();
        byOwner.set(owner, ids);
      }
      ids.add(record.accessKeyId);
      byId.set(record.accessKeyId, frozenCopy(record));
      return 'created';
    },

    findAccessKey(accessKeyId: string) {
      return byId.get(accessKeyId);
    },

    listOwnerAccessKeys(accountId: string, ownerId: string) {
      const ids = byOwner.get(ownerKey(accountId, ownerId));
      const records: AccessKeyRecord[] = [];
      for (const id of ids ?? []) records.push(byId.get(id) as AccessKeyRecord);
      return records;
    },

    updateAccessKeyStatus(accountId: string, ownerId: string, accessKeyId: string, status: AccessKeyStatus) {
      const record = ownedKey(accountId, ownerId, accessKeyId);
      if (record === undefined) return false;
      byId.set(accessKeyId, frozenCopy({ ...record, status }));
      return true;
    },

    deleteAccessKey(accountId: string, ownerId: string, accessKeyId: string) {
      if (ownedKey(accountId, ownerId, accessKeyId) === undefined) return false;
      byId.delete(accessKeyId);
      const owner = ownerKey(accountId, ownerId);
      const ids = byOwner.get(owner);
      ids?.delete(accessKeyId);
      if (ids?.size === 0) byOwner.delete(owner);
      return true;
    },

    closeOwner(accountId: string, ownerId: string) {
      const owner = ownerKey(accountId, ownerId);
      if ((byOwner.get(owner)?.size ?? 0) > 0) return 'has-access-keys';
      closedOwners.add(owner);
      return 'closed';
    },

    resetState(accountId?: string): void {
      if (accountId === undefined) {
        byId.clear();
        byOwner.clear();
        closedOwners.clear();
        return;
      }
      const prefix = `${accountId}\u0000`;
      for (const [id, record] of byId) if (record.accountId === accountId) byId.delete(id);
      for (const owner of byOwner.keys()) if (owner.startsWith(prefix)) byOwner.delete(owner);
      for (const owner of closedOwners) if (owner.startsWith(prefix)) closedOwners.delete(owner);
    },
  };
};

/** The store as the async port (for an engine or a test that is handed one, and the endpoint, whose reset path empties it). */
export const createInMemoryAccessKeyStore = (): AccessKeyStore & StateReset =>
  promising<AccessKeyStore & StateReset>(createImmediateAccessKeyStore());
