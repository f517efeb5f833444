import { isIPv4, isIPv6 } from 'node:net';
import { MAX_SASL_PLAIN_LENGTH } from '../../domain/presented-credential.js';
import {
  BodyReader,
  ByteQueue,
  type CellValue,
  type Column,
  CqlType,
  ErrorCode,
  FLAG_COMPRESSION,
  HEADER_BYTES,
  MAX_FRAME_BODY_BYTES,
  Opcode,
  PROTOCOL_VERSION,
  bytes,
  errorBody,
  frame,
  mapValue,
  readHeader,
  rowsResult,
  setValue,
  string,
  stringMultimap,
  uuidValue,
  varcharValue,
} from './cql-codec.js';

/**
 * One CQL connection at the Keyspaces door, Sans-I/O (as h11 does for HTTP): bytes in, actions out, no socket inside. The caller
 * feeds received bytes to `receive`, performs the returned actions in order (send bytes, verify a SASL PLAIN token, close), and
 * reports a verification back through `authenticated`. While a verification is pending, frames that arrive are held, in order.
 * Answers come in turns of at most `ANSWER_BYTES_PER_TURN` bytes: when a turn stops with frames left (`hasQueuedFrames`), the
 * caller sends what it has and calls `continue` when the client has read it, so a client that pipelines requests and reads no
 * answers makes the caller wait (stop reading), not buffer. At most `MAX_HELD_BYTES` received bytes are held.
 *
 * The conversation: OPTIONS -> SUPPORTED; STARTUP -> AUTHENTICATE (PasswordAuthenticator); AUTH_RESPONSE -> AUTH_SUCCESS or
 * the authentication error 0x0100 (then close). After login: REGISTER -> READY, the driver's connection queries (system.local,
 * system.peers, the schema tables, answered empty) and `SELECT release_version FROM system.local`; any other statement gets an
 * Invalid error (0x2200) saying this stand-in only authenticates.
 */
export type CqlAction =
  | { readonly kind: 'send'; readonly bytes: Buffer }
  | { readonly kind: 'authenticate'; readonly token: Buffer }
  | { readonly kind: 'close' };

export interface CqlSessionOptions {
  /** The address the client reached us at: system.local's rpc/broadcast/listen address. */
  readonly localAddress: string;
  /** What Keyspaces reports. Default `3.11.2`. */
  readonly releaseVersion?: string;
  /** system.local's data_center (Keyspaces: the Region). Default `us-east-1`. */
  readonly dataCenter?: string;
}

export const AUTHENTICATOR = 'org.apache.cassandra.auth.PasswordAuthenticator';
export const KEYSPACES_RELEASE_VERSION = '3.11.2';
export const CQL_VERSION = '3.4.4';

/** A fixed host id and schema version: one node, one schema, deterministic answers. */
const HOST_ID = '7c8ad1b2-4f3e-4a4c-9d5e-000000000001';
const SCHEMA_VERSION = '7c8ad1b2-4f3e-4a4c-9d5e-000000000002';

const ONLY_AUTHENTICATES =
  'This Amazon Keyspaces stand-in only authenticates: it answers the driver\'s connection queries and ' +
  '"SELECT release_version FROM system.local", not other statements.';

type State = 'new' | 'started' | 'verifying' | 'ready' | 'closed';

const inetValue = (address: string): CellValue => {
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(plain)) return Buffer.from(plain.split('.').map(Number));
  if (!isIPv6(plain)) return null;
  // Expand `::` and write 8 groups of 16 bits.
  const [head = '', tail = ''] = plain.split('::') as [string, string?];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = plain.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.slice(0, 8).forEach((group, index) => out.writeUInt16BE(Number.parseInt(group, 16) || 0, index * 2));
  return out;
};

interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly CellValue[])[];
}

