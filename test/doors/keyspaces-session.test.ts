import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyReader, ByteQueue, ErrorCode, HEADER_BYTES, Opcode, bytes, frame, readHeader, string } from '../../src/protocol/cql/cql-codec.js';
import { ANSWER_BYTES_PER_TURN, type CqlAction, CqlSession, MAX_HELD_BYTES, badCredentialsMessage } from '../../src/protocol/cql/cql-session.js';

/** A request frame as a v4 client sends it. */
const request = (stream: number, opcode: number, body: Buffer): Buffer => {
  const out = frame(stream, opcode, body);
  out.writeUInt8(4, 0);
  return out;
};
const startup = request(1, Opcode.STARTUP, Buffer.concat([Buffer.from([0, 1]), string('CQL_VERSION'), string('3.0.0')]));
const authResponse = (token: Buffer) => request(2, Opcode.AUTH_RESPONSE, bytes(token));
const options = (stream: number) => request(stream, Opcode.OPTIONS, Buffer.alloc(0));

const sent = (actions: readonly CqlAction[]) =>
  actions.flatMap((action) => (action.kind === 'send' ? [{ ...readHeader(action.bytes), body: action.bytes.subarray(HEADER_BYTES) }] : []));
const sentBytes = (actions: readonly CqlAction[]) => actions.reduce((sum, action) => sum + (action.kind === 'send' ? action.bytes.length : 0), 0);
const errorOf = (body: Buffer) => {
  const reader = new BodyReader(body);
  return { code: reader.int(), message: reader.string() };
};

describe('a Keyspaces session answers in turns', () => {
  it('answers at most one turn of pipelined requests per call, keeps the rest queued, and answers all of them in order through continue()', () => {
    const count = 20_000;
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    let actions = session.receive(Buffer.concat(Array.from({ length: count }, (_, index) => options(index))));
    const streams: number[] = [];
    let turns = 0;
    for (;;) {
      turns += 1;
      const answers = sent(actions);
      // A turn stops once it has answered the budget: at most one answer past it.
      expect(sentBytes(actions) - (answers.at(-1)?.body.length ?? 0) - HEADER_BYTES).toBeLessThan(ANSWER_BYTES_PER_TURN);
      streams.push(...answers.map((answer) => answer.stream));
      if (!session.hasQueuedFrames) break;
      actions = session.continue();
    }
    expect(turns).toBeGreaterThan(1);
    expect(streams).toEqual(Array.from({ length: count }, (_, index) => index));
    expect(session.continue()).toEqual([]);
  });

  it('holds what arrives while a login is checked, up to MAX_HELD_BYTES; past it a protocol error, then close', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    const login = session.receive(Buffer.concat([startup, authResponse(Buffer.from('\0alice-at-123456789012\0pw'))]));
    expect(login.at(-1)?.kind).toBe('authenticate');
    expect(session.isVerifying).toBe(true);
    expect(session.receive(Buffer.alloc(MAX_HELD_BYTES))).toEqual([]);
    const over = session.receive(Buffer.alloc(1));
    expect(over.at(-1)).toEqual({ kind: 'close' });
    const [error] = sent(over);
    expect(error?.stream).toBe(2);
    expect(errorOf(error!.body)).toEqual({ code: ErrorCode.PROTOCOL_ERROR, message: `Too much data sent ahead of the answers (over ${MAX_HELD_BYTES} bytes held)` });
    expect(session.isClosed).toBe(true);
    expect(session.authenticated(true)).toEqual([]);
  });

  it('answers what was held once the login is accepted', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    session.receive(Buffer.concat([startup, authResponse(Buffer.from('\0alice-at-123456789012\0pw')), options(3), options(4)]));
    expect(sent(session.authenticated(true)).map((answer) => [answer.stream, answer.opcode])).toEqual([
      [2, Opcode.AUTH_SUCCESS],
      [3, Opcode.SUPPORTED],
      [4, Opcode.SUPPORTED],
    ]);
  });
});

