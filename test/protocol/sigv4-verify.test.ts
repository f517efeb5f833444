import { CreateUserCommand } from '@aws-sdk/client-iam';
import type { HttpRequest } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SignedRequest, verifySignature } from '../../src/protocol/sigv4/verify-signature.js';
import { KEY_A, KEY_B, type Key, SECRETS, asReceived, sdkRequest, signer } from './sigv4-support.js';

const NOW = new Date('2026-11-30T12:00:00Z');

/** A request with something in every part: a path, a query string, signed headers and a body. */
const unsigned = (): HttpRequest => ({
  method: 'POST',
  protocol: 'http:',
  hostname: '127.0.0.1',
  path: '/iam/v1/',
  query: { Action: 'CreateUser', Version: '2010-05-08', Tag: 'a b/c~d' },
  headers: { host: '127.0.0.1:4599', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'UserName=alice&Path=%2Fteam%2F',
});

const signedRequest = async (key: Key = KEY_A, at = NOW): Promise<SignedRequest> =>
  asReceived(await signer(key).sign(unsigned(), { signingDate: at }), NOW);

const refusal = async (request: SignedRequest): Promise<{ code: string; httpStatus: number; message: string; type: string }> => {
  const outcome = await verifySignature(request, SECRETS);
  if (outcome.isOk()) throw new Error('expected a refusal');
  return outcome.error;
};

describe('verifySignature', () => {
  it('accepts a request signed by a configured key, and names the key', async () => {
    expect((await verifySignature(await signedRequest(), SECRETS))._unsafeUnwrap()).toEqual({ accessKeyId: 'AKIDTEAMA' });
    expect((await verifySignature(await signedRequest(KEY_B), SECRETS))._unsafeUnwrap()).toEqual({ accessKeyId: 'AKIDTEAMB' });
  });

  it('accepts what the real SDK sends', async () => {
    const request = asReceived(await sdkRequest(new CreateUserCommand({ UserName: 'alice' }), KEY_A), new Date());
    expect((await verifySignature(request, SECRETS))._unsafeUnwrap()).toEqual({ accessKeyId: 'AKIDTEAMA' });
  });

  it('refuses an unsigned request: MissingAuthenticationToken 403', async () => {
    const { headers } = await signedRequest();
    const unsignedHeaders = Object.fromEntries(Object.entries(headers as Record<string, string>).filter(([name]) => name !== 'authorization'));
    expect(await refusal({ ...(await signedRequest()), headers: unsignedHeaders })).toEqual({
      code: 'MissingAuthenticationToken',
      httpStatus: 403,
      type: 'Sender',
      message: 'Request is missing Authentication Token',
    });
  });

  it('refuses an unknown key, and any session token: InvalidClientTokenId 403', async () => {
    const stranger = { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' };
    const expected = { code: 'InvalidClientTokenId', httpStatus: 403, type: 'Sender', message: 'The security token included in the request is invalid.' };
    expect(await refusal(await signedRequest(stranger))).toEqual(expected);
    const withToken = asReceived(
      await signer({ ...KEY_A, sessionToken: 'FwoGZXIvYXdzEXAMPLE' } as typeof KEY_A).sign(unsigned(), { signingDate: NOW }),
      NOW,
    );
    expect(await refusal(withToken)).toEqual(expected);
  });

  it('refuses a wrong secret: SignatureDoesNotMatch 403 with the canonical request and string to sign', async () => {
    const error = await refusal(await signedRequest({ accessKeyId: KEY_A.accessKeyId, secretAccessKey: 'wrong' }));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 403, type: 'Sender' });
    expect(error.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/iam\/v1\/\nAction=CreateUser&Tag=a%20b%2Fc~d&Version=2010-05-08\ncontent-type:application\/x-www-form-urlencoded; charset=utf-8\nhost:127\.0\.0\.1:4599\nx-amz-content-sha256:[0-9a-f]{64}\nx-amz-date:20261130T120000Z\n\ncontent-type;host;x-amz-content-sha256;x-amz-date\n[0-9a-f]{64}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261130T120000Z\n20261130\/us-east-1\/iam\/aws4_request\n[0-9a-f]{64}'\n$/,
    );
    expect(error.message).not.toContain(KEY_A.secretAccessKey);
  });

  it('refuses a request outside the 15-minute window, either way, with AWS texts', async () => {
    const old = await refusal(await signedRequest(KEY_A, new Date(NOW.getTime() - 15 * 60_000 - 1000)));
    expect(old).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 403 });
    expect(old.message).toBe('Signature expired: 20261130T114459Z is now earlier than 20261130T114500Z (20261130T120000Z - 15 min.)');
    const future = await refusal(await signedRequest(KEY_A, new Date(NOW.getTime() + 15 * 60_000 + 1000)));
    expect(future.message).toBe('Signature not yet current: 20261130T121501Z is still later than 20261130T121500Z (20261130T120000Z + 15 min.)');
    // The edges are inside the window.
    expect((await verifySignature(await signedRequest(KEY_A, new Date(NOW.getTime() - 15 * 60_000)), SECRETS)).isOk()).toBe(true);
    expect((await verifySignature(await signedRequest(KEY_A, new Date(NOW.getTime() + 15 * 60_000)), SECRETS)).isOk()).toBe(true);
  });

  it('refuses a malformed Authorization header: IncompleteSignature 400', async () => {
    const request = await signedRequest();
    const malformed = await refusal({ ...request, headers: { ...(request.headers as Record<string, string>), authorization: 'AWS4-HMAC-SHA256 Credential=ABCDEF' } });
    expect(malformed).toEqual({
      code: 'IncompleteSignature',
      httpStatus: 400,
      type: 'Sender',
      message: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
    });
    const headers = { ...(request.headers as Record<string, string>) };
    delete headers['x-amz-date'];
    expect((await refusal({ ...request, headers })).message).toMatch(/^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\./);
    const shortScope = (request.headers as Record<string, string>)['authorization']!.replace('/us-east-1/iam/aws4_request', '/iam');
    expect(await refusal({ ...request, headers: { ...(request.headers as Record<string, string>), authorization: shortScope } })).toMatchObject({
      code: 'IncompleteSignature',
      message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDTEAMA/20261130/iam'",
    });
  });

  it('refuses a credential scoped to another service', async () => {
    const request = asReceived(await signer(KEY_A, 'us-east-1', 'sts').sign(unsigned(), { signingDate: NOW }), NOW);
    expect(await refusal(request)).toMatchObject({ code: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'iam'. " });
  });

  it('accepts any region (IAM is global; clients sign with the region they are configured with)', async () => {
    const request = asReceived(await signer(KEY_A, 'eu-west-3').sign(unsigned(), { signingDate: NOW }), NOW);
    expect((await verifySignature(request, SECRETS)).isOk()).toBe(true);
  });

  it('refuses a signed x-amz-content-sha256 that is not the hash of the body received', async () => {
    const request = await signedRequest();
    // Same signature, same claimed hash, another body: the claim must not stand in for the body.
    expect(await refusal({ ...request, body: 'UserName=mallory&Path=%2Fteam%2F' })).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('presigned requests (X-Amz-* query parameters)', () => {
  const presigned = async (expiresIn: number, key: Key = KEY_A): Promise<HttpRequest> =>
    signer(key).presign({ ...unsigned(), method: 'GET', body: undefined }, { signingDate: NOW, expiresIn });

  it('works until X-Amz-Date + X-Amz-Expires, then RequestExpired 400', async () => {
    const url = await presigned(300);
    expect((await verifySignature(asReceived(url, new Date(NOW.getTime() + 300_000)), SECRETS)).isOk()).toBe(true);
    expect(await refusal(asReceived(url, new Date(NOW.getTime() + 301_000)))).toEqual({
      code: 'RequestExpired',
      httpStatus: 400,
      type: 'Sender',
      message: 'Request has expired.',
    });
  });

  it('refuses one signed too far in the future, a missing parameter, and a wrong key', async () => {
    const url = await presigned(300);
    expect((await refusal(asReceived(url, new Date(NOW.getTime() - 16 * 60_000)))).message).toMatch(/^Signature not yet current: /);
    const { ['X-Amz-SignedHeaders']: _dropped, ...rest } = url.query ?? {};
    expect(await refusal(asReceived({ ...url, query: rest }, NOW))).toMatchObject({ code: 'IncompleteSignature' });
    const forged = await signer({ accessKeyId: KEY_A.accessKeyId, secretAccessKey: 'guess' }).presign({ ...unsigned(), method: 'GET', body: undefined }, { signingDate: NOW, expiresIn: 300 });
    expect(await refusal(asReceived(forged, NOW))).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

/** The request as SigV4 reads it: what a change must alter to be a change at all. */
const normalisedPath = (path: string): string => {
  const absolute = path.startsWith('/') ? path : `/${path}`;
  const segments: string[] = [];
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}${segments.length > 0 && absolute.endsWith('/') ? '/' : ''}`;
};
const decodedQuery = (query: string): string => {
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return `\u0000raw:${text}`;
    }
  };
  return JSON.stringify(
    query
      .split('&')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const equals = segment.indexOf('=');
        return equals === -1 ? [decode(segment), ''] : [decode(segment.slice(0, equals)), decode(segment.slice(equals + 1))];
      })
      .sort(),
  );
};

const change = (text: string, at: number, byte: number): string => `${text.slice(0, at)}${String.fromCharCode(byte)}${text.slice(at + 1)}`;

describe('property: any single-byte change to a signed request is refused', () => {
  it('method, path, query string, a signed header value and the body', async () => {
    const original = await signedRequest();
    const headers = original.headers as Record<string, string>;
    const signedNames = /SignedHeaders=([^,]+)/.exec(headers['authorization']!)![1]!.split(';');
    const body = String(original.body);
    const parts = ['method', 'path', 'query', 'header', 'body'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parts),
        fc.constantFrom(...signedNames),
        fc.nat(),
        fc.integer({ min: 0x21, max: 0x7e }),
        async (part, headerName, position, byte) => {
          let mutated: SignedRequest;
          let sameMeaning = false;
          if (part === 'method') {
            const at = position % original.method.length;
            fc.pre(original.method.charCodeAt(at) !== byte);
            mutated = { ...original, method: change(original.method, at, byte) };
          } else if (part === 'path') {
            const at = position % original.path.length;
            fc.pre(original.path.charCodeAt(at) !== byte);
            mutated = { ...original, path: change(original.path, at, byte) };
            sameMeaning = normalisedPath(mutated.path) === normalisedPath(original.path);
          } else if (part === 'query') {
            const at = position % original.queryString.length;
            fc.pre(original.queryString.charCodeAt(at) !== byte);
            mutated = { ...original, queryString: change(original.queryString, at, byte) };
            // `%2F` and `%2f` are one character: a change SigV4's canonical form undoes is no change.
            sameMeaning = decodedQuery(mutated.queryString) === decodedQuery(original.queryString);
          } else if (part === 'header') {
            const value = headers[headerName]!;
            const at = position % value.length;
            fc.pre(value.charCodeAt(at) !== byte);
            mutated = { ...original, headers: { ...headers, [headerName]: change(value, at, byte) } };
          } else {
            const at = position % body.length;
            fc.pre(body.charCodeAt(at) !== byte);
            mutated = { ...original, body: change(body, at, byte) };
          }
          const outcome = await verifySignature(mutated, SECRETS);
          expect(outcome.isOk()).toBe(sameMeaning);
          if (outcome.isErr()) expect(['SignatureDoesNotMatch', 'IncompleteSignature', 'InvalidClientTokenId']).toContain(outcome.error.code);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the Signature itself, byte by byte', async () => {
    const original = await signedRequest();
    const headers = original.headers as Record<string, string>;
    const authorization = headers['authorization']!;
    const start = authorization.indexOf('Signature=') + 'Signature='.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: start, max: authorization.length - 1 }), fc.constantFrom(...'0123456789abcdefABCDEF'), async (at, digit) => {
        fc.pre(authorization[at] !== digit);
        const outcome = await verifySignature({ ...original, headers: { ...headers, authorization: change(authorization, at, digit.charCodeAt(0)) } }, SECRETS);
        expect(outcome._unsafeUnwrapErr().code).toBe('SignatureDoesNotMatch');
      }),
      { numRuns: 100 },
    );
  });
});

describe('verifySignature: the less common refusals', () => {
  const withHeaders = (request: SignedRequest, change: (headers: Record<string, string>) => void): SignedRequest => {
    const headers = { ...(request.headers as Record<string, string>) };
    change(headers);
    return { ...request, headers };
  };

  it('refuses a request dated only by Date (no SDK sends one for IAM)', async () => {
    const request = withHeaders(await signedRequest(), (headers) => {
      delete headers['x-amz-date'];
      headers['date'] = 'Mon, 30 Nov 2026 12:00:00 GMT';
    });
    expect(await refusal(request)).toMatchObject({ code: 'IncompleteSignature', message: `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"` });
  });

  it('refuses SignedHeaders without host, a bad terminator and a scope date other than X-Amz-Date', async () => {
    const request = await signedRequest();
    const authorization = (request.headers as Record<string, string>)['authorization']!;
    const noHost = withHeaders(request, (headers) => (headers['authorization'] = authorization.replace(';host;', ';')));
    expect(await refusal(noHost)).toMatchObject({ code: 'IncompleteSignature', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." });
    const terminator = withHeaders(request, (headers) => (headers['authorization'] = authorization.replace('aws4_request', 'aws5_request')));
    expect(await refusal(terminator)).toMatchObject({ code: 'SignatureDoesNotMatch', message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " });
    const otherDay = withHeaders(request, (headers) => (headers['authorization'] = authorization.replace('/20261130/', '/20261129/')));
    expect(await refusal(otherDay)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261129' != '20261130', from '20261130T120000Z'.",
    });
  });

  it('checks the key before the time window, and the form before the key', async () => {
    const stale = await signedRequest({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }, new Date(NOW.getTime() - 3_600_000));
    expect((await refusal(stale)).code).toBe('InvalidClientTokenId');
    const malformed = withHeaders(stale, (headers) => (headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=AKIDNOBODY/x'));
    expect((await refusal(malformed)).code).toBe('IncompleteSignature');
  });
});

describe('property: malformed signing material is always one of IAM refusals, never a crash', () => {
  const pieces = [
    'AWS4-HMAC-SHA256', ' ', ',', '=', '/', ';', 'Credential=', 'SignedHeaders=', 'Signature=', 'AKIDTEAMA', 'AKIDNOBODY', '20261130',
    'us-east-1', 'iam', 'sts', 'aws4_request', 'host', 'x-amz-date', 'abc123', '%', '%2F', '\u00e9', '\n',
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 16 }).map((parts) => parts.join(''));
  const queryPieces = ['X-Amz-Algorithm=', 'X-Amz-Credential=', 'X-Amz-Date=', 'X-Amz-Expires=', 'X-Amz-SignedHeaders=', 'X-Amz-Signature=', '&', 'AWS4-HMAC-SHA256', 'AKIDTEAMA%2F20261130%2Fus-east-1%2Fiam%2Faws4_request', '20261130T120000Z', '300', '9999999', 'host', '%ZZ', 'Action=GetUser'];
  const query = fc.array(fc.constantFrom(...queryPieces), { maxLength: 14 }).map((parts) => parts.join(''));

  it('answers every combination with a Sender error of the five codes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(text, { nil: undefined }), query, fc.option(fc.constantFrom('20261130T120000Z', 'yesterday', ''), { nil: undefined }), async (authorization, queryString, amzDate) => {
        const headers: Record<string, string> = { host: '127.0.0.1:4599' };
        if (authorization !== undefined) headers['authorization'] = authorization;
        if (amzDate !== undefined) headers['x-amz-date'] = amzDate;
        const outcome = await verifySignature({ method: 'GET', path: '/', queryString, headers, body: '', now: NOW }, SECRETS);
        expect(outcome.isErr()).toBe(true);
        if (outcome.isErr()) {
          expect(['MissingAuthenticationToken', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature', 'RequestExpired']).toContain(outcome.error.code);
          expect(outcome.error.type).toBe('Sender');
        }
      }),
      { numRuns: 500 },
    );
  });
});
