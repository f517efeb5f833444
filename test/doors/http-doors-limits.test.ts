import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { type ClientHttp2Session, connect as connectHttp2, constants as h2constants } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BedrockRuntimeClient, ServiceUnavailableException } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createBedrockServer } from '../../src/protocol/bedrock/bedrock-server.js';
import { type ListeningDoor, listenDoor, resolveHttpDoorLimits } from '../../src/protocol/front-door/door-server.js';
import { createGitServer } from '../../src/protocol/git/git-server.js';
import { converseWith } from './bedrock-support.js';
import { converse, holdOpen } from './http-doors-raw.js';

/**
 * The limits each HTTP door enforces, on real sockets. The timeouts are made small (hundreds of milliseconds) so that a client
 * dripping bytes for two seconds outlives them many times over: the assertions are about who closes the connection and what it
 * was told, never about how fast.
 */
const SMALL = { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 800 } as const;
const engine = createCredentialEngine();
let work: string;
const doors: ListeningDoor[] = [];

const listen = async (server: Parameters<typeof listenDoor>[0]): Promise<number> => {
  const door = await listenDoor(server, 0, '127.0.0.1');
  doors.push(door);
  return door.address.port;
};

/** A request line and headers, then one more header byte every 50 ms for two seconds. */
const slowHeaders = (path: string): (string | number)[] => [
  `POST ${path} HTTP/1.1\r\nHost: x\r\n`,
  ...Array.from({ length: 40 }, () => ['X', 50]).flat(),
];

/** Complete headers announcing 50 bytes of body, then one body byte every 50 ms for two seconds. */
const slowBody = (path: string): (string | number)[] => [
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n`,
  ...Array.from({ length: 40 }, () => ['a', 50]).flat(),
];

let bedrockPort: number;
let gitPort: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'http-doors-limits-'));
  await promisify(execFile)('git', ['init', '--bare', '-q', join(work, 'demo.git')]);
  bedrockPort = await listen(createBedrockServer(engine, { limits: SMALL }));
  gitPort = await listen(createGitServer(engine, { root: work, limits: SMALL }));
});

afterAll(async () => {
  await Promise.all(doors.map((door) => door.close(0)));
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the Bedrock door over HTTP/1.1 enforces its timeouts with 408, as the IAM and Git ports do', () => {
  it('cuts off a client that sends its headers one byte at a time', async () => {
    const answer = await converse(bedrockPort, slowHeaders('/model/m/converse'));
    expect(answer.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\n/);
    expect(answer.closedByServer).toBe(true);
  });

  it('cuts off a client that sends its body one byte at a time', async () => {
    const answer = await converse(bedrockPort, slowBody('/model/m/converse'));
    expect(answer.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.closedByServer).toBe(true);
  });

  it('closes a connection that never sends a byte, with 408', async () => {
    const answer = await converse(bedrockPort, [2_000]);
    expect(answer.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.closedByServer).toBe(true);
  });

  it('still answers a request that arrives in time', async () => {
    const answer = await converse(bedrockPort, ['POST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}']);
    expect(answer.received).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer.received).toContain('MissingAuthenticationTokenException');
  });
});

describe('the Git door enforces the same timeouts', () => {
  it('cuts off a client that sends its headers one byte at a time', async () => {
    const answer = await converse(gitPort, slowHeaders('/v1/repos/demo/git-upload-pack'));
    expect(answer.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.closedByServer).toBe(true);
  });

  it('closes a connection that never sends a byte, with 408', async () => {
    const answer = await converse(gitPort, [2_000]);
    expect(answer.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.closedByServer).toBe(true);
  });
});

const session = (port: number): Promise<ClientHttp2Session> =>
  new Promise((resolve, reject) => {
    const client = connectHttp2(`http://127.0.0.1:${port}`);
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });

describe('the Bedrock door over HTTP/2 enforces its request and idle timeouts', () => {
  it('answers 408 to a stream whose body does not arrive within the request timeout', async () => {
    // A long idle timeout: the session must outlive the second the door waits before it resets the stream.
    const client = await session(await listen(createBedrockServer(engine, { limits: { ...SMALL, idleTimeoutMs: 60_000 } })));
    try {
      const stream = client.request({ ':method': 'POST', ':path': '/model/m/converse', 'content-length': '50' }, { endStream: false });
      stream.write('a');
      const [status] = await new Promise<[number | undefined]>((resolve) => {
        stream.on('response', (headers) => resolve([headers[':status']]));
        stream.on('error', () => resolve([undefined]));
        stream.on('close', () => resolve([undefined]));
      });
      expect(status).toBe(408);
      // The client never finishes its request: the door then resets the stream without error (RFC 9113 section 8.1).
      stream.resume();
      const rstCode = await new Promise<number>((resolve) => stream.on('close', () => resolve(stream.rstCode ?? -1)));
      expect(rstCode).toBe(h2constants.NGHTTP2_NO_ERROR);
    } finally {
      client.destroy();
    }
  });

  it('closes a connection whose header block arrives one byte at a time, after the header timeout, not the idle one', async () => {
    // node:http2 shows a request only once its header block is whole; until then only its idle timeout bounded such a client.
    const port = await listen(createBedrockServer(engine, { limits: { ...SMALL, idleTimeoutMs: 60_000 } }));
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const settings = Buffer.from([0, 0, 0, 0x04, 0, 0, 0, 0, 0]);
    // HEADERS, 60 bytes, END_STREAM | END_HEADERS, stream 1; then its payload one byte every 50 ms (three seconds).
    const headersFrameHeader = Buffer.from([0, 0, 60, 0x01, 0x05, 0, 0, 0, 1]);
    const answer = await converse(port, [preface, settings, headersFrameHeader, ...Array.from({ length: 60 }, () => [Buffer.from([0x82]), 50]).flat()]);
    expect(answer.closedByServer).toBe(true);
    expect(answer.stepsDone).toBeLessThan(3 + 2 * 60);
  });

  it('closes a session that stays idle past the idle timeout', async () => {
    const client = await session(bedrockPort);
    const closed = await new Promise<boolean>((resolve) => {
      client.on('close', () => resolve(true));
      client.on('error', () => undefined);
      setTimeout(() => resolve(false), 3_000);
    });
    client.destroy();
    expect(closed).toBe(true);
  });
});

