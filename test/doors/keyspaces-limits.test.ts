import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultAsync } from 'neverthrow';
import { type CredentialEngine, createCredentialEngine } from '../../src/index.js';
import { HEADER_BYTES, Opcode, bytes, frame, readHeader, string } from '../../src/protocol/cql/cql-codec.js';
import { DEFAULT_MAX_CQL_CONNECTIONS, createCqlServer } from '../../src/protocol/cql/cql-server.js';
import { type ListeningDoor, listenDoor } from '../../src/protocol/front-door/door-server.js';
import { listeningUrl, runCommand } from '../support/serve-process.js';

/**
 * What one client without credentials can make the Keyspaces door hold: requests pipelined and answers never read must stop the
 * door reading (back-pressure), not grow its memory; connections past the door's cap are closed at once.
 */

/** An OPTIONS request frame as a v4 client sends it (version byte 0x04). */
const options = (stream: number): Buffer => {
  const out = frame(stream, Opcode.OPTIONS, Buffer.alloc(0));
  out.writeUInt8(4, 0);
  return out;
};

/** `count` OPTIONS frames back to back, streams 0, 1, 2, ... (wrapping within the positive stream ids). */
const pipelinedOptions = (count: number): Buffer => {
  const one = options(0);
  const out = Buffer.alloc(count * one.length);
  for (let index = 0; index < count; index++) {
    one.copy(out, index * one.length);
    out.writeInt16BE(index % 32_768, index * one.length + 2);
  }
  return out;
};

const settle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `value()` stops changing for `quietPolls` polls in a row (or `done()`), and returns its last value. */
const waitUntilStill = async (value: () => number, done: () => boolean, quietPolls = 5, pollMs = 100): Promise<number> => {
  let last = value();
  let quiet = 0;
  while (quiet < quietPolls && !done()) {
    await settle(pollMs);
    const now = value();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return last;
};

/** Connects and sends one OPTIONS; resolves with the first answer's opcode, or `closed` when the door closes without answering. */
const firstAnswer = (port: number): Promise<{ socket: Socket; answer: number | 'closed' }> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(options(7)));
    let received: Buffer = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= HEADER_BYTES) resolve({ socket, answer: readHeader(received).opcode });
    });
    socket.on('close', () => resolve({ socket, answer: 'closed' }));
  });

const engine = createCredentialEngine();

describe('a client that pipelines requests and never reads the answers (in-process door)', () => {
  let door: ListeningDoor;
  const serverSockets: Socket[] = [];

  beforeAll(async () => {
    const server = createCqlServer(engine);
    server.on('connection', (socket: Socket) => serverSockets.push(socket));
    door = await listenDoor(server, 0, '127.0.0.1');
  });

  afterAll(async () => {
    await door?.close(0);
  });

  it('stops the door reading once the unread answers fill the socket: bounded send buffer, the rest left with the client; every answer arrives in order once it reads', async () => {
    const frames = 480_000; // 4.3 MiB of requests, 23 MiB of answers: more than the kernel's buffers on both sides take
    const client = connect(door.address.port, '127.0.0.1');
    client.on('error', () => undefined);
    await once(client, 'connect');
    client.pause(); // reads nothing: the answers pile up in the kernel, then at the door
    const server = serverSockets.at(-1) as Socket;
    let maxUnsent = 0;
    server.on('data', () => (maxUnsent = Math.max(maxUnsent, server.writableLength)));
    const requests = pipelinedOptions(frames);
    client.write(requests);

    await waitUntilStill(() => server.bytesRead, () => server.bytesRead === requests.length);
    // The door stopped reading (the rest of the requests wait in the client and the kernel), and what it keeps unsent is small.
    expect(server.bytesRead).toBeLessThan(requests.length);
    expect(maxUnsent).toBeLessThanOrEqual(256 * 1024);
    expect(server.writableLength).toBeLessThanOrEqual(256 * 1024);

    // Meanwhile the door answers another client.
    const other = await firstAnswer(door.address.port);
    expect(other.answer).toBe(Opcode.SUPPORTED);
    other.socket.destroy();

    // Once the client reads, every request is answered, in order.
    let received: Buffer = Buffer.alloc(0);
    let answered = 0;
    let inOrder = true;
    const all = new Promise<void>((resolve) => {
      client.on('data', (data: Buffer) => {
        received = received.length === 0 ? data : Buffer.concat([received, data]);
        let offset = 0;
        while (received.length - offset >= HEADER_BYTES) {
          const header = readHeader(received.subarray(offset));
          if (received.length - offset < HEADER_BYTES + header.length) break;
          inOrder &&= header.opcode === Opcode.SUPPORTED && header.stream === answered % 32_768;
          answered += 1;
          offset += HEADER_BYTES + header.length;
        }
        received = received.subarray(offset);
        if (answered === frames) resolve();
      });
    });
    client.resume();
    await all;
    expect(inOrder).toBe(true);
    expect(maxUnsent).toBeLessThanOrEqual(256 * 1024);
    client.destroy();
  }, 120_000);
});

