import type { ResultAsync } from 'neverthrow';
import { createCredentialEngine, type CredentialEngine, type CredentialEngineOptions, type IamError } from '../../src/index.js';

export const CODECOMMIT = 'codecommit.amazonaws.com';
export const BEDROCK = 'bedrock.amazonaws.com';

/** Unwraps an engine answer; a benchmark that silently measured failures would be worthless, so an error stops the run. */
export const ok = async <T>(result: ResultAsync<T, IamError>): Promise<T> => {
  const settled = await result;
  if (settled.isErr()) throw new Error(`benchmark operation failed: ${settled.error.code}: ${settled.error.message}`);
  return settled.value;
};

export const userName = (index: number): string => `user${index}`;

/** The engine exactly as `createCredentialEngine()` builds it: in-memory adapters, system clock, OS randomness. */
export const newEngine = (options: CredentialEngineOptions = {}): CredentialEngine => createCredentialEngine(options);

export const createUsers = async (engine: CredentialEngine, count: number, from = 0): Promise<void> => {
  for (let index = from; index < from + count; index += 1) await ok(engine.createUser({ UserName: userName(index) }));
};

/** One Create followed by the Delete of what it created: the store ends as it started. */
export const createDeletePair = async (engine: CredentialEngine, user: string): Promise<void> => {
  const created = await ok(engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT }));
  await ok(
    engine.deleteServiceSpecificCredential({ UserName: user, ServiceSpecificCredentialId: created.ServiceSpecificCredential.ServiceSpecificCredentialId }),
  );
};

/** Round-robin over `count` users, so pairs spread across many users as an emulator's test suite would. */
export const roundRobin = (count: number): (() => string) => {
  const names = Array.from({ length: count }, (_, index) => userName(index));
  let next = 0;
  return () => {
    const name = names[next] as string;
    next = next + 1 === count ? 0 : next + 1;
    return name;
  };
};
