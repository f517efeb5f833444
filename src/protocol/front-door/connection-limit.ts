import type { Server, Socket } from 'node:net';

/** How many connections a front door holds at once unless told otherwise: plenty for a test suite, few enough to bound memory. */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** How long a connection being closed may linger for its last answer to be read before it is destroyed. */
const LINGER_MS = 1_000;

export interface ConnectionGate {
  /** The most connections served at once; one more is refused. */
  readonly maxConnections: number;
  /** What a connection past the cap is sent before it is closed (the door's own "come back later"); empty to just close it. */
  readonly refusal: Uint8Array;
  /** Serves an accepted connection. */
  readonly accept: (socket: Socket) => void;
}

/**
 * Takes the server's own handling of new connections (node:http's parser setup, for an HTTP server) off its `connection` event
 * and returns it as a function, so that a gate can run first and call it for the connections it accepts. node:http documents
 * emitting `connection` as the way to hand it a socket, so its handling is that event's listeners; they are called in their order.
 */
export const takeConnectionHandling = (server: Server): ((socket: Socket) => void) => {
  const own = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  return (socket) => {
    for (const listener of own) listener.call(server, socket);
  };
};

/**
 * Sends `last` and closes the connection: stops serving it, drops what the client still sends, and destroys it once the client
 * has closed its side (or after a short linger).
 */
export const sendAndClose = (socket: Socket, last: Uint8Array): void => {
  socket.on('error', () => socket.destroy());
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  // Reading on (and dropping it) lets the client's request be consumed, so closing sends FIN rather than a reset that could
  // overtake the answer.
  socket.resume();
  socket.once('end', () => socket.destroy());
  if (last.length > 0) socket.end(last);
  else socket.end();
};

/**
 * Puts a connection cap in front of a server: each new connection is counted until it closes; while fewer than
 * `maxConnections` are open it goes to `accept`, otherwise it is sent `refusal` and closed without being served or counted.
 * Call once, right after creating the server (before anything else listens for `connection`).
 */
export const gateConnections = (server: Server, gate: ConnectionGate): void => {
  let open = 0;
  server.on('connection', (socket: Socket) => {
    if (open >= gate.maxConnections) {
      sendAndClose(socket, gate.refusal);
      return;
    }
    open++;
    socket.once('close', () => open--);
    gate.accept(socket);
  });
};
