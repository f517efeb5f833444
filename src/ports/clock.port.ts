/** Where "now" comes from: the system clock in production, a manual one in tests and deterministic emulation. */
export interface Clock {
  now(): Date;
}
