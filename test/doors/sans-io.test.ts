import fc from 'fast-check';
import { err } from 'neverthrow';
import { authenticationFailed } from '../../src/domain/iam-error.js';
import { formatLoginAttempt, httpLoginAttempt } from '../../src/protocol/front-door/login-attempt.js';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { answerBedrockRequest, routeBedrockRequest } from '../../src/protocol/bedrock/bedrock-door.js';
import { BodyReader, ErrorCode, HEADER_BYTES, Opcode, bytes, frame, int, readHeader, string } from '../../src/protocol/cql/cql-codec.js';
import { type CqlAction, CqlSession, answerQuery } from '../../src/protocol/cql/cql-session.js';
import { CgiHeadParser } from '../../src/protocol/git/cgi-response.js';
import { decideGitRequest, isRepositoryName, routeGitRequest } from '../../src/protocol/git/git-door.js';

/** A request frame as a v4 client sends it. */
const request = (stream: number, opcode: number, body: Buffer, version = 4, flags = 0): Buffer => {
  const out = frame(stream, opcode, body);
  out.writeUInt8(version, 0);
  out.writeUInt8(flags, 1);
  return out;
};
const startup = request(1, Opcode.STARTUP, Buffer.concat([Buffer.from([0, 1]), string('CQL_VERSION'), string('3.0.0')]));
const authResponse = (token: string) => request(2, Opcode.AUTH_RESPONSE, bytes(Buffer.from(token)));
const query = (stream: number, text: string) => request(stream, Opcode.QUERY, Buffer.concat([int(Buffer.byteLength(text)), Buffer.from(text), Buffer.from([0, 1, 0])]));

const sent = (actions: readonly CqlAction[]) =>
  actions.filter((action) => action.kind === 'send').map((action) => {
    const header = readHeader(action.bytes);
    return { ...header, body: action.bytes.subarray(HEADER_BYTES) };
  });
const errorOf = (body: Buffer) => {
  const reader = new BodyReader(body);
  return { code: reader.int(), message: reader.string() };
};

