/** Where randomness comes from: ids, passwords and API-key secrets are all drawn from here, so a seeded source replays exactly. */
export interface RandomSource {
  /** `size` fresh random bytes; the caller owns the returned array. */
  bytes(size: number): Uint8Array;
}
