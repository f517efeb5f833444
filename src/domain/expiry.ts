import { addHours } from 'date-fns';
import type { StatusType } from './shapes.js';

export type StoredStatus = 'Active' | 'Inactive';

/**
 * CreateDate + N days, same UTC time of day (as observed: 2026-03-27T02:34:20Z + 30 days = 2026-04-26T02:34:20Z). Counted in hours
 * so that a host time zone with daylight saving cannot shift it.
 */
export const expirationDateFor = (createDate: Date, credentialAgeDays: number): Date => addHours(createDate, credentialAgeDays * 24);

export const isExpired = (expirationDate: Date | undefined, now: Date): boolean =>
  expirationDate !== undefined && now.getTime() >= expirationDate.getTime();

/** Expired is never stored: it is what Active or Inactive reads as once the clock passes ExpirationDate. */
export const effectiveStatus = (stored: StoredStatus, expirationDate: Date | undefined, now: Date): StatusType =>
  isExpired(expirationDate, now) ? 'Expired' : stored;
