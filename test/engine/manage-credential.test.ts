import { describe, expect, it } from 'vitest';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, T0, errOf, expectError, okOf, setup } from './support.js';

const withUser = async (userName = 'alice', options = {}) => {
  const context = setup(options);
  await okOf(context.engine.createUser({ UserName: userName }));
  return context;
};

describe('List', () => {
  it('lists metadata without any secret, oldest first, IsTruncated always present', async () => {
    const { engine, clock } = await withUser();
    const a = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    clock.advance(1000);
    const b = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 3 }));
    const listed = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }));
    expect(listed).toEqual({
      ServiceSpecificCredentials: [
        {
          UserName: 'alice',
          Status: 'Active',
          ServiceUserName: `alice-at-${ACCOUNT}`,
          CreateDate: T0,
          ServiceSpecificCredentialId: a.ServiceSpecificCredential.ServiceSpecificCredentialId,
          ServiceName: CODECOMMIT,
        },
        {
          UserName: 'alice',
          Status: 'Active',
          ServiceCredentialAlias: `alice-at-${ACCOUNT}`,
          CreateDate: new Date(T0.getTime() + 1000),
          ExpirationDate: new Date(T0.getTime() + 1000 + 3 * DAY_MS),
          ServiceSpecificCredentialId: b.ServiceSpecificCredential.ServiceSpecificCredentialId,
          ServiceName: BEDROCK,
        },
      ],
      IsTruncated: false,
    });
    expect(JSON.stringify(listed)).not.toContain(a.ServiceSpecificCredential.ServicePassword);
  });

  it('filters by service and answers [] for a supported service with no credential', async () => {
    const { engine } = await withUser();
    await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', ServiceName: KEYSPACES }))).ServiceSpecificCredentials).toEqual([]);
    const onlyCodeCommit = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', ServiceName: CODECOMMIT }));
    expect(onlyCodeCommit.ServiceSpecificCredentials.map((c) => c.ServiceName)).toEqual([CODECOMMIT]);
  });

  it('answers an unsupported ServiceName and a missing user as AWS does', async () => {
    const { engine } = await withUser();
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice', ServiceName: 'lambda.amazonaws.com' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
    });
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'ghost', ServiceName: 'lambda.amazonaws.com' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name ghost cannot be found.',
    });
  });

  it('lists the calling user when UserName is omitted, and refuses without a caller', async () => {
    const { engine } = await withUser();
    await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    const mine = await okOf(engine.listServiceSpecificCredentials({}, { callerUserName: 'alice' }));
    expect(mine.ServiceSpecificCredentials).toHaveLength(1);
    await expectError(engine.listServiceSpecificCredentials({}), {
      code: 'ValidationError',
      httpStatus: 400,
      message: 'Must specify userName when calling with non-User credentials',
    });
  });

  it('AllUsers lists every user of the account for a service, and cannot be combined with UserName', async () => {
    const { engine, clock } = setup();
    for (const user of ['u1', 'u2', 'u3']) {
      clock.advance(1);
      await okOf(engine.createUser({ UserName: user }));
      await okOf(engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT }));
      await okOf(engine.createServiceSpecificCredential({ UserName: user, ServiceName: KEYSPACES }));
    }
    await okOf(engine.createUser({ UserName: 'elsewhere' }, { accountId: '222222222222' }));
    await okOf(engine.createServiceSpecificCredential({ UserName: 'elsewhere', ServiceName: CODECOMMIT }, { accountId: '222222222222' }));
    const all = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, ServiceName: CODECOMMIT }));
    expect(all.ServiceSpecificCredentials.map((c) => c.UserName)).toEqual(['u1', 'u2', 'u3']);
    const everything = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true }));
    expect(everything.ServiceSpecificCredentials).toHaveLength(6);
    await expectError(engine.listServiceSpecificCredentials({ AllUsers: true, UserName: 'u1' }), {
      code: 'InvalidInput',
      httpStatus: 400,
      message: 'AllUsers cannot be specified together with UserName.',
    });
    const explicitFalse = await okOf(engine.listServiceSpecificCredentials({ AllUsers: false, UserName: 'u1' }));
    expect(explicitFalse.ServiceSpecificCredentials).toHaveLength(2);
  });

  it('pages with MaxItems and an opaque Marker, losing nothing when items are deleted between pages', async () => {
    const { engine, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      await okOf(engine.createUser({ UserName: `user${i}` }));
      ids.push((await okOf(engine.createServiceSpecificCredential({ UserName: `user${i}`, ServiceName: CODECOMMIT })))
        .ServiceSpecificCredential.ServiceSpecificCredentialId);
      clock.advance(10);
    }
    const first = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.ServiceSpecificCredentials.map((c) => c.ServiceSpecificCredentialId)).toEqual(ids.slice(0, 2));
    // delete the last item of the first page: the next page still starts right after it
    await okOf(engine.deleteServiceSpecificCredential({ UserName: 'user1', ServiceSpecificCredentialId: ids[1] as string }));
    const second = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 2, Marker: first.Marker as string }));
    expect(second.ServiceSpecificCredentials.map((c) => c.ServiceSpecificCredentialId)).toEqual(ids.slice(2, 4));
    const third = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 2, Marker: second.Marker as string }));
    expect(third).toMatchObject({ IsTruncated: false });
    expect('Marker' in third).toBe(false);
    expect(third.ServiceSpecificCredentials.map((c) => c.ServiceSpecificCredentialId)).toEqual(ids.slice(4));
  });

  it('defaults MaxItems to 100', async () => {
    const { engine } = setup();
    for (let i = 0; i < 51; i += 1) {
      await okOf(engine.createUser({ UserName: `u${i}` }));
      await okOf(engine.createServiceSpecificCredential({ UserName: `u${i}`, ServiceName: CODECOMMIT }));
      await okOf(engine.createServiceSpecificCredential({ UserName: `u${i}`, ServiceName: KEYSPACES }));
    }
    const page = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true }));
    expect(page.ServiceSpecificCredentials).toHaveLength(100);
    expect(page.IsTruncated).toBe(true);
  });

  it('rejects a marker it did not issue', async () => {
    const { engine } = await withUser();
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker: 'not-a-marker' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: 'Invalid Marker.',
    });
  });
});

