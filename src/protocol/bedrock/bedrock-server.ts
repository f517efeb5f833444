import { type IncomingMessage, type ServerResponse, createServer as createHttp1Server } from 'node:http';
import { type Http2ServerRequest, type Http2ServerResponse, createServer as createH2cServer } from 'node:http2';
import { type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { Duplex } from 'node:stream';
import type { CredentialEngine } from '../../index.js';
import { type LoginObservers, reportLoginAttempt } from '../front-door/login-attempt.js';
import { MAX_BEDROCK_BODY_BYTES, answerBedrockRequest } from './bedrock-door.js';

/** The Bedrock door's options: who hears of its login attempts. */
export type BedrockServerOptions = LoginObservers;

/** The client preface every HTTP/2 connection starts with (RFC 9113 section 3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * The socket as a stream that starts with the bytes already read from it. Node's HTTP/2 server reads a TCP socket's handle
 * directly, so bytes put back with unshift() would be lost; given a plain Duplex it reads through the stream instead.
 */
const replaying = (first: Buffer, socket: Socket): Duplex => {
  const stream = new Duplex({
    read: () => socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => socket.write(chunk, callback),
    final: (callback) => socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  // Node wraps this stream in a socket without a peer address; the log reads the client's address from here (see clientOf).
  Object.defineProperty(stream, 'remoteAddress', { value: socket.remoteAddress });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
};

type Request = IncomingMessage | Http2ServerRequest;

/** The client address: the TCP socket's, or (HTTP/2) that of the replaying stream the socket was wrapped in. */
const clientOf = (req: Request): string | undefined => {
  const socket = req.socket as (typeof req.socket & { stream?: { remoteAddress?: string } }) | undefined;
  return socket?.remoteAddress ?? socket?.stream?.remoteAddress;
};
type Response = ServerResponse | Http2ServerResponse;

/**
 * The Bedrock door on one port for both HTTP/1.1 and cleartext HTTP/2 (the Bedrock Runtime SDK's default handler speaks HTTP/2):
 * the first bytes of a connection pick the parser. The rest is glue around answerBedrockRequest.
 */
export const createBedrockServer = (engine: CredentialEngine, options: BedrockServerOptions = {}): Server => {
  const handle = (req: Request, res: Response): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BEDROCK_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      const header = req.headers['authorization'];
      const request = { method: req.method ?? 'GET', url: req.url ?? '/', authorization: typeof header === 'string' ? header : undefined };
      const body = tooLarge ? undefined : Buffer.concat(chunks);
      const answering =
        body === undefined
          ? Promise.resolve({
              answer: { status: 413, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' }, body: '{"message":"Request body too large"}' },
              attempt: undefined,
            })
          : answerBedrockRequest(engine, { ...request, body });
      answering.then(
        ({ answer, attempt }) => {
          if (attempt !== undefined) reportLoginAttempt(options, attempt, clientOf(req));
          if (res.writableEnded || res.destroyed) return;
          (res as ServerResponse).writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
          res.end(answer.body);
        },
        () => res.destroy(),
      );
    });
  };
  const http1 = createHttp1Server({ requestTimeout: 60_000, headersTimeout: 30_000, maxHeaderSize: 16 * 1024 }, handle);
  const h2c = createH2cServer({ maxSessionMemory: 10 }, handle);
  h2c.on('sessionError', () => undefined);
  const server = createTcpServer((socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.setTimeout(120_000, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      const isH2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      if (isH2) {
        h2c.emit('connection', replaying(first, socket));
      } else {
        socket.unshift(first);
        http1.emit('connection', socket);
      }
    });
  });
  server.on('close', () => {
    http1.close();
    h2c.close();
  });
  return server;
};
