import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../src/adapters/system/crypto-random.js';

/*
 * The system random source draws OS randomness in 4 KiB batches and hands each caller a copy. The port's rule: `size` fresh bytes,
 * and the caller owns them, so nothing a later call does (the pool moving on, or being refilled) changes an earlier answer.
 */
describe('cryptoRandom (the system random source)', () => {
  it('answers exactly `size` bytes, each answer its own array, unchanged by every later draw and refill', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const answers = sizes.map((size) => cryptoRandom.bytes(size));
        const copies = answers.map((answer) => Uint8Array.from(answer));
        answers.forEach((answer, index) => {
          expect(answer).toBeInstanceOf(Uint8Array);
          expect(answer.length).toBe(sizes[index]);
        });
        // Well over a pool's worth of further draws, so the pool is refilled at least once behind the earlier answers.
        for (let draw = 0; draw < 200; draw += 1) cryptoRandom.bytes(41);
        answers.forEach((answer, index) => expect(answer).toEqual(copies[index]));
      }),
      { numRuns: 50 },
    );
  });

  it('does not repeat itself: 10,000 draws of 32 bytes are all different', () => {
    const seen = new Set<string>();
    for (let draw = 0; draw < 10_000; draw += 1) seen.add(Buffer.from(cryptoRandom.bytes(32)).toString('hex'));
    expect(seen.size).toBe(10_000);
  });
});