const localTable = (options: CqlSessionOptions): Table => {
  const address = inetValue(options.localAddress);
  const entries: [string, Buffer, CellValue][] = [
    ['key', CqlType.varchar, varcharValue('local')],
    ['bootstrapped', CqlType.varchar, varcharValue('COMPLETED')],
    ['broadcast_address', CqlType.inet, address],
    ['cluster_name', CqlType.varchar, varcharValue('Amazon Keyspaces stand-in')],
    ['cql_version', CqlType.varchar, varcharValue(CQL_VERSION)],
    ['data_center', CqlType.varchar, varcharValue(options.dataCenter ?? 'us-east-1')],
    ['host_id', CqlType.uuid, uuidValue(HOST_ID)],
    ['listen_address', CqlType.inet, address],
    ['native_protocol_version', CqlType.varchar, varcharValue(String(PROTOCOL_VERSION))],
    ['partitioner', CqlType.varchar, varcharValue('org.apache.cassandra.dht.Murmur3Partitioner')],
    ['rack', CqlType.varchar, varcharValue('rack1')],
    ['release_version', CqlType.varchar, varcharValue(options.releaseVersion ?? KEYSPACES_RELEASE_VERSION)],
    ['rpc_address', CqlType.inet, address],
    ['schema_version', CqlType.uuid, uuidValue(SCHEMA_VERSION)],
    ['tokens', CqlType.setOfVarchar, setValue(['0'])],
    ['truncated_at', CqlType.mapOfVarchar, mapValue([])],
  ];
  return { columns: entries.map(([name, type]) => ({ name, type })), rows: [entries.map(([, , value]) => value)] };
};

const PEERS_TABLE: Table = {
  columns: [
    { name: 'peer', type: CqlType.inet },
    { name: 'data_center', type: CqlType.varchar },
    { name: 'host_id', type: CqlType.uuid },
    { name: 'preferred_ip', type: CqlType.inet },
    { name: 'rack', type: CqlType.varchar },
    { name: 'release_version', type: CqlType.varchar },
    { name: 'rpc_address', type: CqlType.inet },
    { name: 'schema_version', type: CqlType.uuid },
    { name: 'tokens', type: CqlType.setOfVarchar },
  ],
  rows: [],
};

/** A token of the statements this door answers: a word (keyword or unquoted name), a symbol, or a '...' string literal. */
export type CqlToken =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string };

/** Counts the characters the scanner reads: the linear-time property test reads it (a statement is client input, up to 256 KiB). */
export interface ScanMeter {
  reads: number;
}

const SYMBOLS = '*,.=;';
/** CQL's whitespace (Cassandra's lexer: space, tab, newline, carriage return), and form feed. */
const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c;
const isWordStart = (code: number): boolean => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
const isWordPart = (code: number): boolean => isWordStart(code) || (code >= 0x30 && code <= 0x39);

/**
 * The tokens of a statement, in one pass: each character is read at most twice (once where a token ends, once where the next one
 * starts), so the work is linear in the length whatever the text. `undefined` for a character no answered statement contains or an
 * unterminated string. A hand-written scanner, not a regular expression: `\s*;?\s*$` after a quantified group backtracked
 * quadratically (a statement of 180k spaces took 14 s and held the event loop).
 */
export const scanCql = (text: string, meter: ScanMeter = { reads: 0 }): CqlToken[] | undefined => {
  const read = (index: number): number => {
    meter.reads += 1;
    return text.charCodeAt(index);
  };
  const tokens: CqlToken[] = [];
  let index = 0;
  while (index < text.length) {
    const code = read(index);
    if (isSpace(code)) {
      index += 1;
    } else if (isWordStart(code)) {
      const start = index;
      index += 1;
      while (index < text.length && isWordPart(read(index))) index += 1;
      tokens.push({ kind: 'word', text: text.slice(start, index) });
    } else if (code === 0x27) {
      // '...' with '' for a quote inside.
      let value = '';
      let chunkStart = index + 1;
      index += 1;
      for (;;) {
        if (index >= text.length) return undefined;
        if (read(index) !== 0x27) {
          index += 1;
        } else if (index + 1 < text.length && read(index + 1) === 0x27) {
          value += text.slice(chunkStart, index + 1);
          index += 2;
          chunkStart = index;
        } else {
          value += text.slice(chunkStart, index);
          index += 1;
          break;
        }
      }
      tokens.push({ kind: 'string', text: value });
    } else if (SYMBOLS.includes(text[index] as string)) {
      tokens.push({ kind: 'symbol', text: text[index] as string });
      index += 1;
    } else {
      return undefined;
    }
  }
  return tokens;
};

