/**
 * Not part of IAM: empties what an adapter keeps, for the endpoint's reset control path (a clean slate between tests). Optional: an
 * adapter that can be reset implements it beside its port (the in-memory store and user directory do; PostgreSQL is reset by
 * adapters/postgres/maintenance.ts over both tables in one transaction).
 */
export interface StateReset {
  /**
   * Forgets every user or credential of `accountId`, or of every account when it is absent. Does all its work before its promise
   * settles (in memory: synchronously), so a reset of a store and a directory started together is atomic with respect to requests.
   */
  resetState(accountId?: string): Promise<void>;
}
