import type { Clock } from '../../ports/clock.port.js';

export interface ManualClock extends Clock {
  set(date: Date): void;
  advance(milliseconds: number): void;
}

/** A clock that moves only when told to: expiry and ordering become reproducible in tests and scripted emulations. */
export const createManualClock = (start: Date): ManualClock => {
  let current = start.getTime();
  if (Number.isNaN(current)) throw new TypeError('createManualClock: start is not a valid date');
  return {
    now: () => new Date(current),
    set(date: Date) {
      if (Number.isNaN(date.getTime())) throw new TypeError('ManualClock.set: not a valid date');
      current = date.getTime();
    },
    advance(milliseconds: number) {
      if (!Number.isFinite(milliseconds)) throw new TypeError('ManualClock.advance: not a finite number');
      current += milliseconds;
    },
  };
};
