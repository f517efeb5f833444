import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, digestSecret, generateSecret, secretMatchesDigest } from '../../src/domain/secrets.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random source that answers each request from a list of rounds (the last one repeated), and counts the requests. */
const scripted = (rounds: readonly ((size: number) => number[])[]) => {
  let calls = 0;
  const randomBytes = (size: number): Uint8Array => {
    const round = rounds[Math.min(calls, rounds.length - 1)] as (size: number) => number[];
    calls += 1;
    return Uint8Array.from(round(size));
  };
  return { randomBytes, calls: () => calls };
};

const filled = (byte: number) => (size: number) => new Array<number>(size).fill(byte);

describe('IAM unique ids', () => {
  it('are the prefix and 17 characters of [A-Z0-9], each from a byte below 252 (the largest multiple of 36), never from one above', () => {
    fc.assert(
      fc.property(fc.constantFrom('ACCA' as const, 'AIDA' as const), fc.uint8Array({ minLength: 64, maxLength: 64 }), (prefix, bytes) => {
        const usable = bytes.filter((byte) => byte < 252);
        fc.pre(usable.length >= 17);
        // Each round hands out the same bytes; the id reads a round from its last byte to its first.
        const source = scripted([(size) => Array.from(bytes.subarray(0, size))]);
        const id = createIdGenerator(source.randomBytes)(prefix)._unsafeUnwrap();
        expect(id).toMatch(/^(ACCA|AIDA)[A-Z0-9]{17}$/);
        expect(id.startsWith(prefix)).toBe(true);
      }),
    );
  });

  it('map a byte b to the alphabet at b mod 36, reading each round from its last byte', () => {
    const bytes = Array.from({ length: 28 }, (_, index) => index * 9); // 0, 9, …, 243: all below 252
    const id = createIdGenerator(scripted([() => bytes]).randomBytes)('ACCA')._unsafeUnwrap();
    const expected = bytes
      .slice()
      .reverse()
      .slice(0, 17)
      .map((byte) => ALPHABET.charAt(byte % 36))
      .join('');
    expect(id).toBe(`ACCA${expected}`);
    // 251 is the last usable byte (251 mod 36 = 35: '9'); 252 to 255 are skipped.
    const edge = createIdGenerator(scripted([(size) => [...new Array<number>(size - 17).fill(252 + (size % 4)), ...new Array<number>(17).fill(251)]]).randomBytes);
    expect(edge('AIDA')._unsafeUnwrap()).toBe(`AIDA${'9'.repeat(17)}`);
  });

  it('skip unusable bytes across rounds, and report a source that has given no usable bytes in 16 rounds instead of looping for ever', () => {
    // 16 bytes usable in the first round, one more only in the 16th.
    const late = scripted([
      (size) => [...new Array<number>(size - 16).fill(255), ...new Array<number>(16).fill(0)],
      ...new Array(14).fill(filled(255)),
      (size) => [...new Array<number>(size - 1).fill(255), 1],
    ]);
    expect(createIdGenerator(late.randomBytes)('ACCA')._unsafeUnwrap()).toBe(`ACCA${'A'.repeat(16)}B`);
    expect(late.calls()).toBe(16);

    const broken = scripted([filled(252)]);
    const outcome = createIdGenerator(broken.randomBytes)('ACCA');
    expect(outcome._unsafeUnwrapErr().message).toBe('the random source gave no usable bytes for an id in 16 rounds of 28');
    expect(broken.calls()).toBe(16);

    const almost = scripted([(size) => [...new Array<number>(size - 1).fill(255), 0]]);
    expect(createIdGenerator(almost.randomBytes)('ACCA').isErr()).toBe(true);
  });

  it('count the 16 rounds per id: after a source recovers, the same generator makes ids again, each allowed its own 16 rounds', () => {
    // 16 rounds of unusable bytes (the first id fails), then 15 more and a usable round (the second id succeeds in its 16th).
    const recovering = scripted([...new Array(31).fill(filled(255)), filled(35)]);
    const newId = createIdGenerator(recovering.randomBytes);
    expect(newId('AIDA').isErr()).toBe(true);
    expect(recovering.calls()).toBe(16);
    expect(newId('AIDA')._unsafeUnwrap()).toBe(`AIDA${'9'.repeat(17)}`);
    expect(recovering.calls()).toBe(32);
  });
});

describe('IAM unique ids from a source that gives many unusable bytes', () => {
  it('are the first 17 usable bytes of the rounds, each round read from its last byte to its first (nanoid\'s customRandom)', () => {
    // Bytes 252 to 255 half of the time, so that an id needs every usable byte of a round, the first one included, or a second round.
    const byte = fc.oneof(fc.integer({ min: 0, max: 251 }), fc.integer({ min: 252, max: 255 }));
    fc.assert(
      fc.property(fc.constantFrom('ACCA' as const, 'AIDA' as const), fc.array(fc.array(byte, { minLength: 28, maxLength: 28 }), { minLength: 3, maxLength: 3 }), (prefix, rounds) => {
        const usable = rounds.flatMap((round) => round.slice().reverse()).filter((b) => b < 252);
        fc.pre(usable.length >= 17);
        const source = scripted(rounds.map((round) => (size: number) => round.slice(0, size)));
        const expected = usable.slice(0, 17).map((b) => ALPHABET.charAt(b % 36)).join('');
        expect(createIdGenerator(source.randomBytes)(prefix)._unsafeUnwrap()).toBe(prefix + expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('secrets', () => {
  it('are standard base64 of the random bytes: 32 for a password (44 characters), 44 for an API key secret (60, one =)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat({ max: 8 }), (pool, offset) => {
        const sizes: number[] = [];
        // A view into a larger buffer, as a pooled random source hands out: only the requested bytes are read.
        const randomBytes = (size: number) => {
          sizes.push(size);
          return pool.subarray(offset, offset + size);
        };
        const password = generateSecret('password', randomBytes);
        const apiKeySecret = generateSecret('api-key', randomBytes);
        expect(sizes).toEqual([32, 44]);
        expect(password).toBe(Buffer.from(pool.subarray(offset, offset + 32)).toString('base64'));
        expect(apiKeySecret).toBe(Buffer.from(pool.subarray(offset, offset + 44)).toString('base64'));
        expect(password).toHaveLength(44);
        expect(apiKeySecret).toMatch(/^[A-Za-z0-9+/]{59}=$/);
      }),
    );
  });

  it('are stored as SHA-256 in base64url and match only their own digest, whatever the stored text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 50 }), (secret, stored) => {
        const digest = digestSecret(secret);
        expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(secretMatchesDigest(secret, digest)).toBe(true);
        expect(secretMatchesDigest(secret, stored)).toBe(stored === digest);
      }),
    );
    expect(digestSecret('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    // A stored digest one character short or long never matches (and never throws).
    const digest = digestSecret('secret');
    expect(secretMatchesDigest('secret', digest.slice(0, -1))).toBe(false);
    expect(secretMatchesDigest('secret', `${digest}A`)).toBe(false);
  });
});
