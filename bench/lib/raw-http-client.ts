import { connect, type Socket } from 'node:net';
import type { LoadFigures } from './query-load.js';

/**
 * A deliberately small HTTP/1.1 load client on raw `node:net` sockets, for the Create-then-Delete closed loop against servers that
 * autocannon cannot drive (moto's werkzeug server closes the connection after every response). The same code drives every server:
 *
 *  - one socket per concurrent loop, one request in flight on it (no pipelining); a request is one `write` of pre-built bytes
 *    (`POST / HTTP/1.1`, Host, Content-Type, the caller's extra headers, Content-Length, `Connection: keep-alive`, the form body);
 *  - the response is parsed just enough: status line, `Content-Length` / `Transfer-Encoding: chunked` / read-until-close framing, and
 *    whether the connection stays open (`Connection: close`, or HTTP/1.0 without `keep-alive`); the created id is taken from the body
 *    with an `indexOf` on the XML tag;
 *  - when the server closes (or announces it will), the next request opens a new connection, and that request's latency includes
 *    the connect — what any client of that server pays;
 *  - latency is per request (write to last byte of the response); failures are non-2xx answers, malformed answers, and connections
 *    that fail or close before a complete answer (a Create that failed is not followed by a Delete; a loop whose connection is
 *    refused stops, with the failure counted).
 */

export interface RawLoadFigures extends LoadFigures {
  /** Completed requests (2xx or not). */
  readonly requests: number;
  /** TCP connections opened over the run (one per loop when the server keeps them alive). */
  readonly connectionsOpened: number;
}

export interface RawCreateDeleteOptions {
  readonly url: string;
  /** Concurrent loops, one socket each. */
  readonly connections: number;
  readonly seconds: number;
  /** Users `user0`..`user{users-1}`, taken round-robin across all loops. */
  readonly users: number;
  /** `service-specific`: CreateServiceSpecificCredential (CodeCommit) + Delete; `access-key`: CreateAccessKey + DeleteAccessKey. */
  readonly kind: 'service-specific' | 'access-key';
  /** Extra request headers (e.g. the SigV4-shaped `Authorization` moto routes by). */
  readonly headers?: Readonly<Record<string, string>>;
}

const CR_LF_CR_LF = Buffer.from('\r\n\r\n');
const LESS_THAN = 0x3c;

interface Response {
  readonly status: number;
  readonly body: Buffer;
  readonly keepAlive: boolean;
}

/**
 * Incremental parser for one response at a time. `push` returns the response once complete, `undefined` while more bytes are needed,
 * or an Error for anything it does not understand (or bytes beyond the response, which a one-request-at-a-time client never expects).
 */
class ResponseReader {
  private pending: Buffer | undefined;
  private headEnd = -1;
  private status = 0;
  private keepAlive = true;
  /** Body length from Content-Length; -1 chunked; -2 until the connection closes. */
  private length = 0;

  reset(): void {
    this.pending = undefined;
    this.headEnd = -1;
  }

  get waitingForClose(): boolean {
    return this.headEnd >= 0 && this.length === -2;
  }

  /** The response of a read-until-close body, once the server closed. */
  finishAtClose(): Response {
    const body = this.pending?.subarray(this.headEnd) ?? Buffer.alloc(0);
    const response = { status: this.status, body, keepAlive: false };
    this.reset();
    return response;
  }

  push(chunk: Buffer): Response | Error | undefined {
    const data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = data;
    if (this.headEnd < 0) {
      const end = data.indexOf(CR_LF_CR_LF);
      if (end < 0) return data.length > 65_536 ? new Error('response head over 64 KiB') : undefined;
      const failure = this.parseHead(data.toString('latin1', 0, end));
      if (failure !== undefined) return failure;
      this.headEnd = end + 4;
    }
    const start = this.headEnd;
    let body: Buffer;
    let end: number;
    if (this.length >= 0) {
      end = start + this.length;
      if (data.length < end) return undefined;
      body = data.subarray(start, end);
    } else if (this.length === -1) {
      const decoded = decodeChunked(data, start);
      if (decoded === undefined) return undefined;
      if (decoded instanceof Error) return decoded;
      [body, end] = decoded;
    } else {
      return undefined;
    }
    if (data.length > end) return new Error(`${data.length - end} unexpected bytes after the response`);
    const response = { status: this.status, body, keepAlive: this.keepAlive };
    this.reset();
    return response;
  }

