import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImmediateAccessKeyStore } from '../../src/adapters/memory/in-memory-access-key-store.js';
import {
  type AccessKeyRecord,
  decodeAccessKeyMarker,
  encodeAccessKeyMarker,
  generateAccessKeyId,
  generateSecretAccessKey,
} from '../../src/domain/access-key.js';
import { createCredentialEngine, createInMemoryAccessKeyStore, createManualClock, createSeededRandom } from '../../src/index.js';
import type { AccessKeyStore } from '../../src/index.js';

const bytesFrom = (pool: readonly number[]) => {
  let at = 0;
  return (size: number): Uint8Array => Uint8Array.from({ length: size }, () => pool[at++ % pool.length] ?? 0);
};

describe('access key ids and secrets', () => {
  it('an id is AKIA and 16 of [A-Z0-9] whatever bytes the source gives, as long as it gives usable ones', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }), (pool) => {
        const id = generateAccessKeyId(bytesFrom(pool));
        if (pool.every((byte) => byte >= 252)) expect(id.isErr()).toBe(true);
        else expect(id._unsafeUnwrap()).toMatch(/^AKIA[A-Z0-9]{16}$/);
      }),
    );
  });

  it('a secret is 40 characters of base64 without padding, from 30 random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 30, maxLength: 30 }), (bytes) => {
        const secret = generateSecretAccessKey(() => bytes);
        expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
        expect(Buffer.from(secret, 'base64')).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('a marker decodes to the position it encodes, and only its own spelling is accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), fc.stringMatching(/^\w{1,128}$/), (ms, accessKeyId) => {
        const position = { createDate: new Date(ms), accessKeyId };
        const marker = encodeAccessKeyMarker(position);
        expect(decodeAccessKeyMarker(marker)._unsafeUnwrap()).toEqual(position);
        expect(decodeAccessKeyMarker(`${marker}=`).isErr()).toBe(true);
      }),
    );
    expect(decodeAccessKeyMarker(Buffer.from('k1:01:AKIA').toString('base64url')).isErr()).toBe(true);
  });
});

const record = (overrides: Partial<AccessKeyRecord>): AccessKeyRecord => ({
  accountId: '111111111111',
  ownerId: 'AIDAOWNER',
  userName: 'alice',
  accessKeyId: 'AKIA0000000000000001',
  secretAccessKey: 's'.repeat(40),
  status: 'Active',
  createDate: new Date(0),
  ...overrides,
});