describe('CQL session, frame by frame', () => {
  it('OPTIONS, STARTUP, AUTH_RESPONSE, then AUTH_SUCCESS on the same stream; frames may arrive one byte at a time', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    const actions: CqlAction[] = [];
    for (const byte of Buffer.concat([request(0, Opcode.OPTIONS, Buffer.alloc(0)), startup, authResponse('\0alice-at-123456789012\0pw')])) {
      actions.push(...session.receive(Buffer.from([byte])));
    }
    const frames = sent(actions);
    expect(frames.map((f) => [f.version, f.stream, f.opcode])).toEqual([
      [0x84, 0, Opcode.SUPPORTED],
      [0x84, 1, Opcode.AUTHENTICATE],
    ]);
    expect(new BodyReader(frames[1]!.body).string()).toBe('org.apache.cassandra.auth.PasswordAuthenticator');
    const verify = actions.find((action) => action.kind === 'authenticate');
    expect(verify?.kind === 'authenticate' && verify.token.toString()).toBe('\0alice-at-123456789012\0pw');
    // A query sent before the verification ends is held, then answered after AUTH_SUCCESS.
    expect(session.receive(query(3, "SELECT release_version FROM system.local WHERE key='local'"))).toEqual([]);
    const after = sent(session.authenticated(true));
    expect(after.map((f) => [f.stream, f.opcode])).toEqual([
      [2, Opcode.AUTH_SUCCESS],
      [3, Opcode.RESULT],
    ]);
  });

  it('a refused login answers 0x0100 and closes', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    session.receive(Buffer.concat([startup, authResponse('\0bob\0wrong')]));
    const actions = session.authenticated(false);
    expect(errorOf(sent(actions)[0]!.body)).toEqual({ code: ErrorCode.BAD_CREDENTIALS, message: 'Provided username bob and/or password are incorrect' });
    expect(actions.at(-1)).toEqual({ kind: 'close' });
    expect(session.receive(query(4, 'SELECT * FROM system.local'))).toEqual([]);
  });

  const protocolErrorThenClose = (input: Buffer) => {
    const session = new CqlSession({ localAddress: '::1' });
    const actions = session.receive(input);
    expect(actions.at(-1)).toEqual({ kind: 'close' });
    const error = errorOf(sent(actions).at(-1)!.body);
    expect(error.code).toBe(ErrorCode.PROTOCOL_ERROR);
    return error.message;
  };

  it('answers bad input with a protocol error and closes: other versions, huge frames, compression, garbage, wrong order, bad bodies', () => {
    expect(protocolErrorThenClose(request(0, Opcode.STARTUP, Buffer.alloc(0), 0x42))).toMatch(/Invalid or unsupported protocol version \(66\)/);
    expect(protocolErrorThenClose(request(0, Opcode.STARTUP, Buffer.alloc(0), 3))).toMatch(/unsupported protocol version \(3\)/);
    const huge = request(0, Opcode.STARTUP, Buffer.alloc(0));
    huge.writeUInt32BE(0xffffffff, 5);
    expect(protocolErrorThenClose(huge)).toMatch(/too large/);
    expect(protocolErrorThenClose(request(0, Opcode.STARTUP, Buffer.alloc(4), 4, 0x01))).toMatch(/Compression/);
    expect(protocolErrorThenClose(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toMatch(/protocol version/);
    expect(protocolErrorThenClose(query(1, 'SELECT * FROM system.local'))).toMatch(/expecting STARTUP/);
    expect(protocolErrorThenClose(request(1, Opcode.STARTUP, Buffer.from([0, 5, 0])))).toMatch(/Malformed/);
    expect(protocolErrorThenClose(request(1, Opcode.STARTUP, Buffer.from([0, 0])))).toMatch(/CQL_VERSION/);
  });

  it('a truncated frame is simply waited for (the connection timeout ends it)', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    expect(session.receive(startup.subarray(0, startup.length - 1))).toEqual([]);
    expect(session.isClosed).toBe(false);
    expect(new CqlSession({ localAddress: '127.0.0.1' }).receive(startup.subarray(0, 5))).toEqual([]);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const session = new CqlSession({ localAddress: '127.0.0.1' });
        for (const chunk of chunks) session.receive(Buffer.from(chunk));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x10 }), fc.uint8Array({ maxLength: 64 }), (opcode, body) => {
        const session = new CqlSession({ localAddress: '127.0.0.1' });
        session.receive(Buffer.concat([startup, request(2, opcode, Buffer.from(body))]));
      }),
    );
  });

  it('after login: system tables as the driver asks, release_version, and an Invalid error for anything else', () => {
    const options = { localAddress: '10.0.0.1' };
    expect(answerQuery("SELECT * FROM system.local WHERE key='local'", options).kind).toBe('rows');
    expect(answerQuery('select release_version from system.local;', options).kind).toBe('rows');
    expect(answerQuery('SELECT * FROM system.peers', options).kind).toBe('rows');
    expect(answerQuery('SELECT * FROM system_schema.keyspaces', options).kind).toBe('rows');
    for (const other of ['SELECT * FROM ks.t', 'INSERT INTO t (a) VALUES (1)', 'SELECT nope FROM system.local', 'USE ks', '']) {
      expect(answerQuery(other, options).kind).toBe('invalid');
    }
  });
});

