import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createIamRequestHandler } from '../../src/protocol/query/index.js';

/** The in-process handler reads a request as the endpoint reads the bytes it would receive. */
describe('createIamRequestHandler, requests without a body', () => {
  it('a POST whose body is absent has no body: its parameters come from the query string and its media type is not checked', async () => {
    const handler = createIamRequestHandler(createCredentialEngine());
    for (const body of [undefined, null, '']) {
      const { response } = await handler.handle({
        method: 'POST',
        path: '/',
        query: { Action: 'ListUsers', Version: '2010-05-08' },
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.statusCode, String(body)).toBe(200);
    }
    // A body that is there is checked.
    const { response } = await handler.handle({ method: 'POST', path: '/', query: { Action: 'ListUsers', Version: '2010-05-08' }, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.statusCode).toBe(400);
  });
});

describe('createIamRequestHandler, aborted requests', () => {
  it('a request aborted before it is handled runs nothing; the AbortError has a cause only when the signal gave a reason', async () => {
    const engine = createCredentialEngine();
    const handler = createIamRequestHandler(engine);
    const body = 'Action=CreateUser&Version=2010-05-08&UserName=never';
    const withoutReason = await handler.handle({ method: 'POST', path: '/', headers: {}, body }, { abortSignal: { aborted: true } }).catch((cause: unknown) => cause as Error);
    expect(withoutReason).toMatchObject({ name: 'AbortError', message: 'The request was aborted' });
    expect(Object.hasOwn(withoutReason as object, 'cause')).toBe(false);
    const reason = new Error('gone');
    const withReason = await handler.handle({ method: 'POST', path: '/', headers: {}, body }, { abortSignal: { aborted: true, reason } }).catch((cause: unknown) => cause as Error);
    expect((withReason as Error).cause).toBe(reason);
    expect((await engine.getUser({ UserName: 'never' })).isErr()).toBe(true);
  });
});

describe('createIamRequestHandler, GET requests', () => {
  it('a GET\'s body is not read, whatever its media type', async () => {
    const handler = createIamRequestHandler(createCredentialEngine());
    const { response } = await handler.handle({
      method: 'GET',
      path: '/',
      query: { Action: 'ListUsers', Version: '2010-05-08' },
      headers: { 'content-type': 'application/json' },
      body: '{"Action":"CreateUser"}',
    });
    expect(response.statusCode).toBe(200);
  });
});
