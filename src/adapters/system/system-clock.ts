import type { Clock } from '../../ports/clock.port.js';

/** IAM's timestamps are whole seconds (observed: `2026-03-27T02:34:20Z`), so the system clock reads whole seconds too. */
export const systemClock: Clock = { now: () => new Date(Math.floor(Date.now() / 1000) * 1000) };