describe('Git door routing (Sans-I/O)', () => {
  it('accepts CodeCommit repository names and the smart-HTTP endpoints only', () => {
    expect(routeGitRequest('GET', '/v1/repos/my-repo_1.x/info/refs?service=git-upload-pack')).toEqual({
      kind: 'repository',
      name: 'my-repo_1.x',
      endpoint: '/info/refs',
      query: 'service=git-upload-pack',
    });
    expect(routeGitRequest('POST', '/v1/repos/r/git-receive-pack').kind).toBe('repository');
    expect(routeGitRequest('GET', '/v1/repos/r/git-receive-pack').kind).toBe('method-not-allowed');
    expect(isRepositoryName('a'.repeat(100))).toBe(true);
  });

  it('refuses every path that could leave the root, before any credential check or backend run', async () => {
    const engine = createCredentialEngine();
    const looked: string[] = [];
    const escapes = [
      '/v1/repos/../info/refs?service=git-upload-pack',
      '/v1/repos/%2e%2e/info/refs?service=git-upload-pack',
      '/v1/repos/..%2Fetc/info/refs?service=git-upload-pack',
      '/v1/repos/a%2Fb/info/refs?service=git-upload-pack',
      '/v1/repos/./info/refs?service=git-upload-pack',
      '/v1/repos/a/../../info/refs?service=git-upload-pack',
      '/v1/repos//info/refs?service=git-upload-pack',
      '/v1/repos/a/objects/info/packs',
      '/v1/repos/a/HEAD',
      `/v1/repos/${'a'.repeat(101)}/info/refs?service=git-upload-pack`,
      '/v1/repos/a b/info/refs?service=git-upload-pack',
      '/v1/repos/é/info/refs?service=git-upload-pack',
      '/etc/passwd',
    ];
    for (const url of escapes) {
      const decision = await decideGitRequest(
        engine,
        { method: 'GET', url, authorization: 'Basic dXNlcjpwYXNz' },
        { root: '/srv/git', findRepository: async (name) => (looked.push(name), name) },
      );
      expect(decision.kind === 'answer' && decision.answer.status, url).toBe(404);
    }
    expect(looked).toEqual([]);
    expect(routeGitRequest('GET', '/v1/repos/a/info/refs?service=git-upload-pack&x=1').kind).toBe('method-not-allowed');
  });

  it('only ever looks up a CodeCommit repository name, whatever the target (property)', async () => {
    const engine = createCredentialEngine();
    await engine.createUser({ UserName: 'alice' });
    const created = (await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }))._unsafeUnwrap();
    const { ServiceUserName, ServicePassword } = created.ServiceSpecificCredential;
    const authorization = `Basic ${Buffer.from(`${ServiceUserName}:${ServicePassword}`).toString('base64')}`;
    let reached = 0;
    const segment = fc.oneof(fc.string(), fc.constantFrom('..', '.', '%2e%2e', '%2F', 'a/..', '..%2f..', 'repo'), fc.stringMatching(/^[a-z.%/]{0,12}$/));
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('/info/refs?service=git-upload-pack', '/git-upload-pack', ''), async (name, rest) => {
        const looked: string[] = [];
        await decideGitRequest(
          engine,
          { method: rest === '/git-upload-pack' ? 'POST' : 'GET', url: `/v1/repos/${name}${rest}`, authorization },
          { root: '/srv/git', findRepository: async (candidate) => (looked.push(candidate), undefined) },
        );
        reached += looked.length;
        for (const candidate of looked) {
          expect(isRepositoryName(candidate)).toBe(true);
          expect(candidate).not.toMatch(/^\.\.?$|[/%]/);
        }
      }),
      { numRuns: 300 },
    );
    expect(reached).toBeGreaterThan(0); // valid names do get looked up: the property is not vacuous
  });

  it('challenges a request without credentials, and one whose Authorization git could not have meant', async () => {
    const engine = createCredentialEngine();
    for (const authorization of [undefined, 'Negotiate abc', 'Basic !!!', 'Bearer not-an-absk-key']) {
      const decision = await decideGitRequest(
        engine,
        { method: 'GET', url: '/v1/repos/r/info/refs?service=git-upload-pack', authorization },
        { root: '/srv/git', findRepository: async () => 'r' },
      );
      expect(decision.kind === 'answer' && [decision.answer.status, decision.answer.headers['WWW-Authenticate']]).toEqual([
        401,
        'Basic realm="iam-service-credentials CodeCommit"',
      ]);
    }
  });
});

