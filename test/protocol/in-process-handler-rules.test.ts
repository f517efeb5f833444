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
