import { type Server, type Socket, createServer } from 'node:net';
import { type CredentialEngine, authenticateSaslPlain } from '../../index.js';
import { type LoginObservers, reportLoginAttempt, saslLoginAttempt } from '../front-door/login-attempt.js';
import { type CqlAction, CqlSession } from './cql-session.js';

export const KEYSPACES_SERVICE = 'cassandra.amazonaws.com';

export interface CqlServerOptions extends LoginObservers {
  /** Idle connections are closed after this long, ms. Default 5 minutes (the driver sends a heartbeat every 30 s). */
  readonly idleTimeoutMs?: number;
}

/** The Keyspaces door on node:net: feeds bytes to a CqlSession and performs its actions. */
export const createCqlServer = (engine: CredentialEngine, options: CqlServerOptions = {}): Server =>
  createServer((socket: Socket) => {
    const session = new CqlSession({ localAddress: socket.localAddress ?? '127.0.0.1' });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(options.idleTimeoutMs ?? 300_000, () => socket.destroy());
    const perform = (actions: readonly CqlAction[]): void => {
      for (const action of actions) {
        if (socket.destroyed) return;
        if (action.kind === 'send') socket.write(action.bytes);
        else if (action.kind === 'close') socket.end();
        else {
          const token = action.token;
          authenticateSaslPlain(engine, { ServiceName: KEYSPACES_SERVICE, Token: token }).then(
            (outcome) => {
              const attempt = saslLoginAttempt(token, outcome);
              reportLoginAttempt(options, attempt, socket.remoteAddress);
              perform(session.authenticated(outcome.isOk(), attempt.presented));
            },
            () => socket.destroy(),
          );
        }
      }
    };
    socket.on('data', (chunk: Buffer) => perform(session.receive(chunk)));
  });
