import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, UUID, form, parseErrorResponse, parseXml, post, startTestServer } from './helpers.js';

const V = '2010-05-08';
const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const MAX_BODY = 4096;

let endpoint: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  endpoint = await startTestServer({}, { maxBodyBytes: MAX_BODY, log: (line) => logLines.push(line) });
  await post(endpoint.url, form({ Action: 'CreateUser', Version: V, UserName: 'wire' }));
});
afterAll(async () => {
  await endpoint?.close();
});

/** Sends a request and checks it was answered with a well-formed ErrorResponse whose RequestId is the header's. */
const expectError = async (
  response: Promise<Response>,
  expected: { status: number; code: string; message: string; type?: 'Sender' | 'Receiver' },
): Promise<string> => {
  const res = await response;
  const body = await res.text();
  expect(res.status).toBe(expected.status);
  expect(res.headers.get('content-type')).toBe('text/xml');
  const error = parseErrorResponse(body);
  expect(error).toEqual({
    type: expected.type ?? 'Sender',
    code: expected.code,
    message: expected.message,
    requestId: res.headers.get('x-amzn-requestid'),
    xmlns: NS,
  });
  expect(error.requestId).toMatch(UUID);
  return body;
};

const call = (params: Record<string, string>): Promise<Response> => post(endpoint.url, form(params));

describe('Action and Version', () => {
  it('missing Action: 400 MissingAction', async () => {
    await expectError(call({ Version: V, UserName: 'wire' }), {
      status: 400,
      code: 'MissingAction',
      message: 'The request must contain the parameter Action',
    });
    await expectError(post(endpoint.url, ''), { status: 400, code: 'MissingAction', message: 'The request must contain the parameter Action' });
  });

  it('unknown Action, and the engine methods that are not IAM actions: 400 InvalidAction', async () => {
    await expectError(call({ Action: 'ReplaceIamInstanceProfileAssociation', Version: V }), {
      status: 400,
      code: 'InvalidAction',
      message: 'Could not find operation ReplaceIamInstanceProfileAssociation for version 2010-05-08',
    });
    for (const action of ['Authenticate', 'AuthenticateApiKey', 'createUser', 'toString', '__proto__', 'constructor']) {
      await expectError(call({ Action: action, Version: V }), {
        status: 400,
        code: 'InvalidAction',
        message: `Could not find operation ${action} for version 2010-05-08`,
      });
    }
  });

  it('wrong Version: 400 InvalidAction naming the version; missing Version: 400 MissingParameter', async () => {
    await expectError(call({ Action: 'GetUser', Version: '2010-05-08-08', UserName: 'wire' }), {
      status: 400,
      code: 'InvalidAction',
      message: 'Could not find operation GetUser for version 2010-05-08-08',
    });
    await expectError(call({ Action: 'GetUser', UserName: 'wire' }), {
      status: 400,
      code: 'MissingParameter',
      message: 'The request must contain the parameter Version',
    });
  });
});

