import { describe, expect, it } from 'vitest';
import { type CredentialEngine, type UserDirectory, createCredentialEngine, createManualClock } from '../../src/index.js';
import { accessKeyIdOf, handleQueryRequest } from '../../src/protocol/query/index.js';
import { forEachFormPair } from '../../src/protocol/query/form.js';
import { xmlSafe, xmlTimestamp } from '../../src/protocol/query/xml.js';
import { parseErrorResponse, parseXml } from './helpers.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** The pairs `forEachFormPair` hands out, or 'malformed'. */
const pairsOf = (text: string): { name: string; value: string }[] | 'malformed' => {
  const pairs: { name: string; value: string }[] = [];
  return forEachFormPair(text, { add: (name, value) => pairs.push({ name, value }) }) ? pairs : 'malformed';
};

describe('form parsing', () => {
  it('decodes + as a space, skips empty segments, gives a bare name an empty value, keeps order and repeats', () => {
    expect(pairsOf('a=1+2&&b&c=%2B%26%3D&=x&a=%E2%82%AC')).toEqual([
      { name: 'a', value: '1 2' },
      { name: 'b', value: '' },
      { name: 'c', value: '+&=' },
      { name: '', value: 'x' },
      { name: 'a', value: '€' },
    ]);
    expect(pairsOf('')).toEqual([]);
  });

  it('refuses malformed escapes and escapes that are not UTF-8', () => {
    for (const text of ['a=%', 'a=%2', 'a=%ZZ', '%C3%28=1', 'a=%ED%A0%80']) expect(pairsOf(text)).toBe('malformed');
  });
});

describe('XML helpers', () => {
  it('renders whole seconds as IAM does and keeps milliseconds when there are some', () => {
    expect(xmlTimestamp(new Date('2026-03-27T02:34:20.000Z'))).toBe('2026-03-27T02:34:20Z');
    expect(xmlTimestamp(new Date('2016-11-01T17:47:22.382Z'))).toBe('2016-11-01T17:47:22.382Z');
  });

  it('replaces only the characters XML 1.0 cannot carry', () => {
    expect(xmlSafe('a\u0000b\tc\nd\re\u001Ff\uFFFEg\uD800h😀i<&')).toBe('a\uFFFDb\tc\nd\re\uFFFDf\uFFFDg\uFFFDh😀i<&');
  });
});

describe('accessKeyIdOf', () => {
  it('reads the access key id of a SigV4 Authorization header or a presigned URL, and nothing else', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
    expect(accessKeyIdOf({ Authorization: header })).toBe('AKIDEXAMPLE');
    expect(accessKeyIdOf({ authorization: header.replace(', ', ',') })).toBe('AKIDEXAMPLE');
    expect(accessKeyIdOf({}, 'Action=GetUser&X-Amz-Credential=AKIDPRESIGNED%2F20261123%2Fus-east-1%2Fiam%2Faws4_request')).toBe('AKIDPRESIGNED');
    expect(accessKeyIdOf({ authorization: 'Bearer ABSKxyz' })).toBeUndefined();
    expect(accessKeyIdOf({ authorization: 'AWS4-HMAC-SHA256 Credential=../etc/20261123/x' })).toBeUndefined();
    expect(accessKeyIdOf(undefined)).toBeUndefined();
    expect(accessKeyIdOf(new Headers({ Authorization: header }))).toBe('AKIDEXAMPLE');
  });
});