describe('a client that pipelines requests while its login is being checked', () => {
  it('is not read until the check ends; then every request is answered, in order', async () => {
    const user = await engine.createUser({ UserName: 'gatekeeper' });
    expect(user.isOk()).toBe(true);
    const created = await engine.createServiceSpecificCredential({ UserName: 'gatekeeper', ServiceName: 'cassandra.amazonaws.com' });
    const credential = created._unsafeUnwrap().ServiceSpecificCredential;
    // The engine's authenticate, held until the test lets it go.
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: CredentialEngine = new Proxy(engine, {
      get: (target, property, receiver) =>
        property === 'authenticate'
          ? (...args: Parameters<CredentialEngine['authenticate']>) => new ResultAsync(released.then(() => target.authenticate(...args)))
          : Reflect.get(target, property, receiver),
    });
    const serverSockets: Socket[] = [];
    const server = createCqlServer(held);
    server.on('connection', (socket: Socket) => serverSockets.push(socket));
    const door = await listenDoor(server, 0, '127.0.0.1');
    try {
      const client = connect(door.address.port, '127.0.0.1');
      client.on('error', () => undefined);
      await once(client, 'connect');
      const login = Buffer.concat([
        frame(1, Opcode.STARTUP, Buffer.concat([Buffer.from([0, 1]), string('CQL_VERSION'), string('3.0.0')])),
        frame(2, Opcode.AUTH_RESPONSE, bytes(Buffer.from(`\0${credential.ServiceUserName}\0${credential.ServicePassword}`))),
      ]);
      login.writeUInt8(4, 0);
      login.writeUInt8(4, HEADER_BYTES + login.readUInt32BE(5));
      const frames = 400_000; // 3.6 MiB after the login
      const requests = pipelinedOptions(frames);
      client.write(Buffer.concat([login, requests]));
      const serverSide = serverSockets[0] as Socket;
      await waitUntilStill(() => serverSide.bytesRead, () => serverSide.bytesRead === login.length + requests.length);
      // While the check was pending, nothing past the read that brought the login and one more (which node's socket keeps in its
      // readable buffer before it stops reading the handle): reads are at most 64 KiB.
      expect(serverSide.bytesRead).toBeLessThanOrEqual(login.length + 2 * 64 * 1024);

      let received: Buffer = Buffer.alloc(0);
      const opcodes: number[] = [];
      let inOrder = true;
      const all = new Promise<void>((resolve) => {
        client.on('data', (data: Buffer) => {
          received = received.length === 0 ? data : Buffer.concat([received, data]);
          let offset = 0;
          while (received.length - offset >= HEADER_BYTES) {
            const header = readHeader(received.subarray(offset));
            if (received.length - offset < HEADER_BYTES + header.length) break;
            if (opcodes.length >= 2) inOrder &&= header.opcode === Opcode.SUPPORTED && header.stream === (opcodes.length - 2) % 32_768;
            opcodes.push(header.opcode);
            offset += HEADER_BYTES + header.length;
          }
          received = received.subarray(offset);
          if (opcodes.length === frames + 2) resolve();
        });
      });
      release();
      await all;
      expect(opcodes.slice(0, 2)).toEqual([Opcode.AUTHENTICATE, Opcode.AUTH_SUCCESS]);
      expect(inOrder).toBe(true);
      client.destroy();
    } finally {
      await door.close(0);
    }
  }, 120_000);
});

