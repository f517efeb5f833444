import type { DoorAuthorizationOptions } from '../front-door/door-authorization.js';
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttp1Server } from 'node:http';
import { type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session, constants as h2, createServer as createH2cServer } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { CredentialEngine } from '../../index.js';
import { gateConnections, sendAndClose, takeConnectionHandling } from '../front-door/connection-limit.js';
import { type HttpDoorLimits, resolveHttpDoorLimits } from '../front-door/door-server.js';
import { type LoginObservers, reportLoginAttempt } from '../front-door/login-attempt.js';
import { MAX_BEDROCK_BODY_BYTES, answerBedrockRequest } from './bedrock-door.js';
import { Http2FrameWatch } from './http2-frame-watch.js';

export interface BedrockServerOptions extends LoginObservers, DoorAuthorizationOptions {
  /** Timeouts and the connection cap; each defaults to BEDROCK_DOOR_LIMITS (and 1024 connections). */
  readonly limits?: HttpDoorLimits;
}

/** The Bedrock door's timeouts unless told otherwise. */
export const BEDROCK_DOOR_LIMITS = { headersTimeoutMs: 30_000, requestTimeoutMs: 60_000, idleTimeoutMs: 120_000 } as const;

/** The largest request head read: HTTP/1.1 header bytes, or an HTTP/2 header list as RFC 9113 counts it. Larger gets 431. */
export const MAX_BEDROCK_HEADER_BYTES = 16 * 1024;

/**
 * The largest HTTP/2 header list decoded at all; between MAX_BEDROCK_HEADER_BYTES and this a request is answered 431, above it
 * node's HTTP/2 stack resets the stream (RFC 9113 allows either; 431 needs the header block decoded first).
 */
const MAX_H2_HEADER_LIST_BYTES = 64 * 1024;

/**
 * HTTP/2 flow-control windows: how much request body a client may send before the door acknowledges it. At HTTP/2's default
 * 64 KiB a 1 MiB body waits for a window update every 64 KiB; a stream window as large as the largest body read lets a request
 * arrive in one go, and the connection window holds a few such requests at once.
 */
const H2_STREAM_WINDOW_BYTES = MAX_BEDROCK_BODY_BYTES + 64 * 1024;
const H2_SESSION_WINDOW_BYTES = 4 * H2_STREAM_WINDOW_BYTES;

/**
 * The most requests one HTTP/2 connection may have open at once (node's default is 2^32 - 1): each may hold a body of up to
 * 1 MiB while it arrives, so this bounds one connection's memory as the connection cap bounds the door's. 100 is what RFC 9113
 * recommends as the least a server should allow.
 */
export const MAX_H2_CONCURRENT_STREAMS = 100;

/** The client preface every HTTP/2 connection starts with (RFC 9113 section 3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * Which protocol a connection speaks, from the bytes it sent first: HTTP/2 once they start with the whole preface, HTTP/1.1 as
 * soon as they differ from it, undecided while they are still a prefix of it (an HTTP/1.1 `POST` and the preface share the `P`,
 * and a client may send its first segment one byte long).
 */
export const detectHttpVersion = (received: Uint8Array): 'http2' | 'http1' | 'undecided' => {
  const compared = Math.min(received.length, H2_PREFACE.length);
  if (!H2_PREFACE.subarray(0, compared).equals(received.subarray(0, compared))) return 'http1';
  return received.length >= H2_PREFACE.length ? 'http2' : 'undecided';
};

/** What node:http sends when a request misses its timeout; the door answers a stalled first segment the same way. */
const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');

/** Past the connection cap: Bedrock's own 503, which the SDK raises as ServiceUnavailableException (and retries). */
const SERVICE_UNAVAILABLE_BODY = '{"message":"Too many connections to this Bedrock door; retry later."}';
const SERVICE_UNAVAILABLE = Buffer.from(
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\n' +
    `x-amzn-ErrorType: ServiceUnavailableException\r\nContent-Length: ${SERVICE_UNAVAILABLE_BODY.length}\r\n\r\n${SERVICE_UNAVAILABLE_BODY}`,
);

/**
 * The socket as a stream that starts with the bytes already read from it. Node's HTTP/2 server reads a TCP socket's handle
 * directly, so bytes put back with unshift() would be lost; given a plain Duplex it reads through the stream instead.
 */
const replaying = (first: Buffer, socket: Socket, seen: (chunk: Buffer) => void): Duplex => {
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
    seen(chunk);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
};

/**
 * A deadline on something unfinished: told after each chunk whether something is, it destroys the socket once the same
 * unfinished stretch has lasted `ms`. One timer at a time, re-armed only when it fires early, so a busy connection costs no
 * timer per chunk.
 */
const unfinishedDeadline = (socket: Socket, ms: number): ((unfinished: boolean) => void) => {
  if (ms <= 0) return () => undefined;
  let since: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    timer = undefined;
    if (since === undefined) return;
    const left = since + ms - performance.now();
    if (left <= 0) {
      socket.destroy();
      return;
    }
    timer = setTimeout(check, left);
    timer.unref();
  };
  socket.once('close', () => clearTimeout(timer));
  return (unfinished) => {
    if (!unfinished) {
      since = undefined;
      return;
    }
    since ??= performance.now();
    if (timer === undefined) {
      timer = setTimeout(check, ms);
      timer.unref();
    }
  };
};

type Request = IncomingMessage | Http2ServerRequest;

/** The client address: the TCP socket's, or (HTTP/2) that of the replaying stream the socket was wrapped in. */
const clientOf = (req: Request): string | undefined => {
  const socket = req.socket as (typeof req.socket & { stream?: { remoteAddress?: string } }) | undefined;
  return socket?.remoteAddress ?? socket?.stream?.remoteAddress;
};
type Response = ServerResponse | Http2ServerResponse;

