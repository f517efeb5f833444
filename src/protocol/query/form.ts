import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Bytes to text, or undefined when they are not valid UTF-8 (a malformed request, not something to paper over with U+FFFD). A body
 * of ASCII (what a form-urlencoded body is: non-ASCII is percent-encoded) is read as latin1, the cheapest decoding.
 */
export const bodyText = (body: string | Uint8Array): string | undefined => {
  if (typeof body === 'string') return body;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isAscii(bytes)) return bytes.toString('latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
};

const PLUS = /\+/g;
const ENCODED = /[+%]/;

/**
 * One name or value of a form-urlencoded text (a body, or a query string as AWS's Query protocol reads it): `+` is a space, `%XX`
 * must be well-formed UTF-8; undefined when it is not. Text without either is returned as it is. The signature check reads a query
 * string with this same function (sigv4/verify-signature.ts), so that what was signed is what the handler reads.
 */
export const decodeFormComponent = (text: string): string | undefined => {
  if (!ENCODED.test(text)) return text;
  try {
    return decodeURIComponent(text.replace(PLUS, ' '));
  } catch {
    return undefined;
  }
};

/**
 * Calls `sink.add` for each `name=value` of a form-urlencoded text, decoded, in order; false (after the pairs before it) at the first
 * malformed one. Strict: `+` is a space, `%XX` must be well-formed and decode to valid UTF-8 (URLSearchParams would silently keep
 * bad escapes or substitute U+FFFD). Empty segments (`a=1&&b=2`) are skipped; a segment without `=` has an empty value.
 */
export const forEachFormPair = (text: string, sink: { add(name: string, value: string): void }): boolean => {
  const length = text.length;
  for (let start = 0; ; ) {
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      const segment = text.slice(start, end);
      const equals = segment.indexOf('=');
      const name = decodeFormComponent(equals === -1 ? segment : segment.slice(0, equals));
      const value = equals === -1 ? '' : decodeFormComponent(segment.slice(equals + 1));
      if (name === undefined || value === undefined) return false;
      sink.add(name, value);
    }
    if (end === length) return true;
    start = end + 1;
  }
};