  private parseHead(head: string): Error | undefined {
    // "HTTP/1.1 200 OK"
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 0x20) return new Error(`not an HTTP/1.x status line: ${head.slice(0, 40)}`);
    const status = Number(head.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) return new Error(`bad status line: ${head.slice(0, 40)}`);
    this.status = status;
    let keepAlive = head.charCodeAt(7) !== 0x30; // HTTP/1.0 closes unless told otherwise
    let length = -2;
    let chunked = false;
    let lineStart = head.indexOf('\r\n') + 2;
    while (lineStart > 1 && lineStart < head.length) {
      const lineEnd = head.indexOf('\r\n', lineStart);
      const line = lineEnd < 0 ? head.slice(lineStart) : head.slice(lineStart, lineEnd);
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).trim().toLowerCase();
        if (name === 'content-length') {
          length = Number(line.slice(colon + 1).trim());
          if (!Number.isSafeInteger(length) || length < 0) return new Error(`bad Content-Length: ${line}`);
        } else if (name === 'transfer-encoding') {
          chunked = /\bchunked\b/i.test(line.slice(colon + 1));
        } else if (name === 'connection') {
          const value = line.slice(colon + 1).toLowerCase();
          if (value.includes('close')) keepAlive = false;
          else if (value.includes('keep-alive')) keepAlive = true;
        }
      }
      lineStart = lineEnd < 0 ? -1 : lineEnd + 2;
    }
    if (chunked) length = -1;
    else if (length === -2 && (status === 204 || status === 304 || status < 200)) length = 0;
    if (length === -2) keepAlive = false; // the body ends when the connection does
    this.keepAlive = keepAlive;
    this.length = length;
    return undefined;
  }
}

/** The body of a chunked message starting at `start`, and where the message ends; undefined while incomplete. Trailers are skipped. */
const decodeChunked = (data: Buffer, start: number): [Buffer, number] | Error | undefined => {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isSafeInteger(size) || size < 0) return new Error(`bad chunk size: ${data.toString('latin1', at, Math.min(lineEnd, at + 20))}`);
    at = lineEnd + 2;
    if (size === 0) {
      // trailer section: header lines, then an empty line
      for (;;) {
        const trailerEnd = data.indexOf('\r\n', at, 'latin1');
        if (trailerEnd < 0) return undefined;
        const empty = trailerEnd === at;
        at = trailerEnd + 2;
        if (empty) return [parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), at];
      }
    }
    if (data.length < at + size + 2) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
};

/** Text between `<tag>` and the next `<` in an XML body; '' when absent. */
const textOf = (body: Buffer, tag: string): string => {
  const open = body.indexOf(tag, 0, 'latin1');
  if (open < 0) return '';
  const start = open + tag.length;
  const end = body.indexOf(LESS_THAN, start);
  return end < 0 ? '' : body.toString('latin1', start, end);
};

const encodeComponent = (text: string): string => (/^[A-Za-z0-9._~-]*$/.test(text) ? text : encodeURIComponent(text));

/**
 * The Create-then-Delete closed loop of the peer row: `connections` loops run until `seconds` have passed (a loop that started a
 * Create finishes its Delete), each Create on the next user round-robin and each Delete of the id its Create answered.
 */