/** An HTTP/2 header list's size as RFC 9113 counts it for SETTINGS_MAX_HEADER_LIST_SIZE: each field's name and value, plus 32. */
const headerListBytes = (rawHeaders: readonly string[]): number => {
  let bytes = 0;
  for (const field of rawHeaders) bytes += Buffer.byteLength(field);
  return bytes + 16 * rawHeaders.length; // 32 per field, two entries per field
};

/** How long an answered HTTP/2 stream whose request is still arriving stays open before it is reset. */
const ANSWERED_STREAM_LINGER_MS = 1_000;

/**
 * An answer without a body. When the request is still arriving, the stream is then reset with NO_ERROR (RFC 9113 section 8.1:
 * the rest of the request is not wanted), after a moment: a reset sent right behind the answer makes node's client drop it.
 */
const answerEmpty = (res: Http2ServerResponse, status: number): void => {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { 'content-length': '0' });
  res.end(() => {
    const linger = setTimeout(() => {
      if (!res.stream.closed) res.stream.close(h2.NGHTTP2_NO_ERROR);
    }, ANSWERED_STREAM_LINGER_MS);
    linger.unref();
  });
};

/**
 * The Bedrock door on one port for both HTTP/1.1 and cleartext HTTP/2 (the Bedrock Runtime SDK's default handler speaks HTTP/2):
 * the first bytes of a connection pick the parser. The node:http server is the one that listens, so that its own timeout checks
 * run (node starts them on `listening`); its connection handling is called only for the connections that speak HTTP/1.1, after
 * the connection cap. The rest is glue around answerBedrockRequest.
 */
export const createBedrockServer = (engine: CredentialEngine, options: BedrockServerOptions = {}): Server => {
  const limits = resolveHttpDoorLimits(options.limits, BEDROCK_DOOR_LIMITS);
  const handle = (req: Request, res: Response): void => {
    if (req.httpVersionMajor === 2) {
      const stream = res as Http2ServerResponse;
      // HTTP/1.1 heads over the limit never get here (node:http answers 431); HTTP/2 lists are decoded up to 64 KiB, then checked.
      if (headerListBytes(req.rawHeaders) > MAX_BEDROCK_HEADER_BYTES) {
        req.resume();
        answerEmpty(stream, 431);
        return;
      }
      // node:http2 has no request timeout of its own: the stream gets the HTTP/1.1 door's, from its HEADERS on.
      if (limits.requestTimeoutMs > 0) {
        const timer = setTimeout(() => answerEmpty(stream, 408), limits.requestTimeoutMs);
        timer.unref();
        req.once('end', () => clearTimeout(timer));
        res.once('close', () => clearTimeout(timer));
      }
    }
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
  const http1 = createHttp1Server(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
      maxHeaderSize: MAX_BEDROCK_HEADER_BYTES,
    },
    handle,
  );
  http1.timeout = limits.idleTimeoutMs;
  const h2c = createH2cServer(
    {
      maxSessionMemory: 10,
      settings: { initialWindowSize: H2_STREAM_WINDOW_BYTES, maxHeaderListSize: MAX_H2_HEADER_LIST_BYTES, maxConcurrentStreams: MAX_H2_CONCURRENT_STREAMS },
    },
    handle,
  );
  h2c.setTimeout(limits.idleTimeoutMs); // an idle session is destroyed (no `timeout` listener)
  h2c.on('session', (session: ServerHttp2Session) => session.setLocalWindowSize(H2_SESSION_WINDOW_BYTES));
  h2c.on('sessionError', () => undefined);

  const serveHttp1 = takeConnectionHandling(http1);
  /** Reads until the first bytes tell the protocol, then hands the connection, those bytes first, to its parser. */
  const route = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    let received: Buffer = Buffer.alloc(0);
    const stop = (): void => {
      clearTimeout(deadline);
      socket.off('data', onData);
      socket.off('end', onEnd);
    };
    const onData = (chunk: Buffer): void => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const version = detectHttpVersion(received);
      if (version === 'undecided') return;
      stop();
      if (version === 'http2') {
        // The header timeout, for HTTP/2: a frame or a header block must finish within it once begun (see Http2FrameWatch).
        const watch = new Http2FrameWatch();
        const deadline = unfinishedDeadline(socket, limits.headersTimeoutMs);
        const seen = (chunk: Buffer): void => deadline(watch.push(chunk));
        seen(received.subarray(H2_PREFACE.length));
        h2c.emit('connection', replaying(received, socket, seen));
        return;
      }
      socket.pause();
      socket.unshift(received);
      serveHttp1(socket);
      socket.resume();
    };
    // The client closed its side while the protocol was still undecided: the bytes are an incomplete HTTP/1.1 request at best.
    const onEnd = (): void => {
      stop();
      if (received.length === 0) socket.destroy();
      else sendAndClose(socket, BAD_REQUEST);
    };
    // Undecided bytes are a request's first: the header timeout applies (or, turned off, the idle one; both off: none).
    const waitMs = limits.headersTimeoutMs > 0 ? limits.headersTimeoutMs : limits.idleTimeoutMs;
    const deadline =
      waitMs > 0
        ? setTimeout(() => {
            stop();
            sendAndClose(socket, REQUEST_TIMEOUT);
          }, waitMs).unref()
        : undefined;
    socket.once('close', () => clearTimeout(deadline));
    socket.on('data', onData);
    socket.on('end', onEnd);
  };
  gateConnections(http1, { maxConnections: limits.maxConnections, refusal: SERVICE_UNAVAILABLE, accept: route });
  http1.on('close', () => h2c.close());
  return http1;
};
