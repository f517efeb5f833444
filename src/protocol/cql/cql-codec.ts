/**
 * The bits of the CQL native protocol v4 (Apache Cassandra's native_protocol_v4.spec) that a login needs: the 9-byte frame header,
 * the notation types ([int], [string], [bytes], [string map] ...), and the few message bodies we answer. Pure functions on Buffers.
 */
export const PROTOCOL_VERSION = 4;
export const HEADER_BYTES = 9;
/** Requests at this door are logins and a few short queries; a frame larger than this is refused (the spec allows 256 MB). */
export const MAX_FRAME_BODY_BYTES = 256 * 1024;

export const Opcode = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  AUTHENTICATE: 0x03,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  PREPARE: 0x09,
  EXECUTE: 0x0a,
  REGISTER: 0x0b,
  BATCH: 0x0d,
  AUTH_CHALLENGE: 0x0e,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
} as const;

export const ErrorCode = {
  SERVER_ERROR: 0x0000,
  PROTOCOL_ERROR: 0x000a,
  BAD_CREDENTIALS: 0x0100,
  INVALID: 0x2200,
} as const;

export const FLAG_COMPRESSION = 0x01;

export interface FrameHeader {
  readonly version: number;
  readonly flags: number;
  readonly stream: number;
  readonly opcode: number;
  readonly length: number;
}

export const readHeader = (bytes: Buffer): FrameHeader => ({
  version: bytes.readUInt8(0),
  flags: bytes.readUInt8(1),
  stream: bytes.readInt16BE(2),
  opcode: bytes.readUInt8(4),
  length: bytes.readUInt32BE(5),
});

/** A response frame: version byte with the direction bit set (0x84), no flags. */
export const frame = (stream: number, opcode: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(0x80 | PROTOCOL_VERSION, 0);
  header.writeUInt8(0, 1);
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeUInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
};

export const int = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
};

export const short = (value: number): Buffer => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value, 0);
  return bytes;
};

export const string = (value: string): Buffer => {
  const utf8 = Buffer.from(value, 'utf8');
  return Buffer.concat([short(utf8.length), utf8]);
};

export const bytes = (value: Buffer | null): Buffer => (value === null ? int(-1) : Buffer.concat([int(value.length), value]));

export const stringList = (values: readonly string[]): Buffer => Buffer.concat([short(values.length), ...values.map(string)]);

export const stringMultimap = (entries: readonly (readonly [string, readonly string[]])[]): Buffer =>
  Buffer.concat([short(entries.length), ...entries.flatMap(([key, values]) => [string(key), stringList(values)])]);

export const errorBody = (code: number, message: string): Buffer => Buffer.concat([int(code), string(message)]);

/** A reader over a message body; every read checks bounds and throws RangeError past the end (the caller answers a protocol error). */
export class BodyReader {
  private offset = 0;

  constructor(private readonly body: Buffer) {}