/** `SELECT <* | a, b> FROM <keyspace>.<table> [WHERE key = 'local'] [;]`, parsed: names as written, keywords in any case. */
export interface SelectStatement {
  readonly selection: '*' | readonly string[];
  readonly keyspace: string;
  readonly table: string;
  readonly whereLocal: boolean;
}

/** The SELECT statements a driver sends while it connects, from their tokens (one pass over them); `undefined` for anything else. */
export const parseSelect = (text: string, meter?: ScanMeter): SelectStatement | undefined => {
  const tokens = scanCql(text, meter);
  if (tokens === undefined) return undefined;
  let next = 0;
  const word = (): string | undefined => {
    const token = tokens[next];
    if (token?.kind !== 'word') return undefined;
    next += 1;
    return token.text;
  };
  const keyword = (expected: string): boolean => {
    const token = tokens[next];
    if (token?.kind !== 'word' || token.text.toLowerCase() !== expected) return false;
    next += 1;
    return true;
  };
  const symbol = (expected: string): boolean => {
    const token = tokens[next];
    if (token?.kind !== 'symbol' || token.text !== expected) return false;
    next += 1;
    return true;
  };
  if (!keyword('select')) return undefined;
  let selection: '*' | string[];
  if (symbol('*')) {
    selection = '*';
  } else {
    const columns: string[] = [];
    do {
      const column = word();
      if (column === undefined) return undefined;
      columns.push(column);
    } while (symbol(','));
    selection = columns;
  }
  if (!keyword('from')) return undefined;
  const keyspace = word();
  if (keyspace === undefined || !symbol('.')) return undefined;
  const table = word();
  if (table === undefined) return undefined;
  let whereLocal = false;
  if (keyword('where')) {
    if (!keyword('key') || !symbol('=')) return undefined;
    const value = tokens[next];
    if (value?.kind !== 'string' || value.text.toLowerCase() !== 'local') return undefined;
    next += 1;
    whereLocal = true;
  }
  symbol(';');
  return next === tokens.length ? { selection, keyspace, table, whereLocal } : undefined;
};

export type QueryAnswer = { readonly kind: 'rows'; readonly body: Buffer } | { readonly kind: 'invalid'; readonly message: string };

/** The answer to a statement after login: system.local / system.peers (projected), system_schema tables (empty), else Invalid. */
export const answerQuery = (query: string, options: CqlSessionOptions): QueryAnswer => {
  const statement = parseSelect(query);
  if (statement === undefined) return { kind: 'invalid', message: ONLY_AUTHENTICATES };
  const { selection, whereLocal } = statement;
  const ks = statement.keyspace.toLowerCase();
  const name = statement.table.toLowerCase();
  if (ks === 'system_schema' && !whereLocal && selection === '*') {
    return { kind: 'rows', body: rowsResult(ks, name, [], []) };
  }
  if (ks !== 'system' || (name !== 'local' && name !== 'peers') || (name === 'peers' && whereLocal)) {
    return { kind: 'invalid', message: ONLY_AUTHENTICATES };
  }
  const source = name === 'local' ? localTable(options) : PEERS_TABLE;
  if (selection === '*') return { kind: 'rows', body: rowsResult(ks, name, source.columns, source.rows) };
  const indexes = selection.map((column) => source.columns.findIndex((candidate) => candidate.name === column.toLowerCase()));
  if (indexes.some((index) => index === -1)) return { kind: 'invalid', message: `Undefined column name in selection clause` };
  return {
    kind: 'rows',
    body: rowsResult(
      ks,
      name,
      indexes.map((index) => source.columns[index] as Column),
      source.rows.map((row) => indexes.map((index) => row[index] ?? null)),
    ),
  };
};

const send = (stream: number, opcode: number, body: Buffer): CqlAction => ({ kind: 'send', bytes: frame(stream, opcode, body) });
const sendError = (stream: number, code: number, message: string): CqlAction => send(stream, Opcode.ERROR, errorBody(code, message));

const SUPPORTED_BODY = stringMultimap([
  ['CQL_VERSION', [CQL_VERSION]],
  ['COMPRESSION', []],
]);

