import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
  LimitExceededException,
  ListServiceSpecificCredentialsCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createIamRequestHandler } from '../../src/protocol/query/index.js';
import type { IamRequestHandlerOptions } from '../../src/protocol/query/index.js';
import { describeSdkCases } from './sdk-cases.js';
import { UUID, rejection } from './helpers.js';

const inProcessClient = (handler: ReturnType<typeof createIamRequestHandler>, accessKeyId = 'AKIDEXAMPLE'): IAMClient =>
  new IAMClient({
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'not-checked' },
    requestHandler: handler,
    maxAttempts: 1,
  });

// The same SDK cases as over HTTP (sdk-endpoint.test.ts), with no socket: the client's requestHandler answers in-process.
describeSdkCases(async (engineOptions, options) => {
  const engine = createCredentialEngine(engineOptions);
  const handlerOptions: IamRequestHandlerOptions = options.accountMap === undefined ? {} : { accountMap: options.accountMap };
  const handler = createIamRequestHandler(engine, handlerOptions);
  return { client: (accessKeyId) => inProcessClient(handler, accessKeyId), engine, close: async () => undefined };
});

describe('createIamRequestHandler', () => {
  it('gives the SDK its own exception classes and $metadata, with no server', async () => {
    const engine = createCredentialEngine();
    const iam = inProcessClient(createIamRequestHandler(engine));
    await iam.send(new CreateUserCommand({ UserName: 'quota' }));
    for (let n = 0; n < 2; n += 1) {
      await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota', ServiceName: 'codecommit.amazonaws.com' }));
    }
    const error = await rejection(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota', ServiceName: 'codecommit.amazonaws.com' })));
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.$metadata.requestId).toMatch(UUID);
  });

  it('keeps the quota under a concurrent burst of Creates through one client', async () => {
    const engine = createCredentialEngine();
    const iam = inProcessClient(createIamRequestHandler(engine));
    await iam.send(new CreateUserCommand({ UserName: 'burst' }));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'burst', ServiceName: 'cassandra.amazonaws.com' })),
      ),
    );
    const created = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(created).toHaveLength(2);
    expect(refused).toHaveLength(18);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(LimitExceededException);
    const names = created.map((outcome) => outcome.value.ServiceSpecificCredential?.ServiceUserName).sort();
    expect(names).toEqual(['burst+1-at-123456789012', 'burst-at-123456789012']);
    const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'burst' }));
    expect(listed.ServiceSpecificCredentials).toHaveLength(2);
  });

  it('uses the accountId option for unmapped keys and the request id generator it is given', async () => {
    const engine = createCredentialEngine();
    const iam = inProcessClient(createIamRequestHandler(engine, { accountId: '222222222222', requestId: () => 'fixed-request-id' }));
    const created = await iam.send(new CreateUserCommand({ UserName: 'there' }));
    expect(created.User?.Arn).toBe('arn:aws:iam::222222222222:user/there');
    expect(created.$metadata.requestId).toBe('fixed-request-id');
  });

  it('refuses a request whose abort signal has fired, and a method the Query protocol does not take', async () => {
    const handler = createIamRequestHandler(createCredentialEngine());
    const request = { method: 'POST', path: '/', headers: {}, body: 'Action=ListUsers&Version=2010-05-08' };
    await expect(handler.handle(request, { abortSignal: { aborted: true } })).rejects.toMatchObject({ name: 'AbortError' });
    const put = await handler.handle({ ...request, method: 'PUT' });
    expect(put.response.statusCode).toBe(405);
    const ok = await handler.handle(request);
    expect(ok.response.statusCode).toBe(200);
    expect(ok.response.headers['content-type']).toBe('text/xml');
    expect(new TextDecoder().decode(ok.response.body)).toContain('<ListUsersResponse');
  });
});