describe('parameters', () => {
  it('a missing required parameter is the engine’s "Value null" ValidationError', async () => {
    await expectError(call({ Action: 'DeleteUser', Version: V }), {
      status: 400,
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('values of the wrong type: ValidationError "Member must be an integer / a boolean"', async () => {
    await expectError(call({ Action: 'CreateServiceSpecificCredential', Version: V, UserName: 'wire', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 'abc' }), {
      status: 400,
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'credentialAgeDays' failed to satisfy constraint: Member must be an integer",
    });
    for (const maxItems of ['abc', '1.5', '1e3', '', '99999999999999999999']) {
      await expectError(call({ Action: 'ListUsers', Version: V, MaxItems: maxItems }), {
        status: 400,
        code: 'ValidationError',
        message: "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must be an integer",
      });
    }
    await expectError(call({ Action: 'ListServiceSpecificCredentials', Version: V, AllUsers: 'maybe' }), {
      status: 400,
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'allUsers' failed to satisfy constraint: Member must be a boolean",
    });
  });

  it('well-formed integers and booleans are accepted: "+5", "007", "TRUE"', async () => {
    const listed = await call({ Action: 'ListServiceSpecificCredentials', Version: V, AllUsers: 'TRUE', MaxItems: '+5' });
    expect(listed.status).toBe(200);
    const users = await call({ Action: 'ListUsers', Version: V, MaxItems: '007' });
    expect(users.status).toBe(200);
    expect(parseXml(await users.text())).toHaveProperty('ListUsersResponse.ListUsersResult.IsTruncated', 'false');
  });

  it('several violations, wire types included, come back in one message', async () => {
    await expectError(call({ Action: 'CreateServiceSpecificCredential', Version: V, CredentialAgeDays: 'abc' }), {
      status: 400,
      code: 'ValidationError',
      message:
        "3 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'serviceName' failed to satisfy constraint: Member must not be null; " +
        "Value at 'credentialAgeDays' failed to satisfy constraint: Member must be an integer",
    });
    await expectError(call({ Action: 'ListServiceSpecificCredentials', Version: V, AllUsers: 'maybe', MaxItems: '0', UserName: '' }), {
      status: 400,
      code: 'ValidationError',
      message:
        "3 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'allUsers' failed to satisfy constraint: Member must be a boolean; " +
        "Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });

  it('unknown parameters are ignored, as AWS does', async () => {
    const res = await call({ Action: 'GetUser', Version: V, UserName: 'wire', Foo: 'bar', 'Tags.member.1.Key': 'k', AUTHPARAMS: '' });
    expect(res.status).toBe(200);
    expect(parseXml(await res.text())).toHaveProperty('GetUserResponse.GetUserResult.User.UserName', 'wire');
  });

  it('a parameter given twice is refused (400 InvalidQueryParameter), also across URL and body', async () => {
    await expectError(post(endpoint.url, `Action=GetUser&Version=${V}&UserName=wire&UserName=other`), {
      status: 400,
      code: 'InvalidQueryParameter',
      message: 'The parameter UserName must not be given more than once.',
    });
    await expectError(post(`${endpoint.url}/?Action=GetUser`, `Action=GetUser&Version=${V}&UserName=wire`), {
      status: 400,
      code: 'InvalidQueryParameter',
      message: 'The parameter Action must not be given more than once.',
    });
  });

  it('malformed percent-encoding or invalid UTF-8: 404 MalformedQueryString (AWS Common Errors)', async () => {
    for (const body of [`Action=GetUser&Version=${V}&UserName=%ZZ`, `Action=GetUser&Version=${V}&UserName=%C3%28`, `Action=Get%`]) {
      await expectError(post(endpoint.url, body), {
        status: 404,
        code: 'MalformedQueryString',
        message: 'The query string contains a syntax error: malformed percent-encoding or invalid UTF-8.',
      });
    }
    const invalidUtf8 = Buffer.concat([Buffer.from(`Action=GetUser&Version=${V}&UserName=`), Buffer.from([0xff, 0xfe])]);
    await expectError(
      fetch(endpoint.url, { method: 'POST', body: invalidUtf8, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      { status: 404, code: 'MalformedQueryString', message: 'The query string contains a syntax error: malformed percent-encoding or invalid UTF-8.' },
    );
  });
});

describe('escaping of echoed values', () => {
  it('a ServiceName with < & " \' > comes back escaped and parses to the same text', async () => {
    const serviceName = `<x&y>"'</ErrorResponse>`;
    const body = await expectError(call({ Action: 'CreateServiceSpecificCredential', Version: V, UserName: 'wire', ServiceName: serviceName }), {
      status: 404,
      code: 'NoSuchEntity',
      message: `No such service ${serviceName} is supported for Service Specific Credentials`,
    });
    expect(body).toContain('&lt;x&amp;y&gt;');
    expect(body).not.toContain(serviceName);
  });

  it('characters XML cannot carry are replaced by U+FFFD, so the answer still parses', async () => {
    await expectError(call({ Action: 'CreateServiceSpecificCredential', Version: V, UserName: 'wire', ServiceName: 'a\u0000b\u0008c\uFFFFd' }), {
      status: 404,
      code: 'NoSuchEntity',
      message: 'No such service a\uFFFDb\uFFFDc\uFFFDd is supported for Service Specific Credentials',
    });
  });

  it('an unknown Action is echoed escaped', async () => {
    await expectError(call({ Action: '<Get&User>', Version: V }), {
      status: 400,
      code: 'InvalidAction',
      message: 'Could not find operation <Get&User> for version 2010-05-08',
    });
  });

  it('a Marker containing < & " (allowed by its pattern) is rejected cleanly as not ours', async () => {
    for (const action of ['ListUsers', 'ListServiceSpecificCredentials']) {
      await expectError(call({ Action: action, Version: V, AllUsers: 'true', Marker: '<&"' }), {
        status: 400,
        code: 'ValidationError',
        message: 'Invalid Marker.',
      });
    }
  });
});

describe('HTTP', () => {
  it('GET with a query string is a Query request too (the API reference example is a GET URL)', async () => {
    const res = await fetch(`${endpoint.url}/?${form({ Action: 'GetUser', Version: V, UserName: 'wire' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml');
    const doc = parseXml(await res.text());
    expect(doc).toHaveProperty('GetUserResponse.GetUserResult.User.UserName', 'wire');
    expect(doc).toHaveProperty('GetUserResponse.ResponseMetadata.RequestId', res.headers.get('x-amzn-requestid'));
  });

  it('other methods: 405 MethodNotAllowed with Allow', async () => {
    const res = fetch(endpoint.url, { method: 'PUT', body: form({ Action: 'ListUsers', Version: V }) });
    await expectError(res, {
      status: 405,
      code: 'MethodNotAllowed',
      message: 'The HTTP method PUT is not allowed: the Query protocol takes POST (or GET with a query string).',
    });
    expect((await fetch(endpoint.url, { method: 'DELETE' })).headers.get('allow')).toBe('GET, POST');
  });

  it('a body that is not form-urlencoded: 400 InvalidQueryParameter; a charset parameter is fine', async () => {
    await expectError(post(endpoint.url, JSON.stringify({ Action: 'ListUsers', Version: V }), { 'Content-Type': 'application/json' }), {
      status: 400,
      code: 'InvalidQueryParameter',
      message: 'The request body must be application/x-www-form-urlencoded (AWS Query protocol).',
    });
    const ok = await post(endpoint.url, form({ Action: 'ListUsers', Version: V }), { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(ok.status).toBe(200);
  });

  it('an oversized body gets a clean 413 RequestEntityTooLarge, with Content-Length or streamed', async () => {
    const big = `Action=ListUsers&Version=${V}&Padding=${'x'.repeat(MAX_BODY * 50)}`;
    const expected = { status: 413, code: 'RequestEntityTooLarge', message: `The request body exceeds the limit of ${MAX_BODY} bytes.` };
    await expectError(post(endpoint.url, big), expected);
    const chunks = Array.from({ length: 64 }, () => new TextEncoder().encode('x'.repeat(1024)));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    });
    await expectError(
      fetch(endpoint.url, { method: 'POST', body: stream, duplex: 'half', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } as RequestInit),
      expected,
    );
    // The endpoint is still fine afterwards.
    expect((await call({ Action: 'ListUsers', Version: V })).status).toBe(200);
  });

  it('answers without output render only ResponseMetadata, no Result element', async () => {
    await call({ Action: 'CreateUser', Version: V, UserName: 'short-lived' });
    const res = await call({ Action: 'DeleteUser', Version: V, UserName: 'short-lived' });
    expect(res.status).toBe(200);
    const doc = parseXml(await res.text());
    expect(doc).toEqual({
      DeleteUserResponse: { '@_xmlns': NS, ResponseMetadata: { RequestId: res.headers.get('x-amzn-requestid') } },
    });
  });

  it('logs one access line per request, never a body, query string or secret', async () => {
    logLines.length = 0;
    const created = await call({ Action: 'CreateServiceSpecificCredential', Version: V, UserName: 'wire', ServiceName: 'codecommit.amazonaws.com' });
    const password = String((parseXml(await created.text()) as Record<string, Record<string, Record<string, Record<string, unknown>>>>)
      .CreateServiceSpecificCredentialResponse?.CreateServiceSpecificCredentialResult?.ServiceSpecificCredential?.ServicePassword);
    expect(password).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await fetch(`${endpoint.url}/some/path?${form({ Action: 'GetUser', Version: V, UserName: 'secret-looking-value' })}`);
    await call({ Action: 'Nope', Version: V });
    expect(logLines).toHaveLength(3);
    expect(logLines[0]).toMatch(/ 127\.0\.0\.1 POST \/ 200 CreateServiceSpecificCredential - account=default request-id=[0-9a-f-]{36} [\d.]+ms$/);
    expect(logLines[1]).toMatch(/ GET \/some\/path 404 GetUser NoSuchEntity /);
    expect(logLines[2]).toMatch(/ POST \/ 400 - InvalidAction /);
    const all = logLines.join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toContain('secret-looking-value');
    expect(all).not.toContain('codecommit');
  });
});