/**
 * What a refused login is told, as Cassandra's PasswordAuthenticator words it (Keyspaces' own wording is not recorded; this door
 * answers a wrong password with Cassandra's `Provided username <name> and/or password are incorrect`, which drivers know): the token
 * read from its end, as Cassandra reads it, so that an empty
 * password or user name, or a NUL too many, gets Cassandra's own message rather than a sentence with a hole where the name goes.
 * The name is echoed as UTF-8 (invalid bytes replaced), at most `MAX_SASL_PLAIN_LENGTH` bytes of it: an error message is a [string]
 * of at most 64 KiB, and a longer name is no one's.
 */
export const badCredentialsMessage = (token: Uint8Array): string => {
  let password: Uint8Array | undefined;
  let user: Uint8Array | undefined;
  let end = token.length;
  for (let index = token.length - 1; index >= 0; index--) {
    if (token[index] !== 0) continue;
    if (password === undefined) password = token.subarray(index + 1, end);
    else if (user === undefined) user = token.subarray(index + 1, end);
    else return 'Credential format error: username or password is empty or contains NUL(\\0) character';
    end = index;
  }
  if (password === undefined || password.length === 0) return 'Password must not be null';
  if (user === undefined || user.length === 0) return 'Authentication ID must not be null';
  const name = Buffer.from(user.buffer, user.byteOffset, Math.min(user.length, MAX_SASL_PLAIN_LENGTH)).toString('utf8');
  return `Provided username ${name} and/or password are incorrect`;
};

/** The most answer bytes one turn produces before it stops and leaves the rest of the received frames queued (`continue`). */
export const ANSWER_BYTES_PER_TURN = 64 * 1024;
/**
 * The most received bytes a session holds unanswered: two of the largest frames. The server never gets near it (it stops reading
 * while frames are queued, a login is being checked or the client is not reading its answers); a caller of the Sans-I/O session
 * that keeps feeding a session that waits gets a protocol error and a close, not a growing buffer.
 */
export const MAX_HELD_BYTES = 2 * (HEADER_BYTES + MAX_FRAME_BODY_BYTES);

export class CqlSession {
  private readonly queue = new ByteQueue();
  private state: State = 'new';
  private pendingStream = 0;
  private refusal = '';
  private queuedFrames = false;

  constructor(private readonly options: CqlSessionOptions) {}

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** True while the login's check is pending (`authenticate` was returned and `authenticated` not yet called): read nothing more. */
  get isVerifying(): boolean {
    return this.state === 'verifying';
  }

  /** True when the last turn stopped at its answer budget with whole frames still queued: call `continue` once the answers are sent. */
  get hasQueuedFrames(): boolean {
    return this.queuedFrames && this.state !== 'closed' && this.state !== 'verifying';
  }

  /**
   * Bytes from the client. Answers queued frames for one turn (at most `ANSWER_BYTES_PER_TURN` of answers) and returns what to do,
   * in order; frames past the budget stay queued (`hasQueuedFrames`).
   */
  receive(chunk: Buffer): CqlAction[] {
    if (this.state === 'closed') return [];
    this.queue.push(chunk);
    const actions = this.turn();
    // A closed session holds nothing, so only a waiting one (a login being checked) can be over.
    if (this.queue.length > MAX_HELD_BYTES) {
      return [...actions, ...this.fail(this.pendingStream, `Too much data sent ahead of the answers (over ${MAX_HELD_BYTES} bytes held)`)];
    }
    return actions;
  }

  /** Answers the next turn's worth of queued frames. */
  continue(): CqlAction[] {
    if (this.state === 'closed') return [];
    return this.turn();
  }

  /** The outcome of the `authenticate` action. On success, also answers queued frames for one turn. */
  authenticated(accepted: boolean): CqlAction[] {
    if (this.state !== 'verifying') return [];
    if (!accepted) {
      const refusal = this.refusal;
      this.state = 'closed';
      this.queue.clear();
      return [sendError(this.pendingStream, ErrorCode.BAD_CREDENTIALS, refusal), { kind: 'close' }];
    }
    this.state = 'ready';
    this.refusal = '';
    return [send(this.pendingStream, Opcode.AUTH_SUCCESS, bytes(null)), ...this.turn()];
  }