describe('Reset', () => {
  it('keeps id, CreateDate, name and Status; issues a new password; the old one stops working at once', async () => {
    const { engine, clock } = await withUser();
    const created = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential;
    const id = created.ServiceSpecificCredentialId;
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
    clock.advance(5000);
    const reset = (await okOf(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }))).ServiceSpecificCredential;
    expect(reset).toEqual({ ...created, Status: 'Inactive', ServicePassword: reset.ServicePassword });
    expect(reset.ServicePassword).not.toBe(created.ServicePassword);
    expect(reset.ServicePassword).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Active' }));
    const login = (ServicePassword: string) =>
      engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: created.ServiceUserName as string, ServicePassword });
    expect((await login(created.ServicePassword as string)).isErr()).toBe(true);
    expect((await login(reset.ServicePassword as string)).isOk()).toBe(true);
  });

  it('resets a Bedrock key into a new ABSK secret for the same alias', async () => {
    const { engine } = await withUser();
    const created = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK }))).ServiceSpecificCredential;
    const reset = (
      await okOf(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId }))
    ).ServiceSpecificCredential;
    expect(reset.ServiceCredentialAlias).toBe(created.ServiceCredentialAlias);
    expect(reset.ServiceCredentialSecret).not.toBe(created.ServiceCredentialSecret);
    expect(reset.ServicePassword).toBeUndefined();
    const login = (ApiKey: string) => engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey });
    expect((await login(created.ServiceCredentialSecret as string)).isErr()).toBe(true);
    expect((await login(reset.ServiceCredentialSecret as string)).isOk()).toBe(true);
  });

  it('refuses to reset an expired key, leaving it unchanged', async () => {
    const { engine, clock } = await withUser();
    const created = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 1 })))
      .ServiceSpecificCredential;
    clock.advance(DAY_MS);
    await expectError(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId }), {
      code: 'InvalidInput',
      httpStatus: 400,
      message: `The service-specific credential ${created.ServiceSpecificCredentialId} has expired and cannot be reset.`,
    });
  });
});

describe('Update', () => {
  it('sets Inactive and Active, answering {}', async () => {
    const { engine } = await withUser();
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    expect(await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' }))).toEqual({});
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials[0]?.Status).toBe('Inactive');
    await okOf(engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId: id, Status: 'Active' }, { callerUserName: 'alice' }));
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials[0]?.Status).toBe('Active');
  });

  it('cannot set Expired', async () => {
    const { engine } = await withUser();
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    await expectError(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Expired' }), {
      code: 'InvalidInput',
      httpStatus: 400,
      message: 'Status Expired cannot be set: a credential expires only by its ExpirationDate. Use Active or Inactive.',
    });
  });

  it('cannot reactivate an expired key, but can deactivate it (it still reads Expired)', async () => {
    const { engine, clock } = await withUser();
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 2 })))
      .ServiceSpecificCredential.ServiceSpecificCredentialId;
    clock.advance(2 * DAY_MS);
    await expectError(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Active' }), {
      code: 'InvalidInput',
      httpStatus: 400,
      message: `The service-specific credential ${id} has expired and cannot be reactivated.`,
    });
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials[0]?.Status).toBe('Expired');
  });
});

describe('Update, Reset and Delete of a credential that is not there, or not the user\'s', () => {
  it('answers the observed messages and touches nothing', async () => {
    const { engine } = await withUser();
    await okOf(engine.createUser({ UserName: 'mallory' }));
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    const before = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true }));
    const unknown = 'satisfiesregexbutstillinvalid';
    const noCredential = (credentialId: string) => ({ code: 'NoSuchEntity', httpStatus: 404, message: `No such credential ${credentialId} exists` });
    for (const [credentialId, userName] of [
      [unknown, 'alice'],
      [id, 'mallory'],
    ] as const) {
      await expectError(engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId: credentialId, UserName: userName, Status: 'Inactive' }), noCredential(credentialId));
      await expectError(engine.resetServiceSpecificCredential({ ServiceSpecificCredentialId: credentialId, UserName: userName }), noCredential(credentialId));
      await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: credentialId, UserName: userName }), noCredential(credentialId));
    }
    const userGone = { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name wrong-user-name cannot be found.' };
    await expectError(engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId: id, UserName: 'wrong-user-name', Status: 'Inactive' }), userGone);
    await expectError(engine.resetServiceSpecificCredential({ ServiceSpecificCredentialId: id, UserName: 'wrong-user-name' }), userGone);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: id, UserName: 'wrong-user-name' }), userGone);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: id }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: 'Must specify userName when calling with non-User credentials',
    });
    expect(await okOf(engine.listServiceSpecificCredentials({ AllUsers: true }))).toEqual(before);
  });

  it('delete answers {} and the credential is gone', async () => {
    const { engine } = await withUser();
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    expect(await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }))).toEqual({});
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials).toEqual([]);
    expect((await errOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }))).code).toBe('NoSuchEntity');
  });
});
