import { connect } from 'node:net';

/** A step of a raw client: bytes to write, or a pause in milliseconds. */
export type RawStep = string | Buffer | number;

export interface RawConversation {
  /** What the server sent, as latin1 text. */
  readonly received: string;
  /** True when the server ended or reset the connection before the client had written every step (and waited `lingerMs`). */
  readonly closedByServer: boolean;
  /** How many of the steps the client got through before the connection closed. */
  readonly stepsDone: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays `steps` on a fresh TCP connection to 127.0.0.1:`port`, then waits `lingerMs` for the server, and reports what came back and
 * whether the server closed first. Writes after the server closed are dropped.
 */
export const converse = (port: number, steps: readonly RawStep[], lingerMs = 2_000): Promise<RawConversation> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let closed = false;
    let stepsDone = 0;
    let clientDone = false;
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      resolve({ received, closedByServer: !clientDone, stepsDone });
    });
    socket.on('connect', async () => {
      for (const step of steps) {
        if (closed) return;
        if (typeof step === 'number') await sleep(step);
        else socket.write(step);
        stepsDone++;
      }
      await sleep(lingerMs);
      clientDone = true;
      socket.destroy();
    });
  });

/** Opens a connection and keeps it open until the returned function is called; resolves once connected. */
export const holdOpen = (port: number): Promise<{ readonly close: () => void; readonly closed: Promise<string> }> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<string>((resolveClosed) => socket.on('close', () => resolveClosed(received)));
    socket.on('connect', () => resolve({ close: () => socket.destroy(), closed }));
  });
