import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createBedrockServer, detectHttpVersion } from '../../src/protocol/bedrock/bedrock-server.js';
import { type ListeningDoor, listenDoor } from '../../src/protocol/front-door/door-server.js';
import { converse } from './http-doors-raw.js';

/**
 * The Bedrock door speaks HTTP/1.1 and HTTP/2 on one port and tells them apart by the first bytes. A first TCP segment may be as
 * short as one byte, and `P` starts both `POST` and the HTTP/2 preface: the door must wait while what it has is still a prefix of
 * the preface.
 */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** An empty SETTINGS frame: what an HTTP/2 client sends right after the preface. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 0x04, 0, 0, 0, 0, 0]);
const HTTP1_REQUEST = Buffer.from('POST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');

const isProperPrefixOfPreface = (bytes: Uint8Array): boolean =>
  bytes.length < PREFACE.length && PREFACE.subarray(0, bytes.length).equals(bytes);

describe('detectHttpVersion', () => {
  it('is undecided exactly while the bytes are a proper prefix of the HTTP/2 preface, at every split of both openings', () => {
    for (let split = 0; split <= HTTP1_REQUEST.length; split++) {
      const head = HTTP1_REQUEST.subarray(0, split);
      expect(detectHttpVersion(head), `HTTP/1.1 split at ${split}`).toBe(split <= 1 ? 'undecided' : 'http1');
    }
    const http2Opening = Buffer.concat([PREFACE, EMPTY_SETTINGS]);
    for (let split = 0; split <= http2Opening.length; split++) {
      expect(detectHttpVersion(http2Opening.subarray(0, split)), `HTTP/2 split at ${split}`).toBe(split < PREFACE.length ? 'undecided' : 'http2');
    }
  });

  it('for any bytes: undecided iff a proper prefix of the preface; once decided, more bytes never change the decision', () => {
    const prefaceLike = fc.nat({ max: PREFACE.length }).chain((length) =>
      fc.uint8Array({ maxLength: 40 }).map((tail) => Buffer.concat([PREFACE.subarray(0, length), tail])),
    );
    fc.assert(
      fc.property(fc.oneof(prefaceLike, fc.uint8Array({ maxLength: 40 })), fc.uint8Array({ maxLength: 40 }), (bytes, more) => {
        const decision = detectHttpVersion(bytes);
        expect(decision === 'undecided').toBe(isProperPrefixOfPreface(bytes));
        if (decision !== 'undecided') expect(detectHttpVersion(Buffer.concat([bytes, more]))).toBe(decision);
        if (decision === 'http2') expect(Buffer.from(bytes.subarray(0, PREFACE.length)).equals(PREFACE)).toBe(true);
      }),
    );
  });
});

let door: ListeningDoor;
let port: number;

beforeAll(async () => {
  door = await listenDoor(createBedrockServer(createCredentialEngine(), { limits: { headersTimeoutMs: 400, requestTimeoutMs: 800 } }), 0, '127.0.0.1');
  port = door.address.port;
});

afterAll(async () => {
  await door?.close(0);
});

/** The first frame the server sent, if it is an HTTP/2 SETTINGS frame on stream 0 (what a server's connection preface is). */
const startsWithServerSettings = (received: string): boolean => {
  const bytes = Buffer.from(received, 'latin1');
  return bytes.length >= 9 && bytes[3] === 0x04 && bytes.readUInt32BE(5) === 0;
};

describe('the Bedrock door on a real socket', () => {
  it('answers an HTTP/1.1 request whose first segment is `P` as HTTP/1.1', async () => {
    const answer = await converse(port, ['P', 100, HTTP1_REQUEST.subarray(1)]);
    expect(answer.received).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer.received).toContain('MissingAuthenticationTokenException');
  });

  // Each HTTP/1.1 conversation ends when the server closes (Connection: close); each HTTP/2 one lingers two seconds for the
  // server's SETTINGS. The lingering only gives a loaded machine time; nothing is measured.
  it('answers HTTP/1.1 at every split point of an HTTP/1.1 request, and HTTP/2 at every split point of the preface', async () => {
    const splits = (bytes: Buffer): number[] => Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    const http2Opening = Buffer.concat([PREFACE, EMPTY_SETTINGS]);
    const http1Answers = await Promise.all(
      splits(HTTP1_REQUEST).map((split) => converse(port, [HTTP1_REQUEST.subarray(0, split), 30, HTTP1_REQUEST.subarray(split)], 10_000)),
    );
    http1Answers.forEach((answer, index) => expect(answer.received, `split at ${index + 1}`).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/));
    const http2Answers = await Promise.all(
      splits(http2Opening).map((split) => converse(port, [http2Opening.subarray(0, split), 30, http2Opening.subarray(split)], 2_000)),
    );
    http2Answers.forEach((answer, index) => expect(startsWithServerSettings(answer.received), `split at ${index + 1}`).toBe(true));
  }, 30_000);

  it('closes a connection that sends `P` and stops, with 408 after the header timeout', async () => {
    const answer = await converse(port, ['P', 2_000]);
    expect(answer.received).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(answer.closedByServer).toBe(true);
  });

  it('answers 400 to a connection that sends `PR` and closes its side', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      import('node:net').then(({ connect }) => {
        const socket = connect(port, '127.0.0.1', () => socket.end('PR'));
        let received = '';
        socket.on('data', (data) => (received += data.toString('latin1')));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      }, reject);
    });
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
});
