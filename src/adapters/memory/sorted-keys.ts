/** At most this many keys per chunk: an insert or a delete moves at most this many array slots. */
const CHUNK_SIZE = 512;

/** Index of the first key in `keys` that is >= `key` (`keys.length` when none is). */
const lowerBound = (keys: readonly string[], key: string): number => {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * A set of strings in ascending (code unit) order, kept as a list of sorted chunks, so that an insert or a delete is two binary
 * searches and a splice within one chunk, and a page is a binary search and a walk: never a scan or a sort of the whole set.
 * Memory: one array slot per key (the strings themselves are shared with their owner's map).
 */
export class SortedKeys {
  private readonly chunks: string[][] = [];

  /** The chunk that holds `key` or would: the last one whose first key is <= `key`, else the first. */
  private chunkIndexFor(key: string): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (((this.chunks[middle] as string[])[0] as string) <= key) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Adds `key`, which must not be present. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      return;
    }
    const chunkIndex = this.chunkIndexFor(key);
    const chunk = this.chunks[chunkIndex] as string[];
    chunk.splice(lowerBound(chunk, key), 0, key);
    if (chunk.length > CHUNK_SIZE) this.chunks.splice(chunkIndex + 1, 0, chunk.splice(CHUNK_SIZE >>> 1));
  }

  remove(key: string): void {
    if (this.chunks.length === 0) return;
    const chunkIndex = this.chunkIndexFor(key);
    const chunk = this.chunks[chunkIndex] as string[];
    const index = lowerBound(chunk, key);
    if (chunk[index] !== key) return;
    chunk.splice(index, 1);
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
  }

  /** Calls `visit` with each key strictly after `after` (every key when absent), in order, until it returns false. */
  forEachAfter(after: string | undefined, visit: (key: string) => boolean): void {
    let chunkIndex = 0;
    let index = 0;
    if (after !== undefined && this.chunks.length > 0) {
      chunkIndex = this.chunkIndexFor(after);
      const chunk = this.chunks[chunkIndex] as string[];
      index = lowerBound(chunk, after);
      if (chunk[index] === after) index += 1;
    }
    for (; chunkIndex < this.chunks.length; chunkIndex += 1, index = 0) {
      const chunk = this.chunks[chunkIndex] as string[];
      for (; index < chunk.length; index += 1) if (!visit(chunk[index] as string)) return;
    }
  }
}
