import type { AddressInfo, Server, Socket } from 'node:net';
import { DEFAULT_MAX_CONNECTIONS } from './connection-limit.js';

/**
 * What an HTTP front door enforces on its clients, each overridable (tests make the timeouts small). A timeout of 0 turns it off.
 * The header and request timeouts are counted from a request's first byte (for a connection's first request, from the
 * connection) and answered `408 Request Timeout` then closed, as node:http does; the idle timeout closes a connection that
 * has sent and been sent nothing for that long.
 */
export interface HttpDoorLimits {
  /** The request line and headers must arrive within this many milliseconds. */
  readonly headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this many milliseconds (at least the headers timeout). */
  readonly requestTimeoutMs?: number;
  /** A connection with no traffic either way for this many milliseconds is closed. */
  readonly idleTimeoutMs?: number;
  /** The most connections open at once; one more is answered `503` and closed. */
  readonly maxConnections?: number;
}

export type ResolvedHttpDoorLimits = Required<HttpDoorLimits> & {
  /** How often node:http looks for requests past their timeouts: often enough that a timeout fires within a third of itself. */
  readonly checkEveryMs: number;
};

/** A count or a duration as given, when it is a whole number of at least 0 (node:http refuses anything else); else the default. */
const wholeOr = (value: number | undefined, fallback: number): number =>
  value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : fallback;

/**
 * The limits with each absent one (or one that is not a whole number of at least 0) taken from `defaults`; a request timeout
 * shorter than the header timeout is raised to it (node:http requires it).
 */
export const resolveHttpDoorLimits = (
  limits: HttpDoorLimits | undefined,
  defaults: Required<Omit<HttpDoorLimits, 'maxConnections'>>,
): ResolvedHttpDoorLimits => {
  const headersTimeoutMs = wholeOr(limits?.headersTimeoutMs, defaults.headersTimeoutMs);
  const requested = wholeOr(limits?.requestTimeoutMs, defaults.requestTimeoutMs);
  const requestTimeoutMs = requested === 0 || headersTimeoutMs === 0 ? requested : Math.max(requested, headersTimeoutMs);
  const shortest = Math.min(...[headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0), 3_000);
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: wholeOr(limits?.idleTimeoutMs, defaults.idleTimeoutMs),
    maxConnections: wholeOr(limits?.maxConnections, DEFAULT_MAX_CONNECTIONS),
    checkEveryMs: Math.max(10, Math.floor(shortest / 3)),
  };
};

/** A listening front door: its address, and a close that also ends open connections (a client may hold one open forever). */
export interface ListeningDoor {
  readonly address: AddressInfo;
  close(graceMs?: number): Promise<void>;
}

/** Listens on `port` (0 = any free one) and keeps track of connections so that close() can end them. */
export const listenDoor = async (server: Server, port: number, host: string): Promise<ListeningDoor> => {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    address: server.address() as AddressInfo,
    close: (graceMs = 1_000) =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // An HTTP door: connections waiting for their next request can go now (node:http tracks them).
        (server as Partial<{ closeIdleConnections(): void }>).closeIdleConnections?.();
        const force = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        force.unref();
      })),
  };
};
