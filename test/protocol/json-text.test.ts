import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonSyntaxError, firstSyntaxErrorOffset, parseJsonText } from '../../src/protocol/cli/json-text.js';

/** JSON texts, and texts near JSON: a valid text with a character inserted, removed or replaced somewhere. */
const jsonish = fc.oneof(
  fc.json(),
  fc
    .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', 'x', '-', '.', 'e', '0', ' ', '\n', '\u0001', '{', '['), fc.nat({ max: 1 }))
    .map(([text, at, inserted, removed]) => {
      const position = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, position) + inserted + text.slice(position + removed);
    }),
  fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 't', 'r', 'u', '\\', 'n', ' ') }),
);

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('where a JSON text goes wrong', () => {
  it('is nowhere exactly when JSON.parse accepts the text, and at the position JSON.parse names when it names one', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        const offset = firstSyntaxErrorOffset(text);
        expect(offset === undefined).toBe(parses(text));
        if (offset === undefined) return;
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThanOrEqual(text.length);
        let message = '';
        try {
          JSON.parse(text);
        } catch (error) {
          message = (error as Error).message;
        }
        const named = / at position (\d+)/.exec(message)?.[1];
        if (named !== undefined) expect(offset).toBe(Number(named));
      }),
      { numRuns: 3000 },
    );
  });

  it('is told as line and column, quoting nothing of the text', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const text = `{\n  "AKID": {\n    "secretAccessKey": ${secret}\n  }\n}\n`;
    const parsed = parseJsonText(text);
    expect(parsed.isErr()).toBe(true);
    const error = parsed._unsafeUnwrapErr();
    expect(error).toEqual({ offset: text.indexOf(secret), line: 3, column: 24 });
    expect(describeJsonSyntaxError(error)).toBe(`not valid JSON at line 3, column 24 (character ${text.indexOf(secret) + 1})`);
    expect(parseJsonText('{"a": [1, "x"]}')._unsafeUnwrap()).toEqual({ a: [1, 'x'] });
    // A text that ends too early goes wrong at its end.
    expect(parseJsonText('{"a": "unterminated')._unsafeUnwrapErr()).toEqual({ offset: 19, line: 1, column: 20 });
    expect(parseJsonText('')._unsafeUnwrapErr()).toEqual({ offset: 0, line: 1, column: 1 });
  });
});
