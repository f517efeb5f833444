import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createIamRequestHandler } from '../../src/protocol/query/index.js';
import { rejection } from './helpers.js';
import { KEY_A, SECRETS, signedClient } from './sigv4-support.js';

/**
 * Which account a request acts in, as the AWS SDK sees it through the in-process handler: the accountMap entry of the access key that
 * signed it, else the default account. An access key id is any 1 to 128 letters and digits, so a map may hold one spelled "undefined".
 */
const ACCOUNT = '210987654321';

describe('the account a request acts in', () => {
  it('with signatures verified and no accountMap, is the default account for every key that signs', async () => {
    const engine = createCredentialEngine();
    const handler = createIamRequestHandler(engine, { signatures: { secretAccessKeys: SECRETS }, accountId: ACCOUNT });
    await signedClient(handler, KEY_A).send(new CreateUserCommand({ UserName: 'erin' }));
    expect((await engine.getUser({ UserName: 'erin' }, { accountId: ACCOUNT })).isOk()).toBe(true);
  });

  it('of a request that names no access key is the default one, whatever keys the map holds (even one spelled "undefined")', async () => {
    const engine = createCredentialEngine();
    for (const accountMap of [{ undefined: { accountId: ACCOUNT, userName: 'mallory' } }, new Map([['undefined', { accountId: ACCOUNT, userName: 'mallory' }]])]) {
      const handler = createIamRequestHandler(engine, { accountMap });
      const unsigned = await handler.handle({ method: 'POST', path: '/', headers: {}, body: 'Action=GetUser&Version=2010-05-08' });
      // No caller: GetUser without a UserName is refused, in the default account.
      expect(unsigned.response.statusCode).toBe(400);
      const created = await handler.handle({ method: 'POST', path: '/', headers: {}, body: 'Action=CreateUser&Version=2010-05-08&UserName=frank' });
      expect(created.response.statusCode).toBe(200);
      expect((await engine.getUser({ UserName: 'frank' })).isOk()).toBe(true);
      expect((await engine.getUser({ UserName: 'frank' }, { accountId: ACCOUNT })).isErr()).toBe(true);
      await engine.deleteUser({ UserName: 'frank' });
    }
    // The key named "undefined" is a key like any other when a request is signed with it.
    const handler = createIamRequestHandler(engine, { accountMap: { undefined: { accountId: ACCOUNT, userName: 'mallory' } } });
    await engine.createUser({ UserName: 'mallory' }, { accountId: ACCOUNT });
    const self = await signedClient(handler, { accessKeyId: 'undefined', secretAccessKey: 'x' }).send(new GetUserCommand({}));
    expect(self.User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/mallory`);
    expect((await rejection(signedClient(handler, KEY_A).send(new GetUserCommand({})))).name).toBe('ValidationError');
  });
});
