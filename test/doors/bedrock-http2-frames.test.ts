import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Http2FrameWatch } from '../../src/protocol/bedrock/http2-frame-watch.js';

/** An HTTP/2 frame: 24-bit length, type, flags, stream id, payload. */
const frame = (type: number, flags: number, streamId: number, payload: Uint8Array): Buffer => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
};
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;

/** Any frame of any type; HEADERS and CONTINUATION always end their block here (a block split in two is tested on its own). */
const anyCompleteFrame = fc
  .record({ type: fc.integer({ min: 0, max: 10 }), flags: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 40 }) })
  .map(({ type, flags, payload }) => frame(type, type === HEADERS || type === CONTINUATION ? flags | END_HEADERS : flags, 1, payload));

/** The bytes cut at the given points, in order. */
const cut = (bytes: Buffer, points: number[]): Buffer[] => {
  const sorted = [...new Set(points.map((point) => point % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of sorted) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
};

describe('Http2FrameWatch', () => {
  it('is unfinished exactly while a frame is partly received, however the frames are cut', () => {
    fc.assert(
      fc.property(fc.array(anyCompleteFrame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, points) => {
        const bytes = Buffer.concat(frames);
        const ends = new Set<number>([0]);
        frames.reduce((end, one) => (ends.add(end + one.length), end + one.length), 0);
        const watch = new Http2FrameWatch();
        let read = 0;
        for (const piece of cut(bytes, points)) {
          read += piece.length;
          expect(watch.push(piece)).toBe(!ends.has(read));
        }
        expect(watch.unfinished).toBe(false);
      }),
    );
  });

  it('keeps a header block unfinished from its HEADERS until the CONTINUATION with END_HEADERS, other frames between or not', () => {
    const watch = new Http2FrameWatch();
    expect(watch.push(frame(HEADERS, 0, 1, Buffer.from('part one')))).toBe(true);
    expect(watch.push(frame(CONTINUATION, 0, 1, Buffer.from('part two')))).toBe(true);
    expect(watch.push(frame(CONTINUATION, END_HEADERS, 1, Buffer.from('end')))).toBe(false);
    expect(watch.push(frame(0x6, 0, 0, Buffer.alloc(8)))).toBe(false); // a PING
  });
});
