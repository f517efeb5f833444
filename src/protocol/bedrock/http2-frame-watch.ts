/**
 * Watches the frames an HTTP/2 client sends (after the preface) for what node:http2 does not time: a frame or a header block
 * that has started and not finished. node:http2 shows a request only once its whole header block is in, so no request timeout
 * can start before; a header block sent a byte at a time is bounded only by the session's idle timeout (120 s by default), not
 * by the 30 s header timeout the door promises. Sans-I/O: bytes in, "is something unfinished" out; the server puts the header
 * timeout on it.
 */
const FRAME_HEADER_BYTES = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;

export class Http2FrameWatch {
  private readonly frameHeader = new Uint8Array(FRAME_HEADER_BYTES);
  private frameHeaderFill = 0;
  private payloadLeft = 0;
  /** The frame being read is HEADERS or CONTINUATION with END_HEADERS: its end closes the header block. */
  private frameEndsBlock = false;
  /** A HEADERS frame came without END_HEADERS, and the CONTINUATION that ends the block has not yet ended. */
  private blockOpen = false;

  /** True while a frame has been partly received, or a header block has begun and not ended. */
  get unfinished(): boolean {
    return this.frameHeaderFill > 0 || this.payloadLeft > 0 || this.blockOpen;
  }

  /** Reads more bytes of the client's frames; answers `unfinished` after them. */
  push(bytes: Uint8Array): boolean {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.payloadLeft > 0) {
        const taken = Math.min(this.payloadLeft, bytes.length - offset);
        offset += taken;
        this.payloadLeft -= taken;
        if (this.payloadLeft === 0) this.frameDone();
        continue;
      }
      const taken = Math.min(FRAME_HEADER_BYTES - this.frameHeaderFill, bytes.length - offset);
      this.frameHeader.set(bytes.subarray(offset, offset + taken), this.frameHeaderFill);
      this.frameHeaderFill += taken;
      offset += taken;
      if (this.frameHeaderFill === FRAME_HEADER_BYTES) this.frameHeaderDone();
    }
    return this.unfinished;
  }

  private frameHeaderDone(): void {
    const header = this.frameHeader;
    const length = ((header[0] as number) << 16) | ((header[1] as number) << 8) | (header[2] as number);
    const type = header[3] as number;
    const flags = header[4] as number;
    this.frameHeaderFill = 0;
    this.payloadLeft = length;
    const inBlock = type === HEADERS || type === CONTINUATION;
    if (inBlock) this.blockOpen = true;
    this.frameEndsBlock = inBlock && (flags & END_HEADERS) !== 0;
    if (length === 0) this.frameDone();
  }

  private frameDone(): void {
    if (this.frameEndsBlock) this.blockOpen = false;
    this.frameEndsBlock = false;
  }
}
