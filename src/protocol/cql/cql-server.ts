import type { DoorAuthorizationOptions } from '../front-door/door-authorization.js';
import { type Server, type Socket, createServer } from 'node:net';
import { type CredentialEngine, authenticateSaslPlain } from '../../index.js';
import { type LoginObservers, reportLoginAttempt, saslLoginAttempt } from '../front-door/login-attempt.js';
import { type CqlAction, CqlSession } from './cql-session.js';

export const KEYSPACES_SERVICE = 'cassandra.amazonaws.com';

/** Connections one Keyspaces door keeps open at once unless told otherwise. */
export const DEFAULT_MAX_CQL_CONNECTIONS = 256;

export interface CqlServerOptions extends LoginObservers, DoorAuthorizationOptions {
  /** Idle connections are closed after this long, ms. Default 5 minutes (the driver sends a heartbeat every 30 s). */
  readonly idleTimeoutMs?: number;
  /**
   * The most connections open at once (an integer, at least 1; `Infinity` for no cap). A connection past it is accepted and closed
   * at once, before any byte is read or sent, as Cassandra does past `native_transport_max_concurrent_connections`; the driver
   * reports a connection error and may retry. Default `DEFAULT_MAX_CQL_CONNECTIONS` (256).
   */
  readonly maxConnections?: number;
}

/**
 * The Keyspaces door on node:net: feeds bytes to a CqlSession and performs its actions, with back-pressure as node:http applies it:
 * it reads from a connection only while the session has no frames queued, no login being checked, and the socket's send buffer is
 * under its high-water mark ('drain' resumes it). A client that pipelines requests and never reads the answers therefore fills its
 * own send buffer and the kernel's, not this process's memory.
 */
export const createCqlServer = (engine: CredentialEngine, options: CqlServerOptions = {}): Server => {
  const server = createServer((socket: Socket) => {
    const session = new CqlSession({ localAddress: socket.localAddress ?? '127.0.0.1' });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(options.idleTimeoutMs ?? 300_000, () => socket.destroy());

    /** Reads stop while the session waits (a login being checked, frames queued) or the client is not reading its answers. */
    const mayRead = (): boolean => !session.isVerifying && !session.hasQueuedFrames && !socket.writableNeedDrain;
    let turnScheduled = false;
    const next = (): void => {
      if (socket.destroyed) return;
      if (session.hasQueuedFrames && !session.isVerifying && !socket.writableNeedDrain) {
        socket.pause();
        if (turnScheduled) return;
        // Answer the next turn on a later pass of the event loop, so one connection's backlog does not hold up the others.
        turnScheduled = true;
        setImmediate(() => {
          turnScheduled = false;
          if (!socket.destroyed) perform(session.continue());
        });
      } else if (mayRead()) socket.resume();
      else socket.pause();
    };

    const perform = (actions: readonly CqlAction[]): void => {
      // A turn's answers go out in one write: one buffer and one write request, not one per answer.
      let answers: Buffer[] = [];
      const flush = (): void => {
        if (answers.length > 0 && !socket.destroyed) socket.write(answers.length === 1 ? (answers[0] as Buffer) : Buffer.concat(answers));
        answers = [];
      };
      for (const action of actions) {
        if (socket.destroyed) return;
        if (action.kind === 'send') {
          answers.push(action.bytes);
          continue;
        }
        flush();
        if (action.kind === 'close') {
          socket.end();
          return;
        }
        const token = action.token;
        authenticateSaslPlain(engine, { ServiceName: KEYSPACES_SERVICE, Token: token }).then(
          (outcome) => {
            reportLoginAttempt(options, saslLoginAttempt(token, outcome), socket.remoteAddress);
            if (!socket.destroyed) perform(session.authenticated(outcome.isOk()));
          },
          () => socket.destroy(),
        );
      }
      flush();
      next();
    };
    socket.on('drain', next);
    socket.on('data', (chunk: Buffer) => perform(session.receive(chunk)));
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CQL_CONNECTIONS;
  return server;
};
