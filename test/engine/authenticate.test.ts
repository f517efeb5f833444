import { describe, expect, it } from 'vitest';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, errOf, okOf, setup } from './support.js';

const prepare = async () => {
  const context = setup();
  const { engine } = context;
  await okOf(engine.createUser({ UserName: 'alice' }));
  const password = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential;
  const apiKey = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 10 })))
    .ServiceSpecificCredential;
  return { ...context, password, apiKey };
};

describe('authenticate (password services)', () => {
  it('accepts the right ServiceUserName and password and names the principal', async () => {
    const { engine, password } = await prepare();
    const principal = await okOf(
      engine.authenticate({
        ServiceName: CODECOMMIT,
        ServiceUserName: password.ServiceUserName as string,
        ServicePassword: password.ServicePassword as string,
      }),
    );
    expect(principal).toEqual({ AccountId: ACCOUNT, UserName: 'alice', ServiceSpecificCredentialId: password.ServiceSpecificCredentialId });
  });

  it('answers every failure with one non-revealing error, the reason only in detail', async () => {
    const { engine, password } = await prepare();
    const attempt = (ServiceName: string, ServiceUserName: string, ServicePassword: string) =>
      errOf(engine.authenticate({ ServiceName, ServiceUserName, ServicePassword }));
    const name = password.ServiceUserName as string;
    const secret = password.ServicePassword as string;
    const failures = [
      await attempt(CODECOMMIT, name, 'wrong'),
      await attempt(CODECOMMIT, `bob-at-${ACCOUNT}`, secret),
      await attempt(CODECOMMIT, name.replace('alice', 'ALICE'), secret),
      await attempt(KEYSPACES, name, secret),
      await attempt(BEDROCK, name, secret),
      await attempt('lambda.amazonaws.com', name, secret),
      await attempt(CODECOMMIT, 'no-account-suffix', secret),
    ];
    for (const failure of failures) {
      expect({ code: failure.code, httpStatus: failure.httpStatus, message: failure.message }).toEqual({
        code: 'AuthenticationFailed',
        httpStatus: 403,
        message: 'The security token included in the request is invalid.',
      });
      expect(JSON.stringify(failure)).not.toContain(secret);
    }
    expect(failures[0]?.detail).toBe('wrong secret');
    expect((await errOf(engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: name, ServicePassword: secret }, { accountId: '999999999999' }))).code).toBe(
      'AuthenticationFailed',
    );
    expect((await errOf(engine.authenticate(null as never))).detail).toBe('malformed request');
  });

  it('refuses an Inactive credential and accepts it again once reactivated', async () => {
    const { engine, password } = await prepare();
    const login = () =>
      engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: password.ServiceUserName as string, ServicePassword: password.ServicePassword as string });
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: password.ServiceSpecificCredentialId, Status: 'Inactive' }));
    expect((await errOf(login())).detail).toBe('credential is Inactive');
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: password.ServiceSpecificCredentialId, Status: 'Active' }));
    await okOf(login());
  });

  it('stops accepting a deleted credential', async () => {
    const { engine, password } = await prepare();
    await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: password.ServiceSpecificCredentialId }));
    const failure = await errOf(
      engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: password.ServiceUserName as string, ServicePassword: password.ServicePassword as string }),
    );
    expect(failure.code).toBe('AuthenticationFailed');
  });
});

describe('authenticateApiKey (Bedrock)', () => {
  it('accepts the key until it expires, then refuses it', async () => {
    const { engine, clock, apiKey } = await prepare();
    const login = () => engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: apiKey.ServiceCredentialSecret as string });
    expect(await okOf(login())).toEqual({ AccountId: ACCOUNT, UserName: 'alice', ServiceSpecificCredentialId: apiKey.ServiceSpecificCredentialId });
    clock.advance(10 * DAY_MS - 1);
    await okOf(login());
    clock.advance(1);
    expect((await errOf(login())).detail).toBe('credential is Expired');
  });

  it('refuses tampered, truncated and foreign keys', async () => {
    const { engine, apiKey } = await prepare();
    const key = apiKey.ServiceCredentialSecret as string;
    const decoded = Buffer.from(key.slice(4), 'base64').toString('utf8');
    const tamperedSecret = `ABSK${Buffer.from(`${decoded.slice(0, -2)}x=`).toString('base64')}`;
    const otherAlias = `ABSK${Buffer.from(decoded.replace('alice', 'bob')).toString('base64')}`;
    for (const ApiKey of [key.slice(0, -4), tamperedSecret, otherAlias, `XXXX${key.slice(4)}`, 'ABSK', 'ABSK!!!!', '']) {
      expect((await errOf(engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey }))).code).toBe('AuthenticationFailed');
    }
    expect((await errOf(engine.authenticateApiKey({ ServiceName: CODECOMMIT, ApiKey: key }))).code).toBe('AuthenticationFailed');
  });
});
