import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyReader } from '../../src/protocol/cql/cql-codec.js';
import { type ScanMeter, answerQuery, parseSelect, scanCql } from '../../src/protocol/cql/cql-session.js';

/**
 * The door's statement recognizer reads a statement a client sent (up to a 256 KiB frame) while the event loop waits, so its work
 * must be linear in the length whatever the text: counted as characters read, never timed.
 */

/** Characters statements are made of, and a few that are not, so that random text is often nearly a statement. */
const statementCharacter = fc.constantFrom(...'selctfromwhkyaSELCTFROMWHKYA_019 \t\n\r*,.=;\'"-(x\u00e9\u00a0'.split(''));
const statementish = fc.string({ unit: statementCharacter, maxLength: 300 });

const readsFor = (text: string): number => {
  const meter: ScanMeter = { reads: 0 };
  parseSelect(text, meter);
  return meter.reads;
};

/** The recognizer this door used before, kept as an oracle for the statements it accepted (fast on short text). */
const OLD_SELECT =
  /^select\s+(\*|[a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)\s+from\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)(\s+where\s+key\s*=\s*'local')?\s*;?\s*$/i;

describe('the Keyspaces door reads a statement in one pass', () => {
  it('reads each character at most twice, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(statementish, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        expect(readsFor(text)).toBeLessThanOrEqual(2 * text.length);
      }),
    );
  });

  it('a statement, a long run of spaces, then one more word: linear work, and the Invalid answer (the run that held the loop for seconds)', () => {
    for (const spaces of [1_000, 60_000, 180_000, 256 * 1024]) {
      for (const tail of ['x', ';x', "'", ' WHERE key =', '']) {
        const text = `SELECT * FROM system.local${' '.repeat(spaces)}${tail}`;
        expect(readsFor(text)).toBeLessThanOrEqual(2 * text.length);
        expect(answerQuery(text, { localAddress: '127.0.0.1' }).kind).toBe(tail === '' ? 'rows' : 'invalid');
      }
    }
    const columns = `SELECT ${'a ,'.repeat(80_000)} FROM system.local`;
    expect(readsFor(columns)).toBeLessThanOrEqual(2 * columns.length);
    const quotes = `SELECT * FROM system.local WHERE key = '${"''".repeat(100_000)}`;
    expect(readsFor(quotes)).toBeLessThanOrEqual(2 * quotes.length);
  });

  it('recognizes every statement the old regular expression recognized, with the same parts (property)', () => {
    const space = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), minLength: 1, maxLength: 3 });
    const maybeSpace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 2 });
    const anyCase = (word: string) =>
      fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) =>
        [...word].map((letter, index) => (upper[index] === true ? letter.toUpperCase() : letter)).join(''),
      );
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
    const selection = fc.oneof(
      fc.constant('*'),
      fc.array(fc.tuple(name, maybeSpace, maybeSpace), { minLength: 1, maxLength: 4 }).map((columns) =>
        columns.map(([column, before, after], index) => (index === 0 ? column : `${before},${after}${column}`)).join(''),
      ),
    );
    const where = fc.option(
      fc.tuple(space, anyCase('where'), space, anyCase('key'), maybeSpace, maybeSpace, anyCase('local')).map(
        ([s1, w, s2, k, s3, s4, local]) => `${s1}${w}${s2}${k}${s3}=${s4}'${local}'`,
      ),
      { nil: '' },
    );
    const statement = fc
      .tuple(maybeSpace, anyCase('select'), space, selection, space, anyCase('from'), space, name, name, where, maybeSpace, fc.boolean(), maybeSpace)
      .map(([lead, select, s1, sel, s2, from, s3, ks, table, whereClause, s4, semicolon, s5]) =>
        `${lead}${select}${s1}${sel}${s2}${from}${s3}${ks}.${table}${whereClause}${s4}${semicolon ? ';' : ''}${s5}`,
      );
    fc.assert(
      // Without U+00A0: the old expression's \s took any Unicode space, CQL's lexer (and this scanner) only its own four.
      fc.property(fc.oneof(statement, statementish.filter((text) => !text.includes('\u00a0'))), (text) => {
        const old = OLD_SELECT.exec(text.trim());
        if (old === null) return;
        const [, selected = '', keyspace, table, whereLocal] = old;
        expect(parseSelect(text)).toEqual({
          selection: selected === '*' ? '*' : selected.split(',').map((column) => column.trim()),
          keyspace,
          table,
          whereLocal: whereLocal !== undefined,
        });
      }),
    );
  });

  it('scans words, symbols and string literals with doubled quotes; refuses other characters and unterminated strings', () => {
    expect(scanCql("select a,b from ks.t where key='it''s';")).toEqual([
      { kind: 'word', text: 'select' },
      { kind: 'word', text: 'a' },
      { kind: 'symbol', text: ',' },
      { kind: 'word', text: 'b' },
      { kind: 'word', text: 'from' },
      { kind: 'word', text: 'ks' },
      { kind: 'symbol', text: '.' },
      { kind: 'word', text: 't' },
      { kind: 'word', text: 'where' },
      { kind: 'word', text: 'key' },
      { kind: 'symbol', text: '=' },
      { kind: 'string', text: "it's" },
      { kind: 'symbol', text: ';' },
    ]);
    expect(scanCql("select 'open")).toBeUndefined();
    expect(scanCql('select (a)')).toBeUndefined();
    expect(parseSelect('SELECT * FROM system.local WHERE key = \'other\'')).toBeUndefined();
    expect(parseSelect('SELECT * FROM system.local;;')).toBeUndefined();
    expect(parseSelect('SELECT a, FROM system.local')).toBeUndefined();
    expect(parseSelect('SELECT * FROM local')).toBeUndefined();
  });

  it('answers the projected columns the driver asks for, in the order asked', () => {
    const answer = answerQuery('select RELEASE_VERSION , cql_version from SYSTEM.LOCAL', { localAddress: '127.0.0.1' });
    expect(answer.kind).toBe('rows');
    const reader = new BodyReader(answer.kind === 'rows' ? answer.body : Buffer.alloc(0));
    expect([reader.int(), reader.int(), reader.int(), reader.string(), reader.string()]).toEqual([2, 1, 2, 'system', 'local']);
    expect([reader.string(), reader.short(), reader.string(), reader.short()]).toEqual(['release_version', 0x0d, 'cql_version', 0x0d]);
    expect(reader.int()).toBe(1);
    expect([reader.bytes()?.toString(), reader.bytes()?.toString()]).toEqual(['3.11.2', '3.4.4']);
  });
});
