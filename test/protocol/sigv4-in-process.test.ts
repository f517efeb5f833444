import { request as httpRequest } from 'node:http';
import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import type { HttpRequest } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { type QueryServerOptions, createIamRequestHandler } from '../../src/protocol/query/index.js';
import { type TestServer, startTestServer } from './helpers.js';
import { SIGNED_ACCOUNT_MAP, describeSignedSdkCases } from './sigv4-sdk-cases.js';
import { KEY_A, KEY_B, SECRETS, sdkRequest, signedClient } from './sigv4-support.js';

// The SDK cases of signature verification, with no socket: the client's requestHandler verifies and answers in-process.
describeSignedSdkCases('through the in-process request handler', async ({ accountMap, secretAccessKeys }) => {
  const handler = createIamRequestHandler(createCredentialEngine(), { accountMap, signatures: { secretAccessKeys } });
  return { client: (key) => signedClient(handler, key), close: async () => undefined };
});

interface RawAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** Sends a request the SDK made exactly as it made it (its Host header included) to a server listening at `url`. */
const sendAsMade = (url: string, made: HttpRequest): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(url);
    const query = new URLSearchParams(made.query as Record<string, string>).toString();
    const req = httpRequest({ host: '127.0.0.1', port, method: made.method, path: made.path + (query === '' ? '' : `?${query}`), headers: made.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(made.body as string | undefined);
  });

describe('the in-process handler with signatures', () => {
  /** The clock both judge by. */
  let now = new Date();
  const options: QueryServerOptions = { accountMap: SIGNED_ACCOUNT_MAP, signatures: { secretAccessKeys: SECRETS, now: () => now }, requestId: () => 'the-request-id' };
  let endpoint: TestServer;
  beforeAll(async () => {
    endpoint = await startTestServer({}, options);
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it('refuses exactly as the endpoint does: same status, Content-Type and XML, for every kind of refusal', async () => {
    const handler = createIamRequestHandler(createCredentialEngine(), options);
    const wrongSecret = await sdkRequest(new CreateUserCommand({ UserName: 'mallory' }), { ...KEY_A, secretAccessKey: 'wrong-secret' });
    const unknownKey = await sdkRequest(new ListUsersCommand({}), { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' });
    const signed = await sdkRequest(new ListUsersCommand({}), KEY_B);
    const { authorization: _dropped, ...unsignedHeaders } = signed.headers;
    const unsigned = { ...signed, headers: unsignedHeaders };
    const cases = [
      { made: wrongSecret, at: new Date(), code: 'SignatureDoesNotMatch' },
      { made: unknownKey, at: new Date(), code: 'InvalidClientTokenId' },
      { made: unsigned, at: new Date(), code: 'MissingAuthenticationToken' },
      { made: signed, at: new Date(Date.now() + 16 * 60_000), code: 'SignatureDoesNotMatch' },
      { made: { ...signed, headers: { ...signed.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTEAMB' } }, at: new Date(), code: 'IncompleteSignature' },
    ];
    for (const { made, at, code } of cases) {
      now = at;
      const overHttp = await sendAsMade(endpoint.url, made);
      const { response } = await handler.handle(made);
      expect(overHttp.body, code).toContain(`<Code>${code}</Code>`);
      expect({ status: response.statusCode, contentType: response.headers['content-type'], body: new TextDecoder().decode(response.body) }, code).toEqual(overHttp);
    }
  });

  it('a request that verifies acts as its key: its mapped account, and its user where UserName may be omitted', async () => {
    const handler = createIamRequestHandler(createCredentialEngine(), { accountMap: SIGNED_ACCOUNT_MAP, signatures: { secretAccessKeys: SECRETS } });
    const asB = signedClient(handler, KEY_B);
    await asB.send(new CreateUserCommand({ UserName: 'bob' }));
    expect((await asB.send(new GetUserCommand({}))).User?.Arn).toBe('arn:aws:iam::222222222222:user/bob');
  });
});