  private take(length: number): Buffer {
    if (length < 0 || this.offset + length > this.body.length) throw new RangeError('truncated message body');
    const slice = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  short(): number {
    return this.take(2).readUInt16BE(0);
  }

  int(): number {
    return this.take(4).readInt32BE(0);
  }

  string(): string {
    return this.take(this.short()).toString('utf8');
  }

  longString(): string {
    return this.take(this.int()).toString('utf8');
  }

  bytes(): Buffer | null {
    const length = this.int();
    return length < 0 ? null : this.take(length);
  }

  stringMap(): Map<string, string> {
    const map = new Map<string, string>();
    for (let count = this.short(); count > 0; count--) map.set(this.string(), this.string());
    return map;
  }
}

/** CQL type options ([option]) of the columns we answer. */
export const CqlType = {
  int: short(0x0009),
  uuid: short(0x000c),
  varchar: short(0x000d),
  inet: short(0x0010),
  setOfVarchar: Buffer.concat([short(0x0022), short(0x000d)]),
  mapOfVarchar: Buffer.concat([short(0x0021), short(0x000d), short(0x000d)]),
} as const;

export interface Column {
  readonly name: string;
  readonly type: Buffer;
}

export type CellValue = Buffer | null;

/** RESULT Rows (kind 0x0002) with a global table spec. */
export const rowsResult = (keyspace: string, table: string, columns: readonly Column[], rows: readonly (readonly CellValue[])[]): Buffer =>
  Buffer.concat([
    int(0x0002),
    int(0x0001), // flags: Global_tables_spec
    int(columns.length),
    string(keyspace),
    string(table),
    ...columns.flatMap((column) => [string(column.name), column.type]),
    int(rows.length),
    ...rows.flatMap((row) => row.map(bytes)),
  ]);

export const varcharValue = (value: string): Buffer => Buffer.from(value, 'utf8');

export const setValue = (values: readonly string[]): Buffer =>
  Buffer.concat([int(values.length), ...values.map((value) => bytes(Buffer.from(value, 'utf8')))]);

export const mapValue = (entries: readonly (readonly [string, string])[]): Buffer =>
  Buffer.concat([int(entries.length), ...entries.flatMap(([key, value]) => [bytes(Buffer.from(key, 'utf8')), bytes(Buffer.from(value, 'utf8'))])]);

export const uuidValue = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');

/** Chunks smaller than this are copied into a shared buffer of this size rather than kept one by one. */
const COALESCE_BYTES = 16 * 1024;

/**
 * Received bytes not yet consumed. A chunk of 16 KiB or more is kept as it arrived; smaller ones are copied, once, into a 16 KiB
 * buffer they share, so a client that sends a byte per packet costs 16 KiB buffers, not one Buffer object per byte (~100 bytes
 * each). `take` copies a frame only when it spans chunks, so every byte is copied at most twice however the bytes arrive
 * (concatenating the whole backlog on each arrival is quadratic: a 256 KiB frame sent a byte at a time would copy 32 GiB).
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first chunk still holding bytes, and how much of it is already taken. */
  private first = 0;
  private offset = 0;
  private size = 0;
  /** The shared buffer small chunks are copied into, and how much of it is filled; its filled part is the last chunk. */
  private tail: Buffer | undefined;
  private tailUsed = 0;

  get length(): number {
    return this.size;
  }

  /** How many buffers hold the queued bytes. */
  get buffers(): number {
    return this.chunks.length - this.first;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (chunk.length >= COALESCE_BYTES) {
      this.tail = undefined;
      this.chunks.push(chunk);
      return;
    }
    if (this.tail === undefined || this.tailUsed + chunk.length > this.tail.length) {
      this.tail = Buffer.allocUnsafe(COALESCE_BYTES);
      this.tailUsed = 0;
      this.chunks.push(this.tail.subarray(0, 0));
    }
    // The last chunk is the shared buffer's filled part: only ever appended to, so views already taken from it stay valid.
    chunk.copy(this.tail, this.tailUsed);
    this.tailUsed += chunk.length;
    this.chunks[this.chunks.length - 1] = this.tail.subarray(0, this.tailUsed);
  }

  /** The first `count` bytes (at most `length`), left in the queue. */
  peek(count: number): Buffer {
    return this.copy(Math.min(count, this.size), false);
  }

  /** The first `count` bytes (at most `length`), removed from the queue. */
  take(count: number): Buffer {
    return this.copy(Math.min(count, this.size), true);
  }

  clear(): void {
    this.chunks = [];
    this.first = 0;
    this.offset = 0;
    this.size = 0;
    this.tail = undefined;
    this.tailUsed = 0;
  }

  private copy(count: number, consume: boolean): Buffer {
    const head = this.chunks[this.first];
    if (head === undefined || count === 0) return Buffer.alloc(0);
    let out: Buffer;
    if (head.length - this.offset >= count) {
      out = head.subarray(this.offset, this.offset + count);
      if (consume) this.advance(count);
      return out;
    }
    out = Buffer.allocUnsafe(count);
    let written = 0;
    let index = this.first;
    let offset = this.offset;
    while (written < count) {
      const chunk = this.chunks[index] as Buffer;
      const copied = chunk.copy(out, written, offset, Math.min(chunk.length, offset + count - written));
      written += copied;
      index += 1;
      offset = 0;
    }
    if (consume) this.advance(count);
    return out;
  }

  private advance(count: number): void {
    this.size -= count;
    let left = count;
    while (left > 0) {
      const available = (this.chunks[this.first] as Buffer).length - this.offset;
      if (available > left) {
        this.offset += left;
        break;
      }
      left -= available;
      this.first += 1;
      this.offset = 0;
    }
    // Let go of consumed chunks: all of them when nothing is held, else once they are most of the array.
    if (this.size === 0) this.clear();
    else if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
