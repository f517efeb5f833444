import { isIPv4, isIPv6 } from 'node:net';
import {
  BodyReader,
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

/** `SELECT <* | a, b> FROM <keyspace>.<table> [WHERE key = 'local']`, case and spacing as any driver writes it. */
const SELECT = /^select\s+(\*|[a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)\s+from\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)(\s+where\s+key\s*=\s*'local')?\s*;?\s*$/i;

export type QueryAnswer = { readonly kind: 'rows'; readonly body: Buffer } | { readonly kind: 'invalid'; readonly message: string };

/** The answer to a statement after login: system.local / system.peers (projected), system_schema tables (empty), else Invalid. */
export const answerQuery = (query: string, options: CqlSessionOptions): QueryAnswer => {
  const match = SELECT.exec(query.trim());
  if (match === null) return { kind: 'invalid', message: ONLY_AUTHENTICATES };
  const [, selection = '*', keyspace = '', table = '', whereLocal] = match;
  const ks = keyspace.toLowerCase();
  const name = table.toLowerCase();
  if (ks === 'system_schema' && whereLocal === undefined && selection === '*') {
    return { kind: 'rows', body: rowsResult(ks, name, [], []) };
  }
  if (ks !== 'system' || (name !== 'local' && name !== 'peers') || (name === 'peers' && whereLocal !== undefined)) {
    return { kind: 'invalid', message: ONLY_AUTHENTICATES };
  }
  const source = name === 'local' ? localTable(options) : PEERS_TABLE;
  if (selection === '*') return { kind: 'rows', body: rowsResult(ks, name, source.columns, source.rows) };
  const wanted = selection.split(',').map((column) => column.trim().toLowerCase());
  const indexes = wanted.map((column) => source.columns.findIndex((candidate) => candidate.name === column));
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

export class CqlSession {
  private buffered: Buffer = Buffer.alloc(0);
  private state: State = 'new';
  private pendingStream = 0;

  constructor(private readonly options: CqlSessionOptions) {}

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Bytes from the client. Returns what to do, in order. */
  receive(chunk: Buffer): CqlAction[] {
    if (this.state === 'closed') return [];
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    return this.drain();
  }

  /** The outcome of the `authenticate` action. `userName` is what the client presented, for the error message. */
  authenticated(accepted: boolean, userName: string | undefined): CqlAction[] {
    if (this.state !== 'verifying') return [];
    if (!accepted) {
      this.state = 'closed';
      this.buffered = Buffer.alloc(0);
      return [
        sendError(this.pendingStream, ErrorCode.BAD_CREDENTIALS, `Provided username ${userName ?? ''} and/or password are incorrect`),
        { kind: 'close' },
      ];
    }
    this.state = 'ready';
    return [send(this.pendingStream, Opcode.AUTH_SUCCESS, bytes(null)), ...this.drain()];
  }

  private fail(stream: number, message: string): CqlAction[] {
    this.state = 'closed';
    this.buffered = Buffer.alloc(0);
    return [sendError(stream, ErrorCode.PROTOCOL_ERROR, message), { kind: 'close' }];
  }

  private drain(): CqlAction[] {
    const actions: CqlAction[] = [];
    while (this.state !== 'verifying' && this.state !== 'closed' && this.buffered.length >= HEADER_BYTES) {
      const header = readHeader(this.buffered);
      if ((header.version & 0x80) !== 0 || (header.version & 0x7f) !== PROTOCOL_VERSION) {
        // Also how a driver learns which version to use: it retries with the version of this answer (4).
        const stream = (header.version & 0x7f) < 3 ? 0 : header.stream;
        return [
          ...actions,
          ...this.fail(stream, `Invalid or unsupported protocol version (${header.version & 0x7f}); supported versions are (4/v4)`),
        ];
      }
      if (header.length > MAX_FRAME_BODY_BYTES) return [...actions, ...this.fail(header.stream, `Request frame too large (${header.length} bytes)`)];
      if (this.buffered.length < HEADER_BYTES + header.length) break;
      const body = this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + header.length);
      this.buffered = this.buffered.subarray(HEADER_BYTES + header.length);
      if ((header.flags & FLAG_COMPRESSION) !== 0) return [...actions, ...this.fail(header.stream, 'Compression was not negotiated')];
      try {
        actions.push(...this.handle(header.stream, header.opcode, body));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        return [...actions, ...this.fail(header.stream, 'Malformed message body')];
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