describe('the door\'s connection cap', () => {
  it('is 256 by default and configurable', () => {
    expect(createCqlServer(engine).maxConnections).toBe(DEFAULT_MAX_CQL_CONNECTIONS);
    expect(DEFAULT_MAX_CQL_CONNECTIONS).toBe(256);
    expect(createCqlServer(engine, { maxConnections: 3 }).maxConnections).toBe(3);
  });

  it('closes a connection past the cap at once, without a byte; a place freed is taken again', async () => {
    const door = await listenDoor(createCqlServer(engine, { maxConnections: 2 }), 0, '127.0.0.1');
    try {
      const first = await firstAnswer(door.address.port);
      const second = await firstAnswer(door.address.port);
      expect([first.answer, second.answer]).toEqual([Opcode.SUPPORTED, Opcode.SUPPORTED]);
      const third = await firstAnswer(door.address.port);
      expect(third.answer).toBe('closed');
      expect(third.socket.bytesRead).toBe(0);

      first.socket.destroy();
      let again = await firstAnswer(door.address.port);
      // The door counts the freed connection once it sees it close; until then a newcomer is still refused.
      while (again.answer === 'closed') {
        await settle(20);
        again = await firstAnswer(door.address.port);
      }
      expect(again.answer).toBe(Opcode.SUPPORTED);
      second.socket.destroy();
      again.socket.destroy();
    } finally {
      await door.close(0);
    }
  });
});

/** The resident memory of a process, MiB, and the bytes it has read so far (sockets included), from Linux's /proc. */
const residentMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) / 1024;
};
const bytesReadBy = (pid: number): number => Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);

describe('the serve command with a small heap, against a client that pipelines 32 MiB of OPTIONS and reads nothing', () => {
  it('stops reading it and stays up with its memory bounded: the IAM endpoint\'s health and the door keep answering', async () => {
    // 64 MiB of heap: the door used to keep ~24 bytes of answers and write requests per byte received, and died of it.
    const serve = runCommand(['serve', '--port', '0', '--keyspaces-port', '0', '--quiet'], { NODE_OPTIONS: '--max-old-space-size=64' });
    try {
      const iam = await listeningUrl(serve);
      const port = Number((await serve.waitFor(/keyspaces \(CQL native protocol v4\) door listening on \S+:(\d+)/))[1]);
      const pid = serve.child.pid as number;
      const exited = { now: false };
      void serve.exit.then(() => (exited.now = true));
      const client = connect(port, '127.0.0.1');
      client.on('error', () => undefined);
      await once(client, 'connect');
      client.pause();
      const before = { memory: residentMiB(pid), read: bytesReadBy(pid) };
      const total = 32 * 1024 * 1024;
      client.write(pipelinedOptions(Math.ceil(total / HEADER_BYTES)));
      // Until the server reads no more for 3 s (it stopped reading: the rest waits in the kernel and the client), or dies. The old
      // door kept reading (slower and slower, its heap full of answers) until it died. Counted in 16 KiB: node's own wake-ups read
      // 8 bytes now and then.
      await waitUntilStill(() => (exited.now ? -1 : Math.floor(bytesReadBy(pid) / 16_384)), () => exited.now, 30, 100);

      expect(exited.now, serve.stderr()).toBe(false);
      expect(bytesReadBy(pid) - before.read).toBeLessThan(total / 2);
      expect(residentMiB(pid) - before.memory).toBeLessThan(32);
      const health = await fetch(`${iam}/_iam-service-credentials/health`);
      expect(health.status).toBe(200);
      const other = await firstAnswer(port);
      expect(other.answer).toBe(Opcode.SUPPORTED);
      other.socket.destroy();
      client.destroy();
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exit;
    }
  }, 180_000);
});