describe('the chunk queue under the session', () => {
  it('gives back exactly the bytes pushed, however they were cut and taken, and what it gave stays intact (property)', () => {
    const chunk = fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 16_000, maxLength: 17_000 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(chunk, fc.array(fc.nat({ max: 20_000 }), { maxLength: 3 })), { maxLength: 12 }), (steps) => {
        const queue = new ByteQueue();
        const pushed: Buffer[] = [];
        const taken: [Buffer, Buffer][] = [];
        let offset = 0;
        for (const [bytesIn, takes] of steps) {
          queue.push(Buffer.from(bytesIn));
          pushed.push(Buffer.from(bytesIn));
          const all = Buffer.concat(pushed);
          for (const count of takes) {
            const expected = all.subarray(offset, Math.min(all.length, offset + count));
            // Buffer.equals: vitest's deep equality walks 16 KB buffers byte by byte, slowly.
            expect(queue.peek(count).equals(expected)).toBe(true);
            taken.push([queue.take(count), Buffer.from(expected)]);
            offset += expected.length;
            expect(queue.length).toBe(all.length - offset);
          }
        }
        for (const [view, expected] of taken) expect(view.equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps bytes that arrive one at a time in 16 KiB buffers, not one buffer per byte', () => {
    const queue = new ByteQueue();
    for (let index = 0; index < 100_000; index++) queue.push(Buffer.from([index & 0xff]));
    expect(queue.length).toBe(100_000);
    expect(queue.buffers).toBe(Math.ceil(100_000 / 16_384));
    expect(queue.take(100_000).equals(Buffer.from(Array.from({ length: 100_000 }, (_, index) => index & 0xff)))).toBe(true);
    expect(queue.buffers).toBe(0);
  });

  it('a 100 KB frame sent a byte at a time is answered once, after its last byte', () => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    const big = request(5, Opcode.OPTIONS, Buffer.alloc(100_000));
    const answers: CqlAction[] = [];
    for (const byte of big) answers.push(...session.receive(Buffer.from([byte])));
    expect(sent(answers).map((answer) => [answer.stream, answer.opcode])).toEqual([[5, Opcode.SUPPORTED]]);
  });
});

describe('what a refused login is told (Cassandra PasswordAuthenticator\'s messages)', () => {
  const refusal = (token: string | Buffer): string => {
    const session = new CqlSession({ localAddress: '127.0.0.1' });
    session.receive(Buffer.concat([startup, authResponse(Buffer.from(token))]));
    const actions = session.authenticated(false);
    expect(actions.at(-1)).toEqual({ kind: 'close' });
    const error = errorOf(sent(actions)[0]!.body);
    expect(error.code).toBe(ErrorCode.BAD_CREDENTIALS);
    return error.message;
  };

  it('names the user presented; an empty user name or password gets Cassandra\'s own message, never a sentence with a hole', () => {
    expect(refusal('\0bob-at-123456789012\0wrong')).toBe('Provided username bob-at-123456789012 and/or password are incorrect');
    expect(refusal('bob\0bob\0wrong')).toBe('Provided username bob and/or password are incorrect');
    expect(refusal('other\0bob\0wrong')).toBe('Provided username bob and/or password are incorrect');
    expect(refusal('\0\0password')).toBe('Authentication ID must not be null');
    expect(refusal('\0password')).toBe('Authentication ID must not be null');
    expect(refusal('\0bob\0')).toBe('Password must not be null');
    expect(refusal('')).toBe('Password must not be null');
    expect(refusal('no-nul-at-all')).toBe('Password must not be null');
    expect(refusal('\0\0bob\0pw')).toBe('Credential format error: username or password is empty or contains NUL(\\0) character');
  });

  it('is Cassandra\'s message for the parts presented, whatever they are (property); at most 4 KiB of a name is echoed', () => {
    const part = fc.string({ maxLength: 12 }).filter((text) => !text.includes('\0'));
    fc.assert(
      fc.property(part, part, part, (authzid, user, password) => {
        const expected =
          password === '' ? 'Password must not be null'
          : user === '' ? 'Authentication ID must not be null'
          : `Provided username ${user} and/or password are incorrect`;
        expect(badCredentialsMessage(Buffer.from(`${authzid}\0${user}\0${password}`))).toBe(expected);
      }),
    );
    const long = badCredentialsMessage(Buffer.concat([Buffer.from('\0'), Buffer.alloc(200_000, 'a'), Buffer.from('\0pw')]));
    expect(long).toBe(`Provided username ${'a'.repeat(4096)} and/or password are incorrect`);
  });
});