  private fail(stream: number, message: string): CqlAction[] {
    this.state = 'closed';
    this.queue.clear();
    return [sendError(stream, ErrorCode.PROTOCOL_ERROR, message), { kind: 'close' }];
  }

  private turn(): CqlAction[] {
    const actions: CqlAction[] = [];
    let answered = 0;
    this.queuedFrames = false;
    while (this.state !== 'verifying' && this.state !== 'closed' && this.queue.length >= HEADER_BYTES) {
      const header = readHeader(this.queue.peek(HEADER_BYTES));
      if ((header.version & 0x80) !== 0 || (header.version & 0x7f) !== PROTOCOL_VERSION) {
        // Also how a driver learns which version to use: it retries with the version of this answer (4).
        const stream = (header.version & 0x7f) < 3 ? 0 : header.stream;
        return [
          ...actions,
          ...this.fail(stream, `Invalid or unsupported protocol version (${header.version & 0x7f}); supported versions are (4/v4)`),
        ];
      }
      if (header.length > MAX_FRAME_BODY_BYTES) return [...actions, ...this.fail(header.stream, `Request frame too large (${header.length} bytes)`)];
      if (this.queue.length < HEADER_BYTES + header.length) break;
      if (answered >= ANSWER_BYTES_PER_TURN) {
        this.queuedFrames = true;
        break;
      }
      this.queue.take(HEADER_BYTES);
      const body = this.queue.take(header.length);
      if ((header.flags & FLAG_COMPRESSION) !== 0) return [...actions, ...this.fail(header.stream, 'Compression was not negotiated')];
      let answers: CqlAction[];
      try {
        answers = this.handle(header.stream, header.opcode, body);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        return [...actions, ...this.fail(header.stream, 'Malformed message body')];
      }
      for (const answer of answers) {
        if (answer.kind === 'send') answered += answer.bytes.length;
        actions.push(answer);
      }
    }
    return actions;
  }

  private handle(stream: number, opcode: number, body: Buffer): CqlAction[] {
    if (opcode === Opcode.OPTIONS) return [send(stream, Opcode.SUPPORTED, SUPPORTED_BODY)];
    switch (this.state) {
      case 'new': {
        if (opcode !== Opcode.STARTUP) return this.fail(stream, `Unexpected message ${opcode}, expecting STARTUP or OPTIONS`);
        const startup = new BodyReader(body).stringMap();
        if (!startup.has('CQL_VERSION')) return this.fail(stream, 'Missing value CQL_VERSION in STARTUP message');
        if (startup.has('COMPRESSION')) return this.fail(stream, `Unknown compression algorithm: ${startup.get('COMPRESSION') ?? ''}`);
        this.state = 'started';
        return [send(stream, Opcode.AUTHENTICATE, string(AUTHENTICATOR))];
      }
      case 'started': {
        if (opcode !== Opcode.AUTH_RESPONSE) return this.fail(stream, `Unexpected message ${opcode}, expecting AUTH_RESPONSE`);
        const token = new BodyReader(body).bytes() ?? Buffer.alloc(0);
        this.state = 'verifying';
        this.pendingStream = stream;
        this.refusal = badCredentialsMessage(token);
        return [{ kind: 'authenticate', token: Buffer.from(token) }];
      }
      default:
        return this.afterLogin(stream, opcode, body);
    }
  }

  private afterLogin(stream: number, opcode: number, body: Buffer): CqlAction[] {
    if (opcode === Opcode.REGISTER) return [send(stream, Opcode.READY, Buffer.alloc(0))];
    if (opcode === Opcode.STARTUP || opcode === Opcode.AUTH_RESPONSE) return this.fail(stream, 'Unexpected message: already logged in');
    if (opcode !== Opcode.QUERY) return [sendError(stream, ErrorCode.INVALID, ONLY_AUTHENTICATES)];
    const answer = answerQuery(new BodyReader(body).longString(), this.options);
    return answer.kind === 'rows' ? [send(stream, Opcode.RESULT, answer.body)] : [sendError(stream, ErrorCode.INVALID, answer.message)];
  }
}
