import { describe, expect, it } from 'vitest';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, T0, errOf, expectError, okOf, setup } from './support.js';

describe('CreateServiceSpecificCredential', () => {
  it('creates a CodeCommit credential with the observed shape and formats', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const { ServiceSpecificCredential: credential } = await okOf(
      engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }),
    );
    expect(Object.keys(credential).sort()).toEqual(
      ['CreateDate', 'ServiceName', 'ServicePassword', 'ServiceSpecificCredentialId', 'ServiceUserName', 'Status', 'UserName'].sort(),
    );
    expect(credential).toMatchObject({
      CreateDate: T0,
      ServiceName: CODECOMMIT,
      ServiceUserName: `alice-at-${ACCOUNT}`,
      Status: 'Active',
      UserName: 'alice',
    });
    expect(credential.ServiceSpecificCredentialId).toMatch(/^ACCA[A-Z0-9]{17}$/);
    expect(credential.ServicePassword).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(credential.ServicePassword ?? '', 'base64')).toHaveLength(32);
  });

  it('gives the second credential of a user and service the +1 name, and Keyspaces works alike', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'developer' }));
    const names = [];
    for (const service of [CODECOMMIT, CODECOMMIT, KEYSPACES, KEYSPACES]) {
      names.push((await okOf(engine.createServiceSpecificCredential({ UserName: 'developer', ServiceName: service })))
        .ServiceSpecificCredential.ServiceUserName);
    }
    expect(names).toEqual([
      `developer-at-${ACCOUNT}`,
      `developer+1-at-${ACCOUNT}`,
      `developer-at-${ACCOUNT}`,
      `developer+1-at-${ACCOUNT}`,
    ]);
  });

  it('reuses the smallest free suffix after a delete', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'bob' }));
    const first = await okOf(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }));
    await okOf(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }));
    await okOf(
      engine.deleteServiceSpecificCredential({ UserName: 'bob', ServiceSpecificCredentialId: first.ServiceSpecificCredential.ServiceSpecificCredentialId }),
    );
    const third = await okOf(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }));
    expect(third.ServiceSpecificCredential.ServiceUserName).toBe(`bob-at-${ACCOUNT}`);
  });

  it('skips a name taken by another user literally named with +N', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    await okOf(engine.createUser({ UserName: 'alice+1' }));
    await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    const other = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice+1', ServiceName: CODECOMMIT }));
    expect(other.ServiceSpecificCredential.ServiceUserName).toBe(`alice+1-at-${ACCOUNT}`);
    const second = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }));
    expect(second.ServiceSpecificCredential.ServiceUserName).toBe(`alice+2-at-${ACCOUNT}`);
  });

  it('enforces the quota of 2 per user and service whatever the status, with LimitExceeded 409', async () => {
    const { engine, clock } = setup();
    await okOf(engine.createUser({ UserName: 'carol' }));
    const first = await okOf(engine.createServiceSpecificCredential({ UserName: 'carol', ServiceName: BEDROCK, CredentialAgeDays: 1 }));
    await okOf(
      engine.updateServiceSpecificCredential({
        UserName: 'carol',
        ServiceSpecificCredentialId: first.ServiceSpecificCredential.ServiceSpecificCredentialId,
        Status: 'Inactive',
      }),
    );
    await okOf(engine.createServiceSpecificCredential({ UserName: 'carol', ServiceName: BEDROCK }));
    clock.advance(2 * DAY_MS); // the first one is now Expired, and still counts
    await expectError(engine.createServiceSpecificCredential({ UserName: 'carol', ServiceName: BEDROCK }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2',
    });
    // other services have their own quota
    await okOf(engine.createServiceSpecificCredential({ UserName: 'carol', ServiceName: CODECOMMIT }));
  });

  it('answers a missing user before anything else, even with a bogus service', async () => {
    const { engine } = setup();
    await expectError(engine.createServiceSpecificCredential({ UserName: 'non-existent-user', ServiceName: 'o3on3n3onosneo' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name non-existent-user cannot be found.',
    });
  });

  it.each(['nonexistentservice.amazonaws.com', 'o3on3n3onosneo', 'lambda.amazonaws.com', 'toString', '__proto__'])(
    'answers an unsupported service %s with the observed NoSuchEntity',
    async (serviceName) => {
      const { engine } = setup();
      await okOf(engine.createUser({ UserName: 'alice' }));
      await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: serviceName }), {
        code: 'NoSuchEntity',
        httpStatus: 404,
        message: `No such service ${serviceName} is supported for Service Specific Credentials`,
      });
    },
  );

  it('answers NotSupportedService when the engine is configured for the modelled code', async () => {
    const { engine } = setup({ unsupportedServiceError: 'NotSupportedService' });
    await okOf(engine.createUser({ UserName: 'alice' }));
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'lambda.amazonaws.com' }), {
      code: 'NotSupportedService',
      httpStatus: 404,
      message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
    });
  });

  it('accepts a caller-supplied catalogue', async () => {
    const { engine } = setup({ services: { 'logs.amazonaws.com': { kind: 'api-key', secretPrefix: 'ACWL' } } });
    await okOf(engine.createUser({ UserName: 'alice' }));
    const created = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'logs.amazonaws.com' }));
    expect(created.ServiceSpecificCredential.ServiceCredentialSecret).toMatch(/^ACWL/);
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: `No such service ${CODECOMMIT} is supported for Service Specific Credentials`,
    });
  });

  it('creates a Bedrock API key: alias and ABSK secret instead of user name and password', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'bedrock-api-user' }));
    const { ServiceSpecificCredential: key } = await okOf(
      engine.createServiceSpecificCredential({ UserName: 'bedrock-api-user', ServiceName: BEDROCK, CredentialAgeDays: 30 }),
    );
    expect(key.ServiceUserName).toBeUndefined();
    expect(key.ServicePassword).toBeUndefined();
    expect(key.ServiceCredentialAlias).toBe(`bedrock-api-user-at-${ACCOUNT}`);
    expect(key.ExpirationDate).toEqual(new Date(T0.getTime() + 30 * DAY_MS));
    const secret = key.ServiceCredentialSecret ?? '';
    expect(secret.startsWith('ABSK')).toBe(true);
    const decoded = Buffer.from(secret.slice(4), 'base64').toString('utf8');
    expect(decoded.startsWith(`bedrock-api-user-at-${ACCOUNT}:`)).toBe(true);
    const inner = decoded.slice(decoded.indexOf(':') + 1);
    expect(inner).toMatch(/^[A-Za-z0-9+/]{59}=$/);
  });

  it('gives a Bedrock key with no CredentialAgeDays no ExpirationDate', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const { ServiceSpecificCredential: key } = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK }));
    expect('ExpirationDate' in key).toBe(false);
  });

  it('rejects CredentialAgeDays for a password service with InvalidInput, after the user and service checks', async () => {
    const { engine } = setup();
    await expectError(engine.createServiceSpecificCredential({ UserName: 'ghost', ServiceName: CODECOMMIT, CredentialAgeDays: 5 }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name ghost cannot be found.',
    });
    await okOf(engine.createUser({ UserName: 'alice' }));
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT, CredentialAgeDays: 5 }), {
      code: 'InvalidInput',
      httpStatus: 400,
      message: `CredentialAgeDays is only valid for services that support long-term API keys; ${CODECOMMIT} does not.`,
    });
    const listed = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }));
    expect(listed.ServiceSpecificCredentials).toEqual([]);
  });

  it('uses the canonical user name when the request names the user in another case', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'anika' }));
    const created = await okOf(engine.createServiceSpecificCredential({ UserName: 'Anika', ServiceName: CODECOMMIT }));
    expect(created.ServiceSpecificCredential.UserName).toBe('anika');
    expect(created.ServiceSpecificCredential.ServiceUserName).toBe(`anika-at-${ACCOUNT}`);
  });

  it('acts in the account of the request context', async () => {
    const { engine } = setup();
    const other = { accountId: '111111111111' };
    await okOf(engine.createUser({ UserName: 'alice' }, other));
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name alice cannot be found.',
    });
    const created = await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }, other));
    expect(created.ServiceSpecificCredential.ServiceUserName).toBe('alice-at-111111111111');
    const error = await errOf(engine.createUser({ UserName: 'x' }, { accountId: '12' }));
    expect(error.code).toBe('InvalidInput');
    // a number that looks right is still not an account id (it would file state under a key no string request reaches)
    expect((await errOf(engine.createUser({ UserName: 'x' }, { accountId: 123456789012 as never }))).code).toBe('InvalidInput');
  });
});