describe('login log lines', () => {
  it('name the presented user or key alias and the account, keep the line printable and bounded, and never carry the secret', () => {
    const line = formatLoginAttempt(
      { door: 'git', outcome: 'refused', presented: 'evil\nname at 111111111111', accountId: '111111111111', reason: 'wrong secret' },
      '10.0.0.9',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(line).toBe('2026-01-01T00:00:00.000Z git login refused user=evil?name?at?111111111111 account=111111111111 reason=wrong-secret client=10.0.0.9');
    const key = `ABSK${Buffer.from('alice-at-123456789012:s3cr3t+value').toString('base64')}`;
    const attempt = httpLoginAttempt('bedrock', `Bearer ${key}`, err(authenticationFailed('wrong secret')));
    expect(attempt).toEqual({ door: 'bedrock', outcome: 'refused', presented: 'alice-at-123456789012', accountId: '123456789012', reason: 'wrong secret' });
    expect(formatLoginAttempt(attempt, undefined)).not.toContain('s3cr3t');
    expect(formatLoginAttempt({ ...attempt, presented: 'x'.repeat(5000) }, undefined).length).toBeLessThan(400);
  });
});

describe('CGI head parsing', () => {
  it('reads Status and headers across chunks, LF or CRLF, and keeps the body start', () => {
    const parser = new CgiHeadParser();
    expect(parser.push(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r'))).toEqual({ kind: 'more' });
    const progress = parser.push(Buffer.from('\n\r\nbody'));
    expect(progress.kind === 'head' && [progress.head.status, progress.head.headers, progress.head.rest.toString()]).toEqual([
      404,
      [['Content-Type', 'text/plain']],
      'body',
    ]);
    const lf = new CgiHeadParser().push(Buffer.from('Content-Type: x\n\n'));
    expect(lf.kind === 'head' && lf.head.status).toBe(200);
  });

  it('refuses a malformed or endless head', () => {
    expect(new CgiHeadParser().push(Buffer.from('not a header\n\n')).kind).toBe('error');
    expect(new CgiHeadParser().push(Buffer.from('Status: abc\n\n')).kind).toBe('error');
    expect(new CgiHeadParser().push(Buffer.alloc(70 * 1024, 0x41)).kind).toBe('error');
  });
});

describe('Bedrock door (Sans-I/O)', () => {
  it('routes Converse and InvokeModel with percent-encoded model ids (ARNs), and only POST', () => {
    expect(routeBedrockRequest('POST', '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Afoundation-model%2Fx/converse')).toEqual({
      kind: 'converse',
      modelId: 'arn:aws:bedrock:us-east-1:123456789012:foundation-model/x',
    });
    expect(routeBedrockRequest('GET', '/model/m/converse')).toBeUndefined();
    expect(routeBedrockRequest('POST', '/model/%ZZ/converse')).toBeUndefined();
    expect(routeBedrockRequest('POST', '/model/m/converse-stream')).toEqual({ kind: 'unsupported', name: 'converse-stream' });
  });

  it('answers bad bodies and unknown routes with Bedrock errors, after a valid key only', async () => {
    const engine = createCredentialEngine();
    await engine.createUser({ UserName: 'alice' });
    const created = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com' });
    const key = created._unsafeUnwrap().ServiceSpecificCredential.ServiceCredentialSecret!;
    const ask = (url: string, body: string, authorization: string | null = `Bearer ${key}`) =>
      answerBedrockRequest(engine, { method: 'POST', url, authorization: authorization ?? undefined, body: Buffer.from(body) }, 'rid').then(({ answer }) => ({
        status: answer.status,
        type: answer.headers['x-amzn-errortype'],
      }));
    expect(await ask('/model/m/converse', '{not json')).toEqual({ status: 400, type: 'ValidationException' });
    expect(await ask('/model/m/converse', '{"messages":[]}')).toEqual({ status: 400, type: 'ValidationException' });
    expect(await ask('/model/m/converse', 'null')).toEqual({ status: 400, type: 'ValidationException' });
    expect(await ask('/model/m/converse-stream', '{}')).toEqual({ status: 400, type: 'ValidationException' });
    expect(await ask('/nope', '{}')).toEqual({ status: 404, type: 'UnknownOperationException' });
    expect(await ask('/nope', '{}', null)).toEqual({ status: 403, type: 'MissingAuthenticationTokenException' });
    expect(await ask('/model/m/converse', '{}', 'AWS4-HMAC-SHA256 Credential=AKID/x')).toEqual({ status: 403, type: 'AccessDeniedException' });
    expect(await ask('/model/m/converse', '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}')).toEqual({ status: 200, type: undefined });
  });
});
