import { buildQueryString } from '@smithy/core/protocols';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine, createManualClock, createSeededRandom } from '../../src/index.js';
import { createIamRequestHandler, handleQueryRequest, type SdkHttpRequest } from '../../src/protocol/query/index.js';

/**
 * The in-process handler answers a request exactly as the endpoint answers the bytes the SDK's own HTTP handlers would send for it:
 * the query string as `buildQueryString` (@smithy/core) writes it, the body as the SDK serialized it (text, bytes or a stream).
 */
const REQUEST_ID = 'fixed-request-id';
const requestId = () => REQUEST_ID;
const decoder = new TextDecoder();
/** The two sides each get a fresh engine with the same clock and random source, so a created user's id and date agree. */
const freshEngine = () => createCredentialEngine({ clock: createManualClock(new Date('2026-01-01T00:00:00Z')), random: createSeededRandom('handler') });

const viaHandler = async (request: SdkHttpRequest) => {
  const { response } = await createIamRequestHandler(freshEngine(), { requestId }).handle(request);
  return { status: response.statusCode, body: decoder.decode(response.body), headers: response.headers };
};

const viaEndpoint = async (queryString: string, body: string | Uint8Array) => {
  const answer = await handleQueryRequest(freshEngine(), { body, queryString, headers: {} }, { requestId });
  return { status: answer.status, body: answer.body };
};

/** Names and values with characters every escaping scheme treats differently: RFC 3986's !'()*, spaces, &=+, non-ASCII. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '!', "'", '(', ')', '*', '&', '=', '+', '%', '/', '~', 'é', '\u{1F600}'), maxLength: 8 });

describe('createIamRequestHandler answers as the endpoint answers the same request on the wire', () => {
  it('reads the query string exactly as the SDK writes it: names sorted, RFC 3986 escaping, a value-less name bare, repeated values', async () => {
    const query = fc.record(
      {
        Action: fc.oneof(fc.constantFrom('ListUsers', 'GetUser', 'CreateUser'), text),
        Version: fc.constantFrom('2010-05-08', '2010-05-08!', ''),
        UserName: fc.oneof(text, fc.constant(null), fc.constant(undefined)),
        PathPrefix: fc.oneof(text.map((t) => `/${t}`), fc.array(text, { minLength: 1, maxLength: 2 })),
      },
      { requiredKeys: ['Action', 'Version'] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const request: SdkHttpRequest = { method: 'GET', path: '/', query: q, headers: {} };
        const answer = await viaHandler(request);
        expect({ status: answer.status, body: answer.body }).toEqual(await viaEndpoint(buildQueryString(q as never), ''));
      }),
      { numRuns: 150 },
    );
  });

  it('reads a POST body given as text, bytes, a stream of text and byte chunks, or anything else as its string; a GET body not at all', async () => {
    const form = 'Action=CreateUser&Version=2010-05-08&UserName=caf%C3%A9';
    const bytes = new TextEncoder().encode(form);
    async function* chunks() {
      yield form.slice(0, 10);
      yield new TextEncoder().encode(form.slice(10));
    }
    const expected = await viaEndpoint('', form);
    expect(expected.status).toBe(400); // é is not a user name character: the body was read as UTF-8 and validated
    for (const body of [form, bytes, chunks()]) expect(await viaHandler({ method: 'POST', path: '/', headers: {}, body })).toMatchObject(expected);
    const numeric = await viaHandler({ method: 'POST', path: '/', headers: {}, body: 12345 });
    expect(numeric).toMatchObject(await viaEndpoint('', '12345'));
    for (const body of [undefined, null]) expect(await viaHandler({ method: 'POST', path: '/', headers: {}, body })).toMatchObject(await viaEndpoint('', ''));
    // A GET carries its parameters in the query string; its body is not read.
    const get = await viaHandler({ method: 'get', path: '/', headers: {}, query: { Action: 'ListUsers', Version: '2010-05-08' }, body: 'Action=CreateUser' });
    expect(get).toMatchObject(await viaEndpoint('Action=ListUsers&Version=2010-05-08', ''));
    expect(get.status).toBe(200);
  });

  it('answers with lower-case header names, the body length, the Query content type, and nothing to configure or release', async () => {
    const handler = createIamRequestHandler(createCredentialEngine(), { requestId });
    const { response } = await handler.handle({ method: 'post', path: '/', headers: {}, body: 'Action=ListUsers&Version=2010-05-08' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'text/xml', 'x-amzn-requestid': REQUEST_ID, 'content-length': String(response.body.byteLength) });
    expect(handler.metadata).toEqual({ handlerProtocol: 'http/1.1' });
    expect(handler.httpHandlerConfigs()).toEqual({});
    expect(handler.updateHttpClientConfig(undefined as never, undefined as never)).toBeUndefined();
    expect(handler.destroy()).toBeUndefined();
  });

  it('refuses methods other than GET and POST as the endpoint does, and drops an answer whose request was aborted meanwhile', async () => {
    const request = { method: 'DELETE', path: '/', headers: {}, body: 'Action=ListUsers&Version=2010-05-08' };
    const refused = await viaHandler(request);
    expect(refused.status).toBe(405);
    expect(refused.body).toContain('<Code>MethodNotAllowed</Code>');
    expect(refused.body).toContain('The HTTP method DELETE is not allowed');

    const engine = createCredentialEngine();
    const signal = { aborted: false, reason: new Error('client gone') };
    const pending = createIamRequestHandler(engine).handle({ method: 'POST', path: '/', headers: {}, body: 'Action=CreateUser&Version=2010-05-08&UserName=late' }, { abortSignal: signal });
    signal.aborted = true;
    const error = (await pending.then(
      () => undefined,
      (cause: unknown) => cause,
    )) as Error;
    expect(error).toMatchObject({ name: 'AbortError', message: 'The request was aborted', cause: signal.reason });
    // The operation itself ran, as it would have behind a closed socket.
    expect((await engine.getUser({ UserName: 'late' })).isOk()).toBe(true);
    const early = await createIamRequestHandler(engine).handle({ method: 'POST', path: '/', headers: {}, body: '' }, { abortSignal: { aborted: true } }).catch((cause: unknown) => cause);
    expect(early).toMatchObject({ name: 'AbortError' });
    expect((early as Error).cause).toBeUndefined();
  });

  it('acts in the account its access key maps to, as the endpoint does, and in the given default account otherwise', async () => {
    const engine = createCredentialEngine();
    const handler = createIamRequestHandler(engine, { accountMap: { AKIDMAPPED: { accountId: '111111111111', userName: 'me' } }, accountId: '222222222222' });
    const signedBy = (key: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x` });
    await handler.handle({ method: 'POST', path: '/', headers: signedBy('AKIDMAPPED'), body: 'Action=CreateUser&Version=2010-05-08&UserName=me' });
    await handler.handle({ method: 'POST', path: '/', headers: signedBy('AKIDOTHER'), body: 'Action=CreateUser&Version=2010-05-08&UserName=you' });
    expect((await engine.getUser({ UserName: 'me' }, { accountId: '111111111111' })).isOk()).toBe(true);
    expect((await engine.getUser({ UserName: 'you' }, { accountId: '222222222222' })).isOk()).toBe(true);
    // The mapped user is the caller where UserName may be omitted.
    const self = await handler.handle({ method: 'POST', path: '/', headers: signedBy('AKIDMAPPED'), body: 'Action=GetUser&Version=2010-05-08' });
    expect(decoder.decode(self.response.body)).toContain('arn:aws:iam::111111111111:user/me');
  });
});
