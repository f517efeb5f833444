import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, BEDROCK, CODECOMMIT, KEYSPACES, errOf, okOf, setup } from './support.js';

const OTHER_ACCOUNT = '210987654321';

/** alice in the default account and carol in another, each with a CodeCommit password and a Bedrock key. */
const prepare = async () => {
  const context = setup();
  const { engine } = context;
  const issue = async (UserName: string, accountId: string) => {
    await okOf(engine.createUser({ UserName }, { accountId }));
    const password = (await okOf(engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT }, { accountId }))).ServiceSpecificCredential;
    const key = (await okOf(engine.createServiceSpecificCredential({ UserName, ServiceName: BEDROCK }, { accountId }))).ServiceSpecificCredential;
    return {
      login: { ServiceName: CODECOMMIT, ServiceUserName: password.ServiceUserName as string, ServicePassword: password.ServicePassword as string },
      apiKey: { ServiceName: BEDROCK, ApiKey: key.ServiceCredentialSecret as string },
      principal: (credential: typeof password) => ({ AccountId: accountId, UserName, ServiceSpecificCredentialId: credential.ServiceSpecificCredentialId }),
      password,
      key,
    };
  };
  return { ...context, alice: await issue('alice', ACCOUNT), carol: await issue('carol', OTHER_ACCOUNT) };
};

describe('authenticate: which account a presented credential may act in', () => {
  it('the account a ServiceUserName or alias names; a context account admits only that account, null or absent admits any', async () => {
    const { engine, alice, carol } = await prepare();
    for (const { login, apiKey, principal, password, key } of [alice, carol]) {
      const account = principal(password).AccountId;
      const other = account === ACCOUNT ? OTHER_ACCOUNT : ACCOUNT;
      for (const ctx of [undefined, {}, { accountId: account }, { accountId: null as unknown as string }]) {
        expect(await okOf(engine.authenticate(login, ctx))).toEqual(principal(password));
        expect(await okOf(engine.authenticateApiKey(apiKey, ctx))).toEqual(principal(key));
      }
      expect((await errOf(engine.authenticate(login, { accountId: other }))).detail).toBe('unknown service user name');
      expect((await errOf(engine.authenticateApiKey(apiKey, { accountId: other }))).detail).toBe('unknown service user name');
    }
  });

  it('a name that differs from the issued one only in case is no name of ours, even with the right secret', async () => {
    const { engine, alice } = await prepare();
    const { login, apiKey } = alice;
    const upper = { ...login, ServiceUserName: login.ServiceUserName.replace('alice', 'Alice') };
    expect((await errOf(engine.authenticate(upper))).detail).toBe('unknown service user name');
    const decoded = Buffer.from(apiKey.ApiKey.slice(4), 'base64').toString('utf8');
    const upperKey = `ABSK${Buffer.from(decoded.replace('alice', 'ALICE')).toString('base64')}`;
    expect((await errOf(engine.authenticateApiKey({ ...apiKey, ApiKey: upperKey }))).detail).toBe('unknown service user name');
  });
});

describe('authenticate: malformed requests are refused before anything is looked up', () => {
  it('every member must be a string; otherwise the one AuthenticationFailed, detail "malformed request"', async () => {
    const { engine, alice } = await prepare();
    const notString = fc.constantFrom<unknown>(undefined, null, 7, true, {}, ['x'], Symbol.for('x'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ServiceName', 'ServiceUserName', 'ServicePassword'), notString, async (member, value) => {
        const failure = await errOf(engine.authenticate({ ...alice.login, [member]: value } as never));
        expect(failure).toMatchObject({ code: 'AuthenticationFailed', httpStatus: 403, detail: 'malformed request' });
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ServiceName', 'ApiKey'), notString, async (member, value) => {
        const failure = await errOf(engine.authenticateApiKey({ ...alice.apiKey, [member]: value } as never));
        expect(failure).toMatchObject({ code: 'AuthenticationFailed', httpStatus: 403, detail: 'malformed request' });
      }),
      { numRuns: 30 },
    );
    for (const request of [undefined, null]) {
      expect((await errOf(engine.authenticate(request as never))).detail).toBe('malformed request');
      expect((await errOf(engine.authenticateApiKey(request as never))).detail).toBe('malformed request');
    }
  });

  it('a password goes only to a password service and an API key only to an API-key service', async () => {
    const { engine, alice } = await prepare();
    for (const ServiceName of [BEDROCK, 'lambda.amazonaws.com', 'constructor']) {
      expect((await errOf(engine.authenticate({ ...alice.login, ServiceName }))).detail).toBe('not a password service');
    }
    for (const ServiceName of [CODECOMMIT, KEYSPACES, 'lambda.amazonaws.com', 'constructor']) {
      expect((await errOf(engine.authenticateApiKey({ ...alice.apiKey, ServiceName }))).detail).toBe('not an API-key service');
    }
    // A password service's own credential only: CodeCommit's password does not open Keyspaces.
    expect((await errOf(engine.authenticate({ ...alice.login, ServiceName: KEYSPACES }))).detail).toBe('unknown service user name');
    expect((await errOf(engine.authenticateApiKey({ ...alice.apiKey, ApiKey: `${alice.apiKey.ApiKey}=` }))).detail).toBe('malformed API key');
  });
});
