import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLineWriter, writeToStream } from '../../src/protocol/cli/line-writer.js';

describe('the stdout line writer of the command', () => {
  it('writes the lines of one event-loop turn together, in order, each ending in a newline', async () => {
    const writes: string[] = [];
    const out = createLineWriter((text) => writes.push(text));
    out.line('a');
    out.line('b');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    out.line('c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('flush() writes what is waiting at once, and nothing when nothing is', () => {
    const writes: string[] = [];
    const out = createLineWriter((text) => writes.push(text));
    out.flush();
    out.line('x');
    out.flush();
    out.flush();
    expect(writes).toEqual(['x\n']);
  });

  it('does not let more than 64 KiB wait', () => {
    const writes: string[] = [];
    const out = createLineWriter((text) => writes.push(text));
    const line = 'l'.repeat(1023);
    for (let index = 0; index < 64; index += 1) out.line(line);
    expect(writes.join('')).toBe(`${line}\n`.repeat(64));
  });
});

describe('writeToStream', () => {
  it('gives up a stream that fails (EPIPE) instead of throwing: later text is dropped, the failure told once', async () => {
    const written: string[] = [];
    let calls = 0;
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        calls += 1;
        if (calls === 1) written.push(chunk.toString());
        callback(calls === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const failures: string[] = [];
    const write = writeToStream(stream, (error) => failures.push(error.message));
    write('first\n');
    write('second\n');
    await new Promise((resolve) => setImmediate(resolve));
    write('third\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['first\n']);
    expect(failures).toEqual(['write EPIPE']);
    expect(calls).toBe(2);
  });
});

