import { compareListingOrder, type CredentialPosition } from '../../domain/credential.js';

/** What the ordered index needs of an entry: its place in the listing order (createDate as epoch ms, then id). */
export interface Ordered {
  readonly createTime: number;
  readonly credentialId: string;
}

const compare = (a: Ordered, createTime: number, credentialId: string): number =>
  compareListingOrder(a.createTime, a.credentialId, createTime, credentialId);

/** How many of the newest entries `indexOf` checks before its binary search. */
const RECENT = 4;

/**
 * Entries kept in listing order (that of `compareCredentialPositions`), so a page is a binary search and a slice rather than a scan
 * and a sort. Creates arrive in clock order, so an insert is almost always an append.
 */
export class OrderedCredentials<T extends Ordered> {
  private readonly entries: T[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first entry strictly after the position (or of the position itself when `inclusive`). */
  private lowerBound(createTime: number, credentialId: string, inclusive: boolean): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = compare(this.entries[middle] as T, createTime, credentialId);
      if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(entry: T): void {
    const last = this.entries.at(-1);
    if (last === undefined || compare(last, entry.createTime, entry.credentialId) < 0) {
      this.entries.push(entry);
      return;
    }
    this.entries.splice(this.lowerBound(entry.createTime, entry.credentialId, true), 0, entry);
  }

  /**
   * Where the entry with this id is, or -1. The last few entries are looked at first: the usual target is a credential created
   * moments ago, and a binary search over a large index touches one cold entry per step.
   */
  private indexOf(entry: T): number {
    const entries = this.entries;
    for (let index = entries.length - 1, stop = Math.max(0, entries.length - RECENT); index >= stop; index -= 1) {
      if ((entries[index] as T).credentialId === entry.credentialId) return index;
    }
    const index = this.lowerBound(entry.createTime, entry.credentialId, true);
    return entries[index]?.credentialId === entry.credentialId ? index : -1;
  }

  replace(entry: T): void {
    const index = this.indexOf(entry);
    if (index >= 0) this.entries[index] = entry;
  }

  remove(entry: T): void {
    const index = this.indexOf(entry);
    // The usual target is the newest entry: pop() drops it without the array of removed entries splice() builds.
    if (index === this.entries.length - 1) this.entries.pop();
    else if (index >= 0) this.entries.splice(index, 1);
  }

  /** Up to `limit` entries after `after` that satisfy `keep`, and whether more such entries follow. */
  page(after: CredentialPosition | undefined, limit: number, keep: (entry: T) => boolean): { items: T[]; hasMore: boolean } {
    const items: T[] = [];
    const start = after === undefined ? 0 : this.lowerBound(after.createDate.getTime(), after.credentialId, false);
    for (let index = start; index < this.entries.length; index += 1) {
      const entry = this.entries[index] as T;
      if (!keep(entry)) continue;
      if (items.length === limit) return { items, hasMore: true };
      items.push(entry);
    }
    return { items, hasMore: false };
  }
}
