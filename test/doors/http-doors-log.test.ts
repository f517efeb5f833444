import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLoginAttempt, reasonWord } from '../../src/protocol/front-door/login-attempt.js';

/** How a refusal's reason reads in a login line: one word, spaces as `-`, nothing around a `:`. */
describe('the reason of a refused login in the log line', () => {
  it('reads cleanly for the reasons the engine gives', () => {
    const cases: [string, string][] = [
      ['malformed credentials: unsupported scheme', 'malformed-credentials:unsupported-scheme'],
      ['malformed credentials: no Authorization header', 'malformed-credentials:no-Authorization-header'],
      ['malformed credentials: Basic credentials are not base64', 'malformed-credentials:Basic-credentials-are-not-base64'],
      ['malformed credentials: not UTF-8', 'malformed-credentials:not-UTF-8'],
      ['wrong secret', 'wrong-secret'],
      ['credential is Expired', 'credential-is-Expired'],
      ['not an API-key service', 'not-an-API-key-service'],
    ];
    for (const [detail, word] of cases) expect(reasonWord(detail)).toBe(word);
    const line = formatLoginAttempt(
      { door: 'bedrock', outcome: 'refused', presented: undefined, accountId: undefined, reason: 'malformed credentials: unsupported scheme' },
      '127.0.0.1',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(line).toBe('2026-01-01T00:00:00.000Z bedrock login refused user=- account=- reason=malformed-credentials:unsupported-scheme client=127.0.0.1');
  });

  it('is one printable word, whatever the detail; the `-` standing for spaces is never next to a `:`', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(' ', ':', '\t', 'a', 'B', '\n', 'é', '\u0000'), maxLength: 100 }), (detail) => {
        const word = reasonWord(detail);
        expect(word).toMatch(/^[\x21-\x7e]+$/);
        expect(word).not.toMatch(/:-|-:/);
        // Nothing but the spacing changes: the other characters stay, in order.
        expect(word === '-' ? '' : word.replace(/-/g, '')).toBe(detail.replace(/\s/g, '').replace(/[^\x21-\x7e]/g, '?'));
      }),
    );
  });
});
