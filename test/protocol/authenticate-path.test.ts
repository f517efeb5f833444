import { CreateServiceSpecificCredentialCommand, CreateUserCommand, UpdateServiceSpecificCredentialCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTHENTICATE_PATH } from '../../src/protocol/query/index.js';
import { type TestServer, iamClient, parseErrorResponse, startTestServer } from './helpers.js';

let endpoint: TestServer;
let plain: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  endpoint = await startTestServer({}, { authenticatePath: DEFAULT_AUTHENTICATE_PATH, log: (line) => logLines.push(line) });
  plain = await startTestServer();
});
afterAll(async () => {
  await endpoint?.close();
  await plain?.close();
});

const authenticate = async (server: TestServer, body: string): Promise<{ status: number; json: unknown; text: string }> => {
  const res = await fetch(`${server.url}${DEFAULT_AUTHENTICATE_PATH}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
};

const FAILED = { Code: 'AuthenticationFailed', Message: 'The security token included in the request is invalid.' };

describe('the opt-in authenticate path (not an AWS API)', () => {
  it('verifies a CodeCommit password and a Bedrock API key issued through the SDK, and never logs them', async () => {
    const iam = iamClient(endpoint.url);
    try {
      await iam.send(new CreateUserCommand({ UserName: 'git-user' }));
      const password = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'git-user', ServiceName: 'codecommit.amazonaws.com' })))
        .ServiceSpecificCredential;
      const key = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'git-user', ServiceName: 'bedrock.amazonaws.com' })))
        .ServiceSpecificCredential;

      const presented = {
        ServiceName: 'codecommit.amazonaws.com',
        ServiceUserName: password?.ServiceUserName,
        ServicePassword: password?.ServicePassword,
      };
      expect(await authenticate(endpoint, JSON.stringify(presented))).toMatchObject({
        status: 200,
        json: { AccountId: '123456789012', UserName: 'git-user', ServiceSpecificCredentialId: password?.ServiceSpecificCredentialId },
      });
      expect(
        await authenticate(endpoint, JSON.stringify({ ServiceName: 'bedrock.amazonaws.com', ApiKey: key?.ServiceCredentialSecret })),
      ).toMatchObject({ status: 200, json: { UserName: 'git-user', ServiceSpecificCredentialId: key?.ServiceSpecificCredentialId } });

      // One answer for every failure: wrong secret, inactive credential, malformed JSON.
      expect(await authenticate(endpoint, JSON.stringify({ ...presented, ServicePassword: 'wrong' }))).toMatchObject({ status: 403, json: FAILED });
      await iam.send(
        new UpdateServiceSpecificCredentialCommand({
          UserName: 'git-user',
          ServiceSpecificCredentialId: password?.ServiceSpecificCredentialId,
          Status: 'Inactive',
        }),
      );
      expect(await authenticate(endpoint, JSON.stringify(presented))).toMatchObject({ status: 403, json: FAILED });
      expect(await authenticate(endpoint, '{not json')).toMatchObject({ status: 403, json: FAILED });

      const log = logLines.join('\n');
      expect(logLines.filter((line) => line.includes(` POST ${DEFAULT_AUTHENTICATE_PATH} `))).toHaveLength(5);
      expect(log).not.toContain(password?.ServicePassword ?? '<none>');
      expect(log).not.toContain(key?.ServiceCredentialSecret ?? '<none>');
    } finally {
      iam.destroy();
    }
  });

  it('is off by default: the path is then an ordinary Query endpoint', async () => {
    const answer = await authenticate(plain, JSON.stringify({ ServiceName: 'codecommit.amazonaws.com' }));
    expect(answer.status).toBe(400);
    expect(parseErrorResponse(answer.text).code).toBe('InvalidQueryParameter');
  });
});

describe('an embedder engine that throws', () => {
  it('is answered 500 ServiceFailure on the authenticate path, with a log line, not a dropped connection', async () => {
    const lines: string[] = [];
    const { createQueryServer } = await import('../../src/protocol/query/index.js');
    const { createCredentialEngine } = await import('../../src/index.js');
    const throwing = {
      ...createCredentialEngine(),
      authenticate: () => {
        throw new Error('embedder bug');
      },
    };
    const server = createQueryServer(throwing, { authenticatePath: DEFAULT_AUTHENTICATE_PATH, log: (line) => lines.push(line) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}${DEFAULT_AUTHENTICATE_PATH}`, {
        method: 'POST',
        body: JSON.stringify({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: 'a-at-123456789012', ServicePassword: 'x' }),
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        Code: 'ServiceFailure',
        Message: 'The request processing has failed because of an unknown error, exception or failure.',
      });
      expect(lines.some((line) => line.includes('authenticate') && line.includes('500'))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