describe('the in-memory access key store', () => {
  it('counts every status against the quota, refuses a taken id and a closed owner, and keeps keys of other owners apart', () => {
    const store = createImmediateAccessKeyStore();
    expect(store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000001' }), 2)).toBe('created');
    expect(store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000001', ownerId: 'AIDAOTHER' }), 2)).toBe('duplicate-id');
    expect(store.updateAccessKeyStatus('111111111111', 'AIDAOWNER', 'AKIA0000000000000001', 'Inactive')).toBe(true);
    expect(store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000002' }), 2)).toBe('created');
    expect(store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000003' }), 2)).toBe('quota-exceeded');
    // Another owner, and the same owner id in another account, are other owners.
    expect(store.updateAccessKeyStatus('111111111111', 'AIDAOTHER', 'AKIA0000000000000001', 'Active')).toBe(false);
    expect(store.deleteAccessKey('222222222222', 'AIDAOWNER', 'AKIA0000000000000001')).toBe(false);
    expect(store.closeOwner('111111111111', 'AIDAOWNER')).toBe('has-access-keys');
    expect(store.deleteAccessKey('111111111111', 'AIDAOWNER', 'AKIA0000000000000001')).toBe(true);
    expect(store.deleteAccessKey('111111111111', 'AIDAOWNER', 'AKIA0000000000000002')).toBe(true);
    expect(store.closeOwner('111111111111', 'AIDAOWNER')).toBe('closed');
    expect(store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000004' }), 2)).toBe('owner-closed');
  });

  it('hands out frozen copies: changing what it returned changes nothing stored', () => {
    const store = createImmediateAccessKeyStore();
    const mine = { ...record({}) };
    store.createAccessKey(mine, 2);
    (mine as { status: string }).status = 'Inactive';
    const found = store.findAccessKey('AKIA0000000000000001');
    expect(found?.status).toBe('Active');
    expect(Object.isFrozen(found)).toBe(true);
  });

  it('resets one account or all of them', () => {
    const store = createImmediateAccessKeyStore();
    store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000001' }), 2);
    store.createAccessKey(record({ accessKeyId: 'AKIA0000000000000002', accountId: '222222222222' }), 2);
    store.closeOwner('222222222222', 'AIDACLOSED');
    store.resetState('111111111111');
    expect(store.findAccessKey('AKIA0000000000000001')).toBeUndefined();
    expect(store.findAccessKey('AKIA0000000000000002')).toBeDefined();
    store.resetState();
    expect(store.findAccessKey('AKIA0000000000000002')).toBeUndefined();
    expect(store.createAccessKey(record({ accountId: '222222222222', ownerId: 'AIDACLOSED' }), 2)).toBe('created');
  });
});

describe('the access-key operations on the engine', () => {
  const ctx = { callerUserName: 'alice' };

  it('work the same over the async port (an embedder-given store) as over the embedded synchronous one', async () => {
    const run = async (accessKeys?: AccessKeyStore) => {
      const engine = createCredentialEngine({
        clock: createManualClock(new Date('2026-01-01T00:00:00Z')),
        random: createSeededRandom('keys'),
        ...(accessKeys === undefined ? {} : { accessKeys }),
      });
      await engine.createUser({ UserName: 'alice' });
      const created = (await engine.createAccessKey({}, ctx))._unsafeUnwrap();
      const listed = (await engine.listAccessKeys({}, ctx))._unsafeUnwrap();
      const signing = (await engine.findSigningKey(created.AccessKey.AccessKeyId))._unsafeUnwrap();
      return { created, listed, signing };
    };
    const embedded = await run();
    expect(await run(createInMemoryAccessKeyStore())).toEqual(embedded);
    expect(embedded.signing).toEqual({
      accessKeyId: embedded.created.AccessKey.AccessKeyId,
      secretAccessKey: embedded.created.AccessKey.SecretAccessKey,
      status: 'Active',
      accountId: '123456789012',
      userName: 'alice',
      userId: expect.stringMatching(/^AIDA/),
    });
  });

  it('draws the id again when the store says it is taken, and gives up (ServiceFailure) when it keeps being taken', async () => {
    const inner = createInMemoryAccessKeyStore();
    let taken = 1;
    const failures: unknown[] = [];
    const store: AccessKeyStore = { ...inner, createAccessKey: async (r, quota) => (taken-- > 0 ? 'duplicate-id' : inner.createAccessKey(r, quota)) };
    const engine = createCredentialEngine({ accessKeys: store, onInternalError: (e) => failures.push(e) });
    await engine.createUser({ UserName: 'alice' });
    expect((await engine.createAccessKey({}, ctx)).isOk()).toBe(true);
    taken = 100;
    const failed = await engine.createAccessKey({ UserName: 'alice' });
    expect(failed._unsafeUnwrapErr().code).toBe('ServiceFailure');
    expect(failures).toHaveLength(1);
  });

  it('findSigningKey answers undefined for an id no key has', async () => {
    const engine = createCredentialEngine();
    expect((await engine.findSigningKey('AKIA0000000000000000'))._unsafeUnwrap()).toBeUndefined();
  });

  it('a key of a user deleted and created again under the same name is not the new user’s', async () => {
    const engine = createCredentialEngine();
    await engine.createUser({ UserName: 'alice' });
    const { AccessKey } = (await engine.createAccessKey({}, ctx))._unsafeUnwrap();
    await engine.deleteAccessKey({ AccessKeyId: AccessKey.AccessKeyId }, ctx);
    await engine.deleteUser({ UserName: 'alice' });
    await engine.createUser({ UserName: 'alice' });
    expect((await engine.listAccessKeys({}, ctx))._unsafeUnwrap().AccessKeyMetadata).toEqual([]);
    // DeleteUser closed the old owner: the new user (a new UserId) still gets keys.
    expect((await engine.createAccessKey({}, ctx)).isOk()).toBe(true);
  });
});
