import { err, ok, type Result } from 'neverthrow';

/** Where a JSON text stops being JSON: a 0-based offset, and the 1-based line and column of that character. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isHexDigit = (code: number): boolean => isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

/**
 * The offset of the first character at which `text` stops being JSON (RFC 8259, as JSON.parse reads it), `text.length` when it ends
 * too early, or undefined when it is JSON. Needed because JSON.parse's message quotes the text around the error, and the files read
 * here hold secrets: the message must say where, never what. Each step below returns false where the text goes wrong, with `at` on
 * the offending character.
 */
export const firstSyntaxErrorOffset = (text: string): number | undefined => {
  let at = 0;
  const code = (): number => (at < text.length ? text.charCodeAt(at) : -1);
  const skipWhitespace = (): void => {
    while (isWhitespace(code())) at += 1;
  };
  const literal = (word: string): boolean => {
    for (let index = 0; index < word.length; index += 1) {
      if (code() !== word.charCodeAt(index)) return false;
      at += 1;
    }
    return true;
  };
  const digits = (): boolean => {
    if (!isDigit(code())) return false;
    while (isDigit(code())) at += 1;
    return true;
  };
  const number = (): boolean => {
    if (code() === 0x2d) at += 1; // -
    if (code() === 0x30) at += 1; // a leading 0 stands alone
    else if (!digits()) return false;
    if (code() === 0x2e) {
      at += 1;
      if (!digits()) return false;
    }
    if (code() === 0x65 || code() === 0x45) {
      at += 1;
      if (code() === 0x2b || code() === 0x2d) at += 1;
      if (!digits()) return false;
    }
    return true;
  };
  const escape = (): boolean => {
    const escaped = code();
    if (escaped === 0x75) {
      at += 1;
      for (let index = 0; index < 4; index += 1) {
        if (!isHexDigit(code())) return false;
        at += 1;
      }
      return true;
    }
    if (escaped === -1 || !'"\\/bfnrt'.includes(String.fromCharCode(escaped))) return false;
    at += 1;
    return true;
  };
  const string = (): boolean => {
    at += 1; // the opening quote
    for (;;) {
      const current = code();
      if (current === -1 || current < 0x20) return false;
      at += 1;
      if (current === 0x22) return true;
      if (current === 0x5c && !escape()) return false;
    }
  };
  /** The members of an object or the elements of an array, after its opening bracket, up to and including its closing one. */
  const members = (close: string, member: () => boolean): boolean => {
    skipWhitespace();
    if (code() === close.charCodeAt(0)) {
      at += 1;
      return true;
    }
    for (;;) {
      if (!member()) return false;
      skipWhitespace();
      if (code() !== 0x2c) return literal(close);
      at += 1;
    }
  };
  const value = (): boolean => {
    skipWhitespace();
    const current = code();
    if (current === 0x7b) {
      at += 1;
      return members('}', () => {
        skipWhitespace();
        if (code() !== 0x22 || !string()) return false;
        skipWhitespace();
        return literal(':') && value();
      });
    }
    if (current === 0x5b) {
      at += 1;
      return members(']', value);
    }
    if (current === 0x22) return string();
    if (current === 0x2d || isDigit(current)) return number();
    if (current === 0x74) return literal('true');
    if (current === 0x66) return literal('false');
    if (current === 0x6e) return literal('null');
    return false;
  };
  if (!value()) return at;
  skipWhitespace();
  return at === text.length ? undefined : at;
};

/** The 1-based line and column of an offset (lines end at \n; a \r\n counts once). */
const lineAndColumn = (text: string, offset: number): { line: number; column: number } => {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
};

/** JSON.parse, with an error that says where the text stops being JSON and quotes none of it. */
export const parseJsonText = (text: string): Result<unknown, JsonSyntaxError> => {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    // JSON.parse and the scanner read the same grammar; should they ever disagree, the end of the text is a safe place to point.
    const offset = firstSyntaxErrorOffset(text) ?? text.length;
    return err({ offset, ...lineAndColumn(text, offset) });
  }
};

/** How a syntax error is told: `line 3, column 18`. */
export const describeJsonSyntaxError = (error: JsonSyntaxError): string =>
  `not valid JSON at line ${error.line}, column ${error.column} (character ${error.offset + 1})`;
