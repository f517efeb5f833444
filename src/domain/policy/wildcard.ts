const STAR = 42; // '*'
const QUESTION = 63; // '?'

/**
 * A pattern to match: its text, and which of its characters are literal (`literal[i] === 1`: a `*` or `?` that came from a
 * `${*}`/`${?}` escape or from a substituted variable's value, never a wildcard). `literal` is absent when every `*` and `?` is a
 * wildcard, the common case.
 */
export interface WildcardPattern {
  readonly text: string;
  readonly literal?: Uint8Array | undefined;
}

/**
 * Whether `value[valueStart, valueEnd)` matches `text[patternStart, patternEnd)`, where `*` matches any run of characters
 * (also none) and `?` exactly one. Greedy with one backtracking point: each `*` only ever has to retry from the last `*` seen,
 * so the match is linear in practice and O(n·m) at worst, with no regular expression and no allocation. Case-sensitive: callers
 * lower-case both sides for the case-insensitive comparisons.
 */
export const wildcardMatchRange = (
  text: string,
  literal: Uint8Array | undefined,
  patternStart: number,
  patternEnd: number,
  value: string,
  valueStart: number,
  valueEnd: number,
): boolean => {
  let p = patternStart;
  let v = valueStart;
  let starAt = -1;
  let starValue = valueStart;
  while (v < valueEnd) {
    if (p < patternEnd) {
      const code = text.charCodeAt(p);
      const wild = literal === undefined || literal[p] !== 1;
      if (wild && code === STAR) {
        starAt = p;
        p += 1;
        starValue = v;
        continue;
      }
      if ((wild && code === QUESTION) || code === value.charCodeAt(v)) {
        p += 1;
        v += 1;
        continue;
      }
    }
    if (starAt < 0) return false;
    p = starAt + 1;
    starValue += 1;
    v = starValue;
  }
  while (p < patternEnd && text.charCodeAt(p) === STAR && (literal === undefined || literal[p] !== 1)) p += 1;
  return p === patternEnd;
};

export const wildcardMatch = (pattern: WildcardPattern, value: string): boolean =>
  wildcardMatchRange(pattern.text, pattern.literal, 0, pattern.text.length, value, 0, value.length);

/** A pattern string in which every `*` and `?` is a wildcard. */
export const wildcardMatchText = (pattern: string, value: string): boolean =>
  wildcardMatchRange(pattern, undefined, 0, pattern.length, value, 0, value.length);

/**
 * A pattern whose only wildcard is `*` (the common Resource: `*`, an exact ARN, `arn:aws:iam::*:user/team/*`), as the literal
 * pieces between its stars; undefined when it holds a `?`. Matched by `starSegmentsMatch` with `startsWith`, `indexOf` and
 * `endsWith` instead of character by character.
 */
export const starSegments = (pattern: string): readonly string[] | undefined => (pattern.includes('?') ? undefined : pattern.split('*'));

/**
 * Whether `value` matches the pattern split at its stars: the first piece starts it, the last ends it, and each piece between is
 * found in order between them (taking the leftmost place for each never loses a match another place would allow).
 */
export const starSegmentsMatch = (segments: readonly string[], value: string): boolean => {
  const last = segments.length - 1;
  const head = segments[0] as string;
  if (last === 0) return value === head;
  const tail = segments[last] as string;
  // The head and the tail must not overlap: `ab*ba` does not match `aba`.
  if (value.length < head.length + tail.length || !value.startsWith(head) || !value.endsWith(tail)) return false;
  const end = value.length - tail.length;
  let from = head.length;
  for (let index = 1; index < last; index += 1) {
    const segment = segments[index] as string;
    const at = value.indexOf(segment, from);
    if (at < 0 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
};
