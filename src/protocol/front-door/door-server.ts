import type { AddressInfo, Server, Socket } from 'node:net';

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
