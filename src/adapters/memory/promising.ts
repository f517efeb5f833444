import type { Immediate } from '../../ports/immediate.port.js';

/**
 * The async port over a synchronous face: each method answers its result as a settled promise, and a throw becomes a rejection,
 * as the port asks of a failing adapter.
 */
export const promising = <Port>(immediate: Immediate<Port>): Port => {
  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(immediate as Record<string, (...args: unknown[]) => unknown>)) {
    port[name] = async (...args) => method(...args);
  }
  return port as Port;
};
