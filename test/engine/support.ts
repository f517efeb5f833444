import type fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { expect } from 'vitest';
import {
  createCredentialEngine,
  createManualClock,
  createSeededRandom,
  type CredentialEngineOptions,
  type IamError,
} from '../../src/index.js';

export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const ACCOUNT = '123456789012';
export const CODECOMMIT = 'codecommit.amazonaws.com';
export const KEYSPACES = 'cassandra.amazonaws.com';
export const BEDROCK = 'bedrock.amazonaws.com';
export const DAY_MS = 24 * 60 * 60 * 1000;

/** What an adapter failure is answered with. */
export const serviceFailure = {
  code: 'ServiceFailure',
  httpStatus: 500,
  type: 'Receiver' as const,
  message: 'The request processing has failed because of an unknown error, exception or failure.',
};

export const setup = (options: CredentialEngineOptions = {}, seed = 'test-seed') => {
  const clock = createManualClock(T0);
  const engine = createCredentialEngine({ clock, random: createSeededRandom(seed), ...options });
  return { engine, clock };
};

export const okOf = async <T>(result: ResultAsync<T, IamError>): Promise<T> => {
  const settled = await result;
  if (settled.isErr()) throw new Error(`expected ok, got ${JSON.stringify(settled.error)}`);
  return settled.value;
};

export const errOf = async <T>(result: ResultAsync<T, IamError>): Promise<IamError> => {
  const settled = await result;
  if (settled.isOk()) throw new Error(`expected an error, got ${JSON.stringify(settled.value)}`);
  return settled.error;
};

export const expectError = async <T>(
  result: ResultAsync<T, IamError>,
  expected: { code: string; httpStatus: number; message: string; type?: 'Sender' | 'Receiver' },
): Promise<void> => {
  const error = await errOf(result);
  expect({ code: error.code, httpStatus: error.httpStatus, message: error.message, type: error.type }).toEqual({
    type: 'Sender',
    ...expected,
  });
};

/** Every async method of a port goes through the scheduler, which picks the order in which their promises settle. */
export const scheduled = <T extends object>(s: fc.Scheduler, port: T): T => {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(port)) {
    wrapped[name] = typeof method === 'function' ? s.scheduleFunction((...args: unknown[]) => method.apply(port, args)) : method;
  }
  return wrapped as T;
};

/** The port with every method call first asking `fails(method)`: when it answers true, the call rejects with `failure(method)`. */
export const rejecting = <T extends object>(port: T, fails: (method: string) => boolean, failure: (method: string) => Error): T => {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(port)) {
    wrapped[name] =
      typeof method === 'function'
        ? (...args: unknown[]) => (fails(name) ? Promise.reject(failure(name)) : method.apply(port, args))
        : method;
  }
  return wrapped as T;
};