export const runCreateDeleteRaw = async (options: RawCreateDeleteOptions): Promise<RawLoadFigures> => {
  const target = new URL(options.url);
  const host = target.hostname;
  const port = Number(target.port || 80);
  const extra = Object.entries(options.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const headPrefix = `POST / HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n${extra}`;
  const requestText = (body: string): string => `${headPrefix}Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`;
  const serviceSpecific = options.kind === 'service-specific';
  const idTag = serviceSpecific ? '<ServiceSpecificCredentialId>' : '<AccessKeyId>';
  // Creates never change: their bytes are built once per user.
  const creates = Array.from({ length: options.users }, (_, index) =>
    Buffer.from(
      requestText(
        serviceSpecific
          ? `Action=CreateServiceSpecificCredential&UserName=user${index}&ServiceName=codecommit.amazonaws.com&Version=2010-05-08`
          : `Action=CreateAccessKey&UserName=user${index}&Version=2010-05-08`,
      ),
      'latin1',
    ),
  );
  const deleteText = (user: number, id: string): string =>
    requestText(
      serviceSpecific
        ? `Action=DeleteServiceSpecificCredential&UserName=user${user}&ServiceSpecificCredentialId=${encodeComponent(id)}&Version=2010-05-08`
        : `Action=DeleteAccessKey&UserName=user${user}&AccessKeyId=${encodeComponent(id)}&Version=2010-05-08`,
    );

  let latencies = new Float64Array(1 << 16);
  let completed = 0;
  let failures = 0;
  let connectionsOpened = 0;
  let nextUser = 0;
  const record = (ms: number): void => {
    if (completed === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[completed] = ms;
    completed += 1;
  };

  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const loop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let socket: Socket | undefined;
      const reader = new ResponseReader();
      let phase: 'create' | 'delete' = 'create';
      let user = 0;
      let sentAt = 0;
      let inFlight = false;
      let stopped = false;

      const stop = (): void => {
        stopped = true;
        socket?.destroy();
        socket = undefined;
        resolve();
      };

      const open = (): Socket => {
        connectionsOpened += 1;
        const opened = connect({ host, port, noDelay: true });
        let connected = false;
        opened.on('connect', () => {
          connected = true;
        });
        opened.on('data', (chunk: Buffer) => {
          if (opened !== socket || !inFlight) return;
          const parsed = reader.push(chunk);
          if (parsed === undefined) return;
          if (parsed instanceof Error) {
            lost(opened);
            return;
          }
          answered(parsed, opened);
        });
        opened.on('error', () => {
          // 'close' follows and does the accounting
        });
        opened.on('close', () => {
          if (opened !== socket) return;
          socket = undefined;
          if (!inFlight) return;
          if (reader.waitingForClose) {
            answered(reader.finishAtClose(), opened);
            return;
          }
          if (!connected) {
            // connection refused or reset before connecting: counting it and hammering on would only measure the refusal
            failures += 1;
            inFlight = false;
            stop();
            return;
          }
          lost(opened);
        });
        return opened;
      };

      const send = (bytes: Buffer | string): void => {
        socket ??= open();
        reader.reset();
        inFlight = true;
        sentAt = performance.now();
        if (typeof bytes === 'string') socket.write(bytes, 'latin1');
        else socket.write(bytes);
      };

      const nextCreate = (now: number): void => {
        if (stopped) return;
        if (now >= deadline) {
          stop();
          return;
        }
        phase = 'create';
        user = nextUser;
        nextUser = nextUser + 1 === options.users ? 0 : nextUser + 1;
        send(creates[user] as Buffer);
      };

      const answered = (response: Response, from: Socket): void => {
        const now = performance.now();
        inFlight = false;
        record(now - sentAt);
        const ok = response.status >= 200 && response.status < 300;
        if (!ok) failures += 1;
        if (!response.keepAlive) {
          if (socket === from) socket = undefined;
          from.destroy();
        }
        if (phase === 'create' && ok) {
          phase = 'delete';
          send(deleteText(user, textOf(response.body, idTag)));
        } else {
          nextCreate(now);
        }
      };

      /** The connection broke or answered nonsense mid-request: a failure; the loop goes on with a new connection. */
      const lost = (from: Socket): void => {
        failures += 1;
        inFlight = false;
        reader.reset();
        if (socket === from) socket = undefined;
        from.destroy();
        nextCreate(performance.now());
      };

      nextCreate(performance.now());
    });

  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, completed).sort();
  const percentile = (p: number): number => (completed === 0 ? Number.NaN : (sorted[Math.min(completed - 1, Math.floor((p / 100) * completed))] as number));
  return { requestsPerSecond: completed / elapsed, p50Ms: percentile(50), p99Ms: percentile(99), failures, requests: completed, connectionsOpened };
};