describe('the Bedrock door limits request heads to 16 KiB over both protocols', () => {
  /** One HTTP/2 request with an `x-big` header of `size` bytes: its `:status`, or the code of the stream's reset. */
  const http2Answer = async (size: number): Promise<number | string> => {
    const client = await session(bedrockPort);
    client.on('error', () => undefined);
    try {
      return await new Promise<number | string>((resolve) => {
        const stream = client.request({ ':method': 'POST', ':path': '/model/m/converse', 'x-big': 'a'.repeat(size) });
        stream.end('{}');
        stream.on('response', (headers) => resolve(headers[':status'] ?? 'no status'));
        stream.on('error', () => resolve(`reset ${stream.rstCode}`));
        stream.on('close', () => resolve(`closed ${stream.rstCode}`));
      });
    } finally {
      client.destroy();
    }
  };

  it('HTTP/2: a header list under 16 KiB is read (403: no credentials), 16 KiB to 64 KiB gets 431, more is reset REFUSED_STREAM', async () => {
    expect(await http2Answer(15_000)).toBe(403);
    expect(await http2Answer(16_500)).toBe(431);
    expect(await http2Answer(20_000)).toBe(431);
    expect(await http2Answer(60_000)).toBe(431);
    expect(await http2Answer(100_000)).toBe(`reset ${h2constants.NGHTTP2_REFUSED_STREAM}`);
  });

  it('HTTP/2: the door advertises its limits in its SETTINGS (header list, windows, concurrent requests)', async () => {
    const client = await session(bedrockPort);
    try {
      if (client.remoteSettings.maxConcurrentStreams === undefined || client.remoteSettings.initialWindowSize === 65_535) {
        await new Promise((resolve) => client.once('remoteSettings', resolve));
      }
      expect(client.remoteSettings).toMatchObject({ maxHeaderListSize: 64 * 1024, initialWindowSize: 1024 * 1024 + 64 * 1024, maxConcurrentStreams: 100 });
      // The connection window is opened by a WINDOW_UPDATE, not a setting: it shows as what the client may send.
      await new Promise((resolve) => client.ping(resolve));
      expect(client.state.remoteWindowSize).toBe(4 * (1024 * 1024 + 64 * 1024));
    } finally {
      client.destroy();
    }
  });

  it('HTTP/1.1: a head over 16 KiB gets 431', async () => {
    const answer = await converse(bedrockPort, [`POST /model/m/converse HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(answer.received).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });
});

/** The server learns of a client's close a moment after the client: a request sent right after may still meet the cap. */
const onceServed = async (port: number, request: string): Promise<string> => {
  for (let attempt = 0; ; attempt++) {
    const answer = await converse(port, [request]);
    if (!answer.received.startsWith('HTTP/1.1 503') || attempt === 20) return answer.received;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('each HTTP door caps its open connections', () => {
  const LONG = { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxConnections: 2 } as const;

  it('Bedrock: past the cap a connection gets 503 ServiceUnavailableException and is closed; when one closes, there is room again', async () => {
    const port = await listen(createBedrockServer(engine, { limits: LONG }));
    const held = [await holdOpen(port), await holdOpen(port)];
    const refused = await converse(port, ['POST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}']);
    expect(refused.received).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused.received).toContain('x-amzn-ErrorType: ServiceUnavailableException');
    expect(refused.closedByServer).toBe(true);

    // An HTTP/2 client past the cap is refused too (it reads the HTTP/1.1 refusal as a broken connection).
    const refusedHttp2 = await new Promise<boolean>((resolve) => {
      const client = connectHttp2(`http://127.0.0.1:${port}`);
      client.on('error', () => resolve(true));
      client.on('close', () => resolve(true));
      client.on('connect', () => {
        const stream = client.request({ ':method': 'POST', ':path': '/model/m/converse' });
        stream.on('response', () => resolve(false));
        stream.on('error', () => undefined);
        stream.end('{}');
      });
    });
    expect(refusedHttp2).toBe(true);

    // The Bedrock Runtime SDK over HTTP/1.1 raises it as its typed ServiceUnavailableException.
    const sdk = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      token: { token: 'ABSKbm90OmFrZXk=' },
      authSchemePreference: ['httpBearerAuth'],
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    const sdkRefusal = await converseWith(sdk).then(
      () => undefined,
      (error: unknown) => error,
    );
    sdk.destroy();
    expect(sdkRefusal).toBeInstanceOf(ServiceUnavailableException);
    expect((sdkRefusal as ServiceUnavailableException).$metadata.httpStatusCode).toBe(503);

    held[0]?.close();
    await held[0]?.closed;
    const served = await onceServed(port, 'POST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(served).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    held[1]?.close();
  });

  it('Git: past the cap a connection gets 503 and is closed', async () => {
    const port = await listen(createGitServer(engine, { root: work, limits: { ...LONG, maxConnections: 1 } }));
    const held = await holdOpen(port);
    const refused = await converse(port, ['GET /v1/repos/demo/info/refs?service=git-upload-pack HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(refused.received).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused.closedByServer).toBe(true);
    held.close();
    await held.closed;
    const served = await onceServed(port, 'GET /v1/repos/demo/info/refs?service=git-upload-pack HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(served).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
  });
});

describe('the limits a door is given', () => {
  const DEFAULTS = { headersTimeoutMs: 30_000, requestTimeoutMs: 60_000, idleTimeoutMs: 120_000 };
  const anyValue = fc.oneof(fc.integer({ min: -5, max: 200_000 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, 0));

  it('always resolve to values node:http accepts: whole, at least 0, the request timeout not under the header timeout', () => {
    fc.assert(
      fc.property(fc.record({ headersTimeoutMs: anyValue, requestTimeoutMs: anyValue, idleTimeoutMs: anyValue, maxConnections: anyValue }, { requiredKeys: [] }), (given) => {
        const limits = resolveHttpDoorLimits(given, DEFAULTS);
        for (const value of [limits.headersTimeoutMs, limits.requestTimeoutMs, limits.idleTimeoutMs, limits.maxConnections]) {
          expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
        }
        if (limits.headersTimeoutMs > 0 && limits.requestTimeoutMs > 0) expect(limits.requestTimeoutMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs);
        const valid = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
        if (valid(given.headersTimeoutMs)) expect(limits.headersTimeoutMs).toBe(given.headersTimeoutMs);
        else expect(limits.headersTimeoutMs).toBe(DEFAULTS.headersTimeoutMs);
        const server = createHttpServer({
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          connectionsCheckingInterval: limits.checkEveryMs,
        });
        server.close();
      }),
    );
  });

  it('with every timeout turned off, a request that takes its time is still answered', async () => {
    const port = await listen(createBedrockServer(engine, { limits: { headersTimeoutMs: 0, requestTimeoutMs: 0, idleTimeoutMs: 0 } }));
    const answer = await converse(port, ['P', 300, 'OST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}']);
    expect(answer.received).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
  });
});
