import { describe, expect, it } from 'vitest';
import { createCredentialEngine, createInMemoryAccessKeyStore, createInMemoryStore, createInMemoryUserDirectory } from '../../src/index.js';

describe('an interrupted DeleteUser, healed forward, never leaves access keys behind a deleted user', () => {
  it('a Create that meets the closed owner finishes the deletion only once the user has no access keys', async () => {
    const store = createInMemoryStore();
    const users = createInMemoryUserDirectory();
    const accessKeys = createInMemoryAccessKeyStore();
    const engine = createCredentialEngine({ store, users, accessKeys });
    const { User } = (await engine.createUser({ UserName: 'alice' }))._unsafeUnwrap();
    // A DeleteUser closed the credential owner, and a CreateAccessKey ran between its key check and its key closure.
    expect(await store.closeOwner('123456789012', User.UserId)).toBe('closed');
    const { AccessKey } = (await engine.createAccessKey({ UserName: 'alice' }))._unsafeUnwrap();
    // A credential Create meets the closed owner: the user keeps existing while it has a key.
    const refused = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
    expect(refused._unsafeUnwrapErr().code).toBe('NoSuchEntity');
    expect((await engine.getUser({ UserName: 'alice' })).isOk()).toBe(true);
    expect((await engine.findSigningKey(AccessKey.AccessKeyId))._unsafeUnwrap()?.userName).toBe('alice');
    // Once the key is gone, DeleteUser finishes.
    await engine.deleteAccessKey({ UserName: 'alice', AccessKeyId: AccessKey.AccessKeyId });
    expect((await engine.deleteUser({ UserName: 'alice' })).isOk()).toBe(true);
    expect((await engine.getUser({ UserName: 'alice' })).isErr()).toBe(true);
  });
});

describe('a CreateAccessKey that meets a closed owner', () => {
  it('finishes an interrupted DeleteUser (its checks passed) and answers NoSuchEntity', async () => {
    const store = createInMemoryStore();
    const users = createInMemoryUserDirectory();
    const accessKeys = createInMemoryAccessKeyStore();
    const engine = createCredentialEngine({ store, users, accessKeys });
    const { User } = (await engine.createUser({ UserName: 'bob' }))._unsafeUnwrap();
    // DeleteUser closed both owners, then failed before deleting the user.
    await store.closeOwner('123456789012', User.UserId);
    await accessKeys.closeOwner('123456789012', User.UserId);
    const refused = await engine.createAccessKey({ UserName: 'bob' });
    expect(refused._unsafeUnwrapErr().message).toBe('The user with name bob cannot be found.');
    expect((await engine.getUser({ UserName: 'bob' }))._unsafeUnwrapErr().code).toBe('NoSuchEntity');
  });
});
