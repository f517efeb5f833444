import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { type QueryHeaders, accessKeyIdOf, handleQueryRequest } from '../../src/protocol/query/index.js';
import { parseErrorResponse, parseXml } from './helpers.js';

/**
 * How one Query request is read before the engine sees it: the headers (any spelling of a name; repeated values joined by `, `, RFC
 * 9110 section 5.3), the body's media type, and the Action and Version parameters, answered with AWS's "Common Errors".
 */
const V = '2010-05-08';
const FORM = 'application/x-www-form-urlencoded';
const LIST = `Action=ListUsers&Version=${V}`;
const NOT_FORM = 'The request body must be application/x-www-form-urlencoded (AWS Query protocol).';

const answer = (request: Parameters<typeof handleQueryRequest>[1]) => handleQueryRequest(createCredentialEngine(), request, { requestId: () => 'req-1' });
const errorOf = async (request: Parameters<typeof handleQueryRequest>[1]) => {
  const response = await answer(request);
  return { status: response.status, ...parseErrorResponse(response.body), errorCode: response.errorCode, action: response.action };
};

describe('the body\'s media type', () => {
  it('is application/x-www-form-urlencoded in any letter case, with any parameters and spaces around it', async () => {
    for (const contentType of [FORM, `${FORM};charset=utf-8`, `${FORM}; charset=UTF-8`, 'Application/X-WWW-Form-URLEncoded', ` ${FORM} ; charset=utf-8`, `${FORM.toUpperCase()};`]) {
      expect((await answer({ body: LIST, headers: { 'content-type': contentType } })).status, contentType).toBe(200);
    }
  });

  it('anything else refuses a body with 400 InvalidQueryParameter; a request without a body is not refused for it', async () => {
    for (const contentType of ['application/json', `${FORM}x`, `x${FORM}`, `text/plain; ${FORM}`, `${FORM}, text/plain`, '']) {
      expect(await errorOf({ body: LIST, headers: { 'content-type': contentType } }), contentType).toMatchObject({
        status: 400,
        code: 'InvalidQueryParameter',
        message: NOT_FORM,
        errorCode: 'InvalidQueryParameter',
      });
    }
    for (const body of ['', new Uint8Array(0)]) {
      expect((await answer({ body, queryString: LIST, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    }
    expect((await answer({ body: new TextEncoder().encode(LIST), headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });
});

describe('request headers', () => {
  it('are found under any spelling of their name, whatever form they come in; an undefined value is no header', async () => {
    const refusedAs = async (headers: QueryHeaders): Promise<number> => (await answer({ body: LIST, headers })).status;
    for (const name of ['content-type', 'Content-Type', 'CONTENT-TYPE', 'cOnTeNt-TyPe']) {
      expect(await refusedAs({ [name]: 'application/json' }), name).toBe(400);
      expect(await refusedAs({ [name]: ['application/json'] }), name).toBe(400);
    }
    expect(await refusedAs(new Headers({ 'Content-Type': 'application/json' }))).toBe(400);
    expect(await refusedAs({ 'content-type': undefined })).toBe(200);
    expect(await refusedAs({ 'content-type': undefined, 'Content-Type': 'application/json' })).toBe(400);
    // Names of the same length that are not the name, and longer names that start with it, are other headers.
    expect(await refusedAs({ 'content-typf': 'application/json', 'content-type-x': 'application/json', 'x-content-type': 'application/json' })).toBe(200);
  });

  it('given more than once are read as one value joined by ", "', () => {
    const header = (value: string | string[]) => accessKeyIdOf({ authorization: value });
    // The comma that joins two Authorization values ends the Credential of the first.
    expect(header(['AWS4-HMAC-SHA256 Credential=AKIDFIRST', 'Other'])).toBe('AKIDFIRST');
    expect(header(['AWS4-HMAC-SHA256 Credential=AKIDFIRST/20261123/us-east-1/iam/aws4_request'])).toBe('AKIDFIRST');
  });
});

describe('Action and Version', () => {
  it('an empty Action or Version counts as absent: 400 MissingAction / MissingParameter', async () => {
    expect(await errorOf({ body: `Action=&Version=${V}` })).toMatchObject({ status: 400, code: 'MissingAction', message: 'The request must contain the parameter Action' });
    expect(await errorOf({ body: 'Action=ListUsers&Version=' })).toMatchObject({ status: 400, code: 'MissingParameter', message: 'The request must contain the parameter Version' });
  });

  it('each given twice, in the body or across the URL and the body, is refused before anything else is read', async () => {
    for (const [request, name] of [
      [{ body: `${LIST}&Action=ListUsers` }, 'Action'],
      [{ body: `${LIST}&Version=${V}` }, 'Version'],
      [{ body: LIST, queryString: `Version=${V}` }, 'Version'],
      [{ body: `Version=${V}`, queryString: 'Action=ListUsers&Action=GetUser' }, 'Action'],
    ] as const) {
      const error = await errorOf(request);
      expect(error).toMatchObject({ status: 400, code: 'InvalidQueryParameter', message: `The parameter ${name} must not be given more than once.` });
      // Not even the action is known: nothing is logged as one.
      expect(error.action).toBeUndefined();
    }
  });

  it('a member of the operation given twice is refused, naming it; the action is known by then (for the access log)', async () => {
    const error = await errorOf({ body: `Action=GetUser&Version=${V}&UserName=a&UserName=b` });
    expect(error).toMatchObject({ status: 400, code: 'InvalidQueryParameter', message: 'The parameter UserName must not be given more than once.', action: 'GetUser' });
    // Repeats of a parameter the operation does not have are ignored, as AWS ignores unknown parameters.
    expect((await answer({ body: `${LIST}&Foo=1&Foo=2` })).status).toBe(200);
  });

  it('parameters come from the URL and the body alike; a malformed URL is refused as a malformed body is', async () => {
    expect((await answer({ body: '', queryString: LIST })).status).toBe(200);
    expect((await answer({ body: `Version=${V}`, queryString: 'Action=ListUsers' })).status).toBe(200);
    expect(await errorOf({ body: LIST, queryString: 'a=%ZZ' })).toMatchObject({ status: 404, code: 'MalformedQueryString' });
    expect(await errorOf({ body: 'a=%ZZ', queryString: LIST })).toMatchObject({ status: 404, code: 'MalformedQueryString' });
  });
});

describe('the answer', () => {
  it('carries the request id in its header and body, the action answered, and the error code of a failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ListUsers', 'GetUser', 'NoSuchAction'), fc.uuid(), async (action, id) => {
        const response = await handleQueryRequest(createCredentialEngine(), { body: `Action=${action}&Version=${V}&UserName=nobody` }, { requestId: () => id });
        expect(response.headers).toEqual({ 'Content-Type': 'text/xml', 'x-amzn-RequestId': id });
        const doc = parseXml(response.body) as Record<string, { ResponseMetadata?: { RequestId: string }; RequestId?: string }>;
        const root = Object.values(doc)[0];
        expect(root?.ResponseMetadata?.RequestId ?? root?.RequestId).toBe(id);
        if (action === 'ListUsers') expect([response.status, response.action, response.errorCode]).toEqual([200, 'ListUsers', undefined]);
        if (action === 'GetUser') expect([response.status, response.action, response.errorCode]).toEqual([404, 'GetUser', 'NoSuchEntity']);
        if (action === 'NoSuchAction') expect([response.status, response.action, response.errorCode]).toEqual([400, undefined, 'InvalidAction']);
      }),
      { numRuns: 20 },
    );
  });

  it('of a request whose id generator throws, or of an engine that throws, is still a clean 500 ServiceFailure with a request id', async () => {
    const thrower = await handleQueryRequest(createCredentialEngine(), { body: LIST }, {
      requestId: () => {
        throw new Error('no ids today');
      },
    });
    expect(thrower.status).toBe(500);
    expect(parseErrorResponse(thrower.body)).toMatchObject({ code: 'ServiceFailure', type: 'Receiver' });
    expect(thrower.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f-]{36}$/);
    const throwing = new Proxy({} as Parameters<typeof handleQueryRequest>[0], {
      get: () => () => {
        throw new Error('boom');
      },
    });
    // The failure keeps the id made for the request; an empty one from the generator is replaced.
    const kept = await handleQueryRequest(throwing, { body: LIST }, { requestId: () => 'req-kept' });
    expect([kept.status, kept.headers['x-amzn-RequestId'], parseErrorResponse(kept.body).requestId]).toEqual([500, 'req-kept', 'req-kept']);
    const failed = await handleQueryRequest(throwing, { body: LIST }, { requestId: () => '' });
    expect(failed.status).toBe(500);
    expect(failed.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseErrorResponse(failed.body).requestId).toBe(failed.headers['x-amzn-RequestId']);
  });
});
