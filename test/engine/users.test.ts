import { describe, expect, it } from 'vitest';
import { CODECOMMIT, T0, errOf, expectError, okOf, setup } from './support.js';

describe('users', () => {
  it('creates a user with the AWS shape', async () => {
    const { engine } = setup();
    const { User } = await okOf(engine.createUser({ UserName: 'Alice' }));
    expect(User).toEqual({
      Path: '/',
      UserName: 'Alice',
      UserId: expect.stringMatching(/^AIDA[A-Z0-9]{17}$/),
      Arn: 'arn:aws:iam::123456789012:user/Alice',
      CreateDate: T0,
    });
    expect(await okOf(engine.getUser({ UserName: 'Alice' }))).toEqual({ User });
  });

  it('keeps names unique regardless of case, and looks them up regardless of case', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'John' }));
    await expectError(engine.createUser({ UserName: 'john' }), {
      code: 'EntityAlreadyExists',
      httpStatus: 409,
      message: 'User with name john already exists.',
    });
    expect((await okOf(engine.getUser({ UserName: 'JOHN' }))).User.UserName).toBe('John');
  });

  it('answers a missing user with NoSuchEntity', async () => {
    const { engine } = setup();
    await expectError(engine.getUser({ UserName: 'ghost' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name ghost cannot be found.' });
    await expectError(engine.deleteUser({ UserName: 'ghost' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name ghost cannot be found.' });
  });

  it('GetUser without a name is the caller', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'me' }));
    expect((await okOf(engine.getUser({}, { callerUserName: 'me' }))).User.UserName).toBe('me');
    expect((await errOf(engine.getUser({}))).code).toBe('ValidationError');
  });

  it('refuses to delete a user that still has a credential, then deletes it once the credential is gone', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    await expectError(engine.deleteUser({ UserName: 'alice' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must remove referenced objects first.',
    });
    expect((await okOf(engine.getUser({ UserName: 'alice' }))).User.UserName).toBe('alice');
    // the refused delete left the user fully usable
    await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }));
    const rest = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }));
    for (const credential of rest.ServiceSpecificCredentials) {
      await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: credential.ServiceSpecificCredentialId }));
    }
    expect(await okOf(engine.deleteUser({ UserName: 'alice' }))).toEqual({});
    await expectError(engine.getUser({ UserName: 'alice' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name alice cannot be found.' });
  });

  it('a user created again under a deleted name is a new user that can hold credentials', async () => {
    const { engine } = setup();
    const first = (await okOf(engine.createUser({ UserName: 'alice' }))).User;
    await okOf(engine.deleteUser({ UserName: 'alice' }));
    const second = (await okOf(engine.createUser({ UserName: 'alice' }))).User;
    expect(second.UserId).not.toBe(first.UserId);
    await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
  });

  it('lists users in name order with pagination and a path prefix', async () => {
    const { engine } = setup();
    for (const [UserName, Path] of [
      ['carol', '/'],
      ['Bob', '/eng/'],
      ['alice', '/eng/'],
      ['dave', '/ops/'],
    ] as const) {
      await okOf(engine.createUser({ UserName, Path }));
    }
    const first = await okOf(engine.listUsers({ MaxItems: 2 }));
    expect(first.Users.map((u) => u.UserName)).toEqual(['alice', 'Bob']);
    expect(first.IsTruncated).toBe(true);
    const second = await okOf(engine.listUsers({ MaxItems: 2, Marker: first.Marker as string }));
    expect(second.Users.map((u) => u.UserName)).toEqual(['carol', 'dave']);
    expect(second.IsTruncated).toBe(false);
    expect((await okOf(engine.listUsers({ PathPrefix: '/eng/' }))).Users.map((u) => u.UserName)).toEqual(['alice', 'Bob']);
    expect((await okOf(engine.listUsers())).Users).toHaveLength(4);
    await expectError(engine.listUsers({ Marker: 'garbage' }), { code: 'ValidationError', httpStatus: 400, message: 'Invalid Marker.' });
  });
});
