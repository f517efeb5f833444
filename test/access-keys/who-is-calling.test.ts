import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { callerPrincipal } from '../../src/app/engine-dependencies.js';
import { type CredentialEngine, createCredentialEngine, type RequestContext } from '../../src/index.js';
import { createIamRequestHandler } from '../../src/protocol/query/index.js';
import { startTestServer } from '../protocol/helpers.js';
import { type Key, signedClient } from '../protocol/sigv4-support.js';

const ROOT: Key = { accessKeyId: 'AKIDROOTWHO', secretAccessKey: 'root-secret-who-is-calling-000000000000' };
const ALICE: Key = { accessKeyId: 'AKIDALICEWHO', secretAccessKey: 'alice-secret-who-is-calling-00000000000' };
const accountMap = { [ROOT.accessKeyId]: { accountId: '111111111111' }, [ALICE.accessKeyId]: { accountId: '111111111111', userName: 'alice' } };
const secretAccessKeys = { [ROOT.accessKeyId]: ROOT.secretAccessKey, [ALICE.accessKeyId]: ALICE.secretAccessKey };

/** The engine, recording the context of every GetUser. */
const recording = (): { engine: CredentialEngine; contexts: (RequestContext | undefined)[] } => {
  const inner = createCredentialEngine({ accountId: '111111111111' });
  const contexts: (RequestContext | undefined)[] = [];
  return {
    contexts,
    engine: {
      ...inner,
      getUser: (request, ctx) => {
        contexts.push(ctx);
        return inner.getUser(request, ctx);
      },
    },
  };
};

const scenario = async (where: Parameters<typeof signedClient>[0], contexts: (RequestContext | undefined)[]) => {
  const root = signedClient(where, ROOT);
  await root.send(new CreateUserCommand({ UserName: 'alice' }));
  await root.send(new CreateUserCommand({ UserName: 'bob' }));
  const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
  const bob = signedClient(where, { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' });
  await root.send(new GetUserCommand({ UserName: 'alice' }));
  await signedClient(where, ALICE).send(new GetUserCommand({}));
  const bobsUser = await bob.send(new GetUserCommand({}));
  expect(contexts).toEqual([
    { accountId: '111111111111', principal: { kind: 'root', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root' } },
    {
      accountId: '111111111111',
      callerUserName: 'alice',
      principal: { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userName: 'alice' },
    },
    {
      accountId: '111111111111',
      callerUserName: 'bob',
      principal: { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/bob', userName: 'bob', userId: bobsUser.User?.UserId },
    },
  ]);
};

describe('who is calling', () => {
  it('in-process: a key mapped to an account alone is its root, ACCOUNT:USER and an issued key are that user', async () => {
    const { engine, contexts } = recording();
    await scenario(createIamRequestHandler(engine, { accountMap, signatures: { secretAccessKeys } }), contexts);
  });

  it('over HTTP, the same', async () => {
    const { engine, contexts } = recording();
    const server = await startTestServer({}, { accountMap, signatures: { secretAccessKeys } });
    // The test server builds its own engine: serve the recording one instead.
    server.server.removeAllListeners('request');
    const { createQueryRequestListener } = await import('../../src/protocol/http/index.js');
    server.server.on('request', createQueryRequestListener(engine, { accountMap, signatures: { secretAccessKeys } }));
    try {
      await scenario(server.url, contexts);
    } finally {
      await server.close();
    }
  });

  it('callerPrincipal: the context’s principal, else the user callerUserName names, else the account’s root', () => {
    const given = { kind: 'user', accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/x/carol', userName: 'carol', userId: 'AIDAX' } as const;
    expect(callerPrincipal('111111111111', { principal: given, callerUserName: 'dave' })).toBe(given);
    expect(callerPrincipal('111111111111', { callerUserName: 'dave' })).toEqual({
      kind: 'user',
      accountId: '111111111111',
      arn: 'arn:aws:iam::111111111111:user/dave',
      userName: 'dave',
    });
    expect(callerPrincipal('111111111111', undefined)).toEqual({ kind: 'root', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root' });
  });
});
