import { createHash } from 'node:crypto';
import type { RandomSource } from '../../ports/random.port.js';

/**
 * A reproducible byte stream: SHA-256 of (seed, block counter), block after block. Not for real secrets; for tests and for
 * emulations that must replay byte for byte (same seed + same clock + same calls => same ids, passwords and keys).
 */
export const createSeededRandom = (seed: string): RandomSource => {
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  const nextBlock = () => {
    block = createHash('sha256').update(seed, 'utf8').update(`\u0000${counter}`).digest();
    counter += 1;
    offset = 0;
  };
  return {
    bytes(size: number): Uint8Array {
      const out = new Uint8Array(size);
      for (let filled = 0; filled < size; ) {
        if (offset >= block.length) nextBlock();
        const take = Math.min(size - filled, block.length - offset);
        out.set(block.subarray(offset, offset + take), filled);
        offset += take;
        filled += take;
      }
      return out;
    },
  };
};
