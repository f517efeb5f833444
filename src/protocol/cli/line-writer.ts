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
