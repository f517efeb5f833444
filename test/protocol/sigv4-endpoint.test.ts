import { CreateUserCommand, type IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTHENTICATE_PATH } from '../../src/protocol/query/index.js';
import { type TestServer, parseErrorResponse, startTestServer } from './helpers.js';
import { ACCOUNT_A, SIGNED_ACCOUNT_MAP, describeSignedSdkCases } from './sigv4-sdk-cases.js';
import { KEY_A, type Key, SECRETS, signedClient, signer } from './sigv4-support.js';

/** The server's clock: the system clock, unless a test sets it. */
let serverNow: Date | undefined;
let endpoint: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  endpoint = await startTestServer(
    {},
    {
      accountMap: SIGNED_ACCOUNT_MAP,
      authenticatePath: DEFAULT_AUTHENTICATE_PATH,
      signatures: { secretAccessKeys: SECRETS, now: () => serverNow ?? new Date() },
      log: (line) => logLines.push(line),
    },
  );
  await client(KEY_A).send(new CreateUserCommand({ UserName: 'alice' }));
});
afterAll(async () => {
  await endpoint?.close();
});

const client = (key: Key): IAMClient => signedClient(endpoint.url, key);

/** A raw request signed with the SDK's signer, sent with fetch exactly as signed. */
const sendSigned = async (key: Key, body: string, path = '/', contentType = 'application/x-www-form-urlencoded'): Promise<{ signed: Record<string, string>; res: Response }> => {
  const url = new URL(path, endpoint.url);
  const request = await signer(key).sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    path: url.pathname,
    headers: { host: url.host, 'content-type': contentType },
    body,
  });
  const { host: _host, ...headers } = request.headers;
  return { signed: headers, res: await fetch(url, { method: 'POST', headers, body }) };
};

describeSignedSdkCases('over HTTP', async ({ accountMap, secretAccessKeys }) => {
  const server = await startTestServer({}, { accountMap, signatures: { secretAccessKeys } });
  return { client: (key) => signedClient(server.url, key), close: () => server.close() };
});

describe('--verify-signatures over HTTP, beyond the SDK cases', () => {
  it('refuses an unsigned request with MissingAuthenticationToken', async () => {
    const res = await fetch(endpoint.url, { method: 'POST', body: 'Action=ListUsers&Version=2010-05-08', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
    expect(parseErrorResponse(await res.text())).toMatchObject({ type: 'Sender', code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' });
  });

  it('refuses a captured request replayed with one parameter changed; the unchanged replay is answered as AWS does (no replay cache)', async () => {
    const body = 'Action=CreateUser&UserName=carol&Version=2010-05-08';
    const { signed, res } = await sendSigned(KEY_A, body);
    expect(res.status).toBe(200);
    const changed = await fetch(endpoint.url, { method: 'POST', headers: signed, body: body.replace('carol', 'carla') });
    expect(changed.status).toBe(403);
    expect(parseErrorResponse(await changed.text()).code).toBe('SignatureDoesNotMatch');
    const again = await fetch(endpoint.url, { method: 'POST', headers: signed, body });
    expect(parseErrorResponse(await again.text()).code).toBe('EntityAlreadyExists');
    const users = await client(KEY_A).send(new ListUsersCommand({}));
    expect(users.Users?.map((user) => user.UserName)).toEqual(['alice', 'carol']);
  });

  it('refuses a signed GET whose %2B was replaced by + (it would read a space): SignatureDoesNotMatch, nothing answered for "a b"', async () => {
    await client(KEY_A).send(new CreateUserCommand({ UserName: 'a+b' }));
    const url = new URL(endpoint.url);
    const signed = await signer(KEY_A).sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: '/',
      query: { Action: 'GetUser', UserName: 'a+b', Version: '2010-05-08' },
      headers: { host: url.host },
    });
    const { host: _host, ...headers } = signed.headers;
    const query = 'Action=GetUser&UserName=a%2Bb&Version=2010-05-08';
    const asSigned = await fetch(`${endpoint.url}/?${query}`, { headers });
    expect(asSigned.status).toBe(200);
    expect(await asSigned.text()).toContain('<UserName>a+b</UserName>');
    const tampered = await fetch(`${endpoint.url}/?${query.replace('%2B', '+')}`, { headers });
    expect(tampered.status).toBe(403);
    expect(parseErrorResponse(await tampered.text()).code).toBe('SignatureDoesNotMatch');
  });

  it('serves a presigned GET URL until its expiry by the server clock, then RequestExpired', async () => {
    const signingDate = new Date('2026-11-30T12:00:00Z');
    const url = new URL(endpoint.url);
    const presigned = await signer(KEY_A).presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        path: '/',
        query: { Action: 'GetUser', UserName: 'alice', Version: '2010-05-08' },
        headers: { host: url.host },
      },
      { signingDate, expiresIn: 600 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString().replace(/\+/g, '%20');
    try {
      serverNow = new Date(signingDate.getTime() + 60_000);
      const first = await fetch(`${endpoint.url}/?${query}`);
      expect(first.status).toBe(200);
      expect(await first.text()).toContain(`<Arn>arn:aws:iam::${ACCOUNT_A}:user/alice</Arn>`);
      serverNow = new Date(signingDate.getTime() + 601_000);
      const late = await fetch(`${endpoint.url}/?${query}`);
      expect(late.status).toBe(400);
      expect(parseErrorResponse(await late.text())).toMatchObject({ code: 'RequestExpired', message: 'Request has expired.' });
    } finally {
      serverNow = undefined;
    }
  });
});

describe('--verify-signatures on the endpoint own paths', () => {
  it('the authenticate path needs a signature too, and answers its refusal as JSON', async () => {
    const presented = JSON.stringify({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: 'x-at-111111111111', ServicePassword: 'p' });
    const unsigned = await fetch(`${endpoint.url}${DEFAULT_AUTHENTICATE_PATH}`, { method: 'POST', body: presented, headers: { 'Content-Type': 'application/json' } });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ Code: 'MissingAuthenticationToken', Message: 'Request is missing Authentication Token' });

    const { res } = await sendSigned(KEY_A, presented, DEFAULT_AUTHENTICATE_PATH, 'application/json');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ Code: 'AuthenticationFailed', Message: 'The security token included in the request is invalid.' });

    const wrong = await sendSigned({ ...KEY_A, secretAccessKey: 'nope' }, presented, DEFAULT_AUTHENTICATE_PATH, 'application/json');
    expect(wrong.res.status).toBe(403);
    expect(((await wrong.res.json()) as { Code: string }).Code).toBe('SignatureDoesNotMatch');
  });

  it('every other path under /_iam-service-credentials/ (health, reset, …) is refused unsigned, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/_iam-service-credentials/health'],
      ['POST', '/_iam-service-credentials/reset'],
      ['DELETE', '/_iam-service-credentials/anything'],
    ] as const) {
      const res = await fetch(`${endpoint.url}${path}`, { method });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ Code: 'MissingAuthenticationToken', Message: 'Request is missing Authentication Token' });
    }
  });

  it('logs refusals with the default account, never the account a key id merely claims', () => {
    const refused = logLines.filter((line) => line.includes(' SignatureDoesNotMatch '));
    expect(refused.length).toBeGreaterThan(0);
    for (const line of refused) expect(line).toContain('account=default');
    for (const line of logLines) {
      expect(line).not.toContain(KEY_A.secretAccessKey);
      expect(line).not.toContain('Signature=');
    }
  });
});
