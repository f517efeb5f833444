import type { ResultAsync } from 'neverthrow';
import { createCredentialEngine, type CredentialEngine, type CredentialEngineOptions, type IamError } from '../../src/index.js';

export const CODECOMMIT = 'codecommit.amazonaws.com';
export const BEDROCK = 'bedrock.amazonaws.com';

/** A benchmark that silently measured failures would be worthless, so an error stops the run. */
const failed = (error: IamError): Error => new Error(`benchmark operation failed: ${error.code}: ${error.message}`);

/** Unwraps an engine answer (or stops the run, see `failed`). */
export const ok = async <T>(result: ResultAsync<T, IamError>): Promise<T> => {
  const settled = await result;
  if (settled.isErr()) throw failed(settled.error);
  return settled.value;
};

export const userName = (index: number): string => `user${index}`;

/** The engine exactly as `createCredentialEngine()` builds it: in-memory adapters, system clock, OS randomness. */
export const newEngine = (options: CredentialEngineOptions = {}): CredentialEngine => createCredentialEngine(options);

export const createUsers = async (engine: CredentialEngine, count: number, from = 0): Promise<void> => {
  for (let index = from; index < from + count; index += 1) await ok(engine.createUser({ UserName: userName(index) }));
};

/**
 * One Create followed by the Delete of what it created: the store ends as it started. Written as a user writes it (await the
 * answer, look at it), without a helper's async frame around each call.
 */
export const createDeletePair = async (engine: CredentialEngine, user: string): Promise<void> => {
  const created = await engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT });
  if (created.isErr()) throw failed(created.error);
  const credentialId = created.value.ServiceSpecificCredential.ServiceSpecificCredentialId;
  const deleted = await engine.deleteServiceSpecificCredential({ UserName: user, ServiceSpecificCredentialId: credentialId });
  if (deleted.isErr()) throw failed(deleted.error);
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