describe('handleQueryRequest', () => {
  const fixedIds = (): (() => string) => {
    let n = 0;
    return () => `00000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;
  };

  it('Update and Delete of a credential answer only ResponseMetadata; no Content-Type header is fine', async () => {
    const engine = createCredentialEngine({ clock: createManualClock(new Date('2026-11-23T00:00:00Z')) });
    (await engine.createUser({ UserName: 'u' }))._unsafeUnwrap();
    const id = (await engine.createServiceSpecificCredential({ UserName: 'u', ServiceName: 'codecommit.amazonaws.com' }))._unsafeUnwrap()
      .ServiceSpecificCredential.ServiceSpecificCredentialId;
    const requestId = fixedIds();
    const update = await handleQueryRequest(
      engine,
      { body: `Action=UpdateServiceSpecificCredential&Version=2010-05-08&UserName=u&ServiceSpecificCredentialId=${id}&Status=Inactive` },
      { requestId },
    );
    expect(update.status).toBe(200);
    expect(update.body).toBe(
      `<UpdateServiceSpecificCredentialResponse xmlns="${NS}">\n  <ResponseMetadata>\n    <RequestId>00000000-0000-4000-8000-000000000001</RequestId>\n  </ResponseMetadata>\n</UpdateServiceSpecificCredentialResponse>\n`,
    );
    const del = await handleQueryRequest(
      engine,
      { body: `Action=DeleteServiceSpecificCredential&Version=2010-05-08&UserName=u&ServiceSpecificCredentialId=${id}` },
      { requestId },
    );
    expect(parseXml(del.body)).toEqual({
      DeleteServiceSpecificCredentialResponse: { '@_xmlns': NS, ResponseMetadata: { RequestId: '00000000-0000-4000-8000-000000000002' } },
    });
  });

  it('reads Content-Type from node:http-style records and from fetch Headers alike', async () => {
    const engine = createCredentialEngine();
    const body = 'Action=ListUsers&Version=2010-05-08';
    for (const headers of [{ 'CONTENT-TYPE': 'application/json' }, { 'content-type': ['application/json'] }, new Headers({ 'Content-Type': 'application/json' })]) {
      const answer = await handleQueryRequest(engine, { body, headers });
      expect(parseErrorResponse(answer.body).code).toBe('InvalidQueryParameter');
    }
    const ok = await handleQueryRequest(engine, { body, headers: new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' }) });
    expect(ok.status).toBe(200);
  });

  it('a body with a huge number of parameters is parsed, not a stack overflow (unknown ones ignored)', async () => {
    const engine = createCredentialEngine();
    const answer = await handleQueryRequest(engine, { body: `Action=ListUsers&Version=2010-05-08&${'a=1&'.repeat(200_000)}` });
    expect(answer.status).toBe(200);
    const repeated = await handleQueryRequest(engine, { body: `Action=ListUsers&Version=2010-05-08&${'MaxItems=1&'.repeat(200_000)}` });
    expect(parseErrorResponse(repeated.body).code).toBe('InvalidQueryParameter');
  });

  it('acts in the given account, as the given calling user', async () => {
    const engine = createCredentialEngine();
    (await engine.createUser({ UserName: 'carol' }, { accountId: '222222222222' }))._unsafeUnwrap();
    const answer = await handleQueryRequest(engine, { body: 'Action=GetUser&Version=2010-05-08', accountId: '222222222222', callerUserName: 'carol' });
    expect(parseXml(answer.body)).toHaveProperty('GetUserResponse.GetUserResult.User.Arn', 'arn:aws:iam::222222222222:user/carol');
  });

  it('an engine that throws (it promises not to) is answered 500 ServiceFailure, Receiver, never a rejection', async () => {
    const throwing = new Proxy({} as CredentialEngine, {
      get: () => () => {
        throw new Error('boom with secret-ish detail');
      },
    });
    const answer = await handleQueryRequest(throwing, { body: 'Action=ListUsers&Version=2010-05-08' });
    expect(answer.status).toBe(500);
    const error = parseErrorResponse(answer.body);
    expect(error).toMatchObject({ type: 'Receiver', code: 'ServiceFailure' });
    expect(error.message).toBe('The request processing has failed because of an unknown error, exception or failure.');
    expect(answer.body).not.toContain('boom');
  });

  it('an adapter failure, which the engine answers ServiceFailure, is rendered 500 Receiver without the cause', async () => {
    const causes: unknown[] = [];
    const users = { listUsers: () => Promise.reject(new Error('database down at db.internal')) } as unknown as UserDirectory;
    const engine = createCredentialEngine({ users, onInternalError: (cause) => causes.push(cause) });
    const answer = await handleQueryRequest(engine, { body: 'Action=ListUsers&Version=2010-05-08' });
    expect(answer.status).toBe(500);
    expect(parseErrorResponse(answer.body)).toMatchObject({ type: 'Receiver', code: 'ServiceFailure' });
    expect(answer.body).not.toContain('db.internal');
    expect(causes).toHaveLength(1);
  });
});
