import { compareListingOrder, type CredentialPosition } from '../../domain/credential.js';

/** What the ordered index needs of an entry: its place in the listing order (createDate as epoch ms, then id). */
export interface Ordered {
  readonly createTime: number;
  readonly credentialId: string;
}

const compare = (a: Ordered, createTime: number, credentialId: string): number =>
  compareListingOrder(a.createTime, a.credentialId, createTime, credentialId);

/** At most this many entries per chunk: an insert or a removal anywhere moves at most this many array slots. */
const CHUNK_SIZE = 512;

/** Index of the first entry of `entries` strictly after the position (or at it, when `inclusive`). */
const lowerBound = (entries: readonly Ordered[], createTime: number, credentialId: string, inclusive: boolean): number => {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(entries[middle] as Ordered, createTime, credentialId);
    if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * Entries kept in listing order (that of `compareCredentialPositions`), as a list of sorted chunks: a page is two binary searches
 * and a walk, and an insert or a removal anywhere (deleting an old credential among a million) splices one chunk, never the whole
 * index. Creates arrive in clock order, so an insert is almost always an append to the last chunk.
 */
export class OrderedCredentials<T extends Ordered> {
  private readonly chunks: T[][] = [];

  /** The chunk that holds the position or would: the last one whose first entry is at or before it, else the first. */
  private chunkIndexFor(createTime: number, credentialId: string): number {
    let high = this.chunks.length - 1;
    // The newest entries are the ones usually inserted, replaced or removed: a credential created in the current second ties the
    // newest CreateDates and goes among them by id, and is often deleted soon after. Their chunk is the last one; finding it
    // without a binary search saves ~12 reads of cold chunks at a million entries.
    if (high > 0 && compare((this.chunks[high] as T[])[0] as T, createTime, credentialId) <= 0) return high;
    let low = 0;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (compare((this.chunks[middle] as T[])[0] as T, createTime, credentialId) <= 0) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  insert(entry: T): void {
    const last = this.chunks.at(-1);
    if (last === undefined) {
      this.chunks.push([entry]);
      return;
    }
    const chunkIndex =
      compare(last.at(-1) as T, entry.createTime, entry.credentialId) < 0
        ? this.chunks.length - 1
        : this.chunkIndexFor(entry.createTime, entry.credentialId);
    const chunk = this.chunks[chunkIndex] as T[];
    const at = lowerBound(chunk, entry.createTime, entry.credentialId, true);
    // An append needs no splice (and no array of removed entries from it).
    if (at === chunk.length) chunk.push(entry);
    else chunk.splice(at, 0, entry);
    if (chunk.length > CHUNK_SIZE) this.chunks.splice(chunkIndex + 1, 0, chunk.splice(CHUNK_SIZE >>> 1));
  }

  /** Where the entry with this position and id is, if it is here. */
  private find(entry: T): { readonly chunk: T[]; readonly chunkIndex: number; readonly index: number } | undefined {
    if (this.chunks.length === 0) return undefined;
    const chunkIndex = this.chunkIndexFor(entry.createTime, entry.credentialId);
    const chunk = this.chunks[chunkIndex] as T[];
    const index = lowerBound(chunk, entry.createTime, entry.credentialId, true);
    return chunk[index]?.credentialId === entry.credentialId ? { chunk, chunkIndex, index } : undefined;
  }

  replace(entry: T): void {
    const found = this.find(entry);
    if (found !== undefined) found.chunk[found.index] = entry;
  }

  remove(entry: T): void {
    // The usual target is the newest entry, the last of the last chunk: dropped without a search.
    const last = this.chunks.at(-1);
    if (last !== undefined && last.at(-1)?.credentialId === entry.credentialId) {
      last.pop();
      if (last.length === 0) this.chunks.pop();
      return;
    }
    const found = this.find(entry);
    if (found === undefined) return;
    // pop() drops the last entry of a chunk without the array of removed entries splice() builds.
    if (found.index === found.chunk.length - 1) found.chunk.pop();
    else found.chunk.splice(found.index, 1);
    if (found.chunk.length === 0) this.chunks.splice(found.chunkIndex, 1);
  }

  /** Up to `limit` entries after `after`, and whether more follow. */
  page(after: CredentialPosition | undefined, limit: number): { items: T[]; hasMore: boolean } {
    const items: T[] = [];
    let chunkIndex = 0;
    let index = 0;
    if (after !== undefined && this.chunks.length > 0) {
      chunkIndex = this.chunkIndexFor(after.createDate.getTime(), after.credentialId);
      index = lowerBound(this.chunks[chunkIndex] as T[], after.createDate.getTime(), after.credentialId, false);
    }
    for (; chunkIndex < this.chunks.length; chunkIndex += 1, index = 0) {
      const chunk = this.chunks[chunkIndex] as T[];
      for (; index < chunk.length; index += 1) {
        if (items.length === limit) return { items, hasMore: true };
        items.push(chunk[index] as T);
      }
    }
    return { items, hasMore: false };
  }
}
