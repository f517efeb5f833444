import { type Result, err, ok } from 'neverthrow';

/** One `name=value` pair of an `application/x-www-form-urlencoded` text, decoded, in the order sent. */
export interface FormPair {
  readonly name: string;
  readonly value: string;
}

export type FormError = 'malformed';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes to text; invalid UTF-8 is a malformed request, not something to paper over with U+FFFD. */
export const decodeBody = (body: string | Uint8Array): Result<string, FormError> => {
  if (typeof body === 'string') return ok(body);
  try {
    return ok(utf8.decode(body));
  } catch {
    return err('malformed');
  }
};

const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/**
 * Parses form-urlencoded text strictly: `+` is a space, `%XX` must be well-formed and decode to valid UTF-8 (URLSearchParams would
 * silently keep bad escapes or substitute U+FFFD). Empty segments (`a=1&&b=2`) are skipped; a segment without `=` has an empty value.
 */
export const parseForm = (text: string): Result<FormPair[], FormError> => {
  const pairs: FormPair[] = [];
  if (text === '') return ok(pairs);
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const rawName = equals === -1 ? segment : segment.slice(0, equals);
    const rawValue = equals === -1 ? '' : segment.slice(equals + 1);
    const name = decodeComponent(rawName);
    const value = decodeComponent(rawValue);
    if (name === undefined || value === undefined) return err('malformed');
    pairs.push({ name, value });
  }
  return ok(pairs);
};
