/**
 * Lines for stdout, gathered and written together once per turn of the event loop (or when 64 KiB are waiting): under load, one
 * write for many access-log lines instead of one `console.log` (a synchronous write to a pipe or file) per request. Lines keep their
 * order; `flush()` writes what is waiting at once (before exiting).
 */
export interface LineWriter {
  line(text: string): void;
  flush(): void;
}

const MAX_PENDING = 64 * 1024;

export const createLineWriter = (write: (text: string) => void): LineWriter => {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    line(text) {
      pending += `${text}\n`;
      if (pending.length >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
};

/**
 * A `write` for createLineWriter over a stream such as process.stdout. When the stream fails (EPIPE: whoever read the pipe closed
 * it, as a supervisor that reads only the startup line does), it is given up: later text is dropped and `onFailure` is told once.
 * Without the 'error' listener the failure would be an uncaught exception: logging must never take the endpoint down.
 */
export const writeToStream = (stream: NodeJS.WritableStream, onFailure: (error: Error) => void): ((text: string) => void) => {
  let failed = false;
  const fail = (error: Error): void => {
    if (failed) return;
    failed = true;
    onFailure(error);
  };
  stream.on('error', fail);
  return (text) => {
    if (failed) return;
    try {
      stream.write(text);
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  };
};
