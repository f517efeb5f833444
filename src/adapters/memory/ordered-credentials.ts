import { compareCredentialPositions, type CredentialPosition, type CredentialRecord } from '../../domain/credential.js';

/**
 * Credentials kept in listing order, so a page is a binary search and a slice rather than a scan and a sort. Creates arrive in clock
 * order, so an insert is almost always an append.
 */
export class OrderedCredentials {
  private readonly records: CredentialRecord[] = [];

  get size(): number {
    return this.records.length;
  }

  /** Index of the first record strictly after `position` (or of `position` itself when `inclusive`). */
  private lowerBound(position: CredentialPosition, inclusive: boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = compareCredentialPositions(this.records[middle] as CredentialRecord, position);
      if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(record: CredentialRecord): void {
    const last = this.records.at(-1);
    if (last === undefined || compareCredentialPositions(last, record) < 0) {
      this.records.push(record);
      return;
    }
    this.records.splice(this.lowerBound(record, true), 0, record);
  }

  replace(record: CredentialRecord): void {
    const index = this.lowerBound(record, true);
    if (this.records[index]?.credentialId === record.credentialId) this.records[index] = record;
  }

  remove(record: CredentialRecord): void {
    const index = this.lowerBound(record, true);
    if (this.records[index]?.credentialId === record.credentialId) this.records.splice(index, 1);
  }

  /** Up to `limit` records after `after` that satisfy `keep`, and whether more such records follow. */
  page(
    after: CredentialPosition | undefined,
    limit: number,
    keep: (record: CredentialRecord) => boolean,
  ): { items: CredentialRecord[]; hasMore: boolean } {
    const items: CredentialRecord[] = [];
    for (let index = after === undefined ? 0 : this.lowerBound(after, false); index < this.records.length; index += 1) {
      const record = this.records[index] as CredentialRecord;
      if (!keep(record)) continue;
      if (items.length === limit) return { items, hasMore: true };
      items.push(record);
    }
    return { items, hasMore: false };
  }
}
