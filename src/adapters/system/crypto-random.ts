import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '../../ports/random.port.js';

const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * Cryptographically strong bytes from the OS, drawn in 4 KiB batches: one syscall serves many credentials, which matters on the
 * Create hot path. Each call gets its own copy, never a view of the pool.
 */
export const cryptoRandom: RandomSource = {
  bytes(size: number): Uint8Array {
    if (size > POOL_SIZE) return randomFillSync(new Uint8Array(size));
    if (offset + size > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    // A plain Uint8Array's slice copies without the Buffer view a Buffer's subarray would make first.
    const out = pool.slice(offset, offset + size);
    offset += size;
    return out;
  },
};
