import { hash } from 'node:crypto';
import { cryptoRandom } from '../src/index.js';
import { createIdGenerator } from '../src/domain/secrets.js';
import { BEDROCK, CODECOMMIT, createDeletePair, createUsers, newEngine, ok, roundRobin } from './lib/engine-fixture.js';
import { type BenchTask, measureRounds, type RoundOptions } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export interface InProcessOptions extends RoundOptions {
  readonly users: number;
  readonly perBatch: number;
}

/**
 * The unavoidable work of one Create+Delete, and nothing else: 32 random bytes from the same pooled OS source the engine uses, the
 * secret's text, a 21-character id (the engine's own generator), one SHA-256 digest of the secret (one-shot crypto.hash, the fastest
 * Node offers), one Map insert and one Map delete.
 */
export const floorTask = (perBatch: number): BenchTask => {
  const newId = createIdGenerator((size) => cryptoRandom.bytes(size));
  const map = new Map<string, string>();
  return {
    name: 'floor',
    perBatch,
    batch: () => {
      for (let index = 0; index < perBatch; index += 1) {
        const secret = Buffer.from(cryptoRandom.bytes(32)).toString('base64');
        const id = newId('ACCA');
        if (id.isErr()) throw id.error;
        map.set(id.value, hash('sha256', secret, 'base64url'));
        map.delete(id.value);
      }
    },
  };
};

export const runInProcess = async (options: InProcessOptions): Promise<ResultRow[]> => {
  const { perBatch } = options;
  const engine = newEngine();
  await createUsers(engine, options.users);
  const nextUser = roundRobin(options.users);

  // A user with two credentials (for List, Reset, Update, authenticate) and one with a Bedrock API key.
  await ok(engine.createUser({ UserName: 'holder' }));
  const first = await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: CODECOMMIT }));
  const second = await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: CODECOMMIT }));
  const apiKey = await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: BEDROCK }));
  const password = first.ServiceSpecificCredential;
  const resetTarget = second.ServiceSpecificCredential.ServiceSpecificCredentialId;
  let status: 'Active' | 'Inactive' = 'Active';

  const repeat = (name: string, operation: () => Promise<unknown>): BenchTask => ({
    name,
    perBatch,
    batch: async () => {
      for (let index = 0; index < perBatch; index += 1) await operation();
    },
  });

  const tasks: BenchTask[] = [
    floorTask(perBatch),
    repeat('create-delete', () => createDeletePair(engine, nextUser())),
    repeat('reset', () => ok(engine.resetServiceSpecificCredential({ UserName: 'holder', ServiceSpecificCredentialId: resetTarget }))),
    repeat('update', () => {
      status = status === 'Active' ? 'Inactive' : 'Active';
      return ok(engine.updateServiceSpecificCredential({ UserName: 'holder', ServiceSpecificCredentialId: resetTarget, Status: status }));
    }),
    repeat('list', () => ok(engine.listServiceSpecificCredentials({ UserName: 'holder', ServiceName: CODECOMMIT }))),
    repeat('authenticate', () =>
      ok(
        engine.authenticate({
          ServiceName: CODECOMMIT,
          ServiceUserName: password.ServiceUserName ?? '',
          ServicePassword: password.ServicePassword ?? '',
        }),
      ),
    ),
    repeat('authenticate-api-key', () =>
      ok(engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: apiKey.ServiceSpecificCredential.ServiceCredentialSecret ?? '' })),
    ),
  ];
  const opsPerSecond = await measureRounds(tasks, options);
  const of = (name: string): number => opsPerSecond.get(name) ?? Number.NaN;
  const floor = of('floor');
  const pairs = of('create-delete');
  const section = 'In-process engine (in-memory adapters)';
  const row = (id: string, label: string): ResultRow => ({ id: `inproc.${id}`, section, label, value: of(id), unit: 'ops/s' });
  return [
    { id: 'inproc.floor', section, label: 'Floor: unavoidable work of one Create+Delete', value: floor, unit: 'loops/s' },
    {
      id: 'inproc.create-delete',
      section,
      label: `Create+Delete pairs across ${options.users.toLocaleString('en-US')} users`,
      value: pairs,
      unit: 'pairs/s',
      baseline: { label: 'floor', value: floor },
      ratio: pairs / floor,
      target: '>= 100,000/s and >= 0.5x floor',
      met: pairs >= 100_000 && pairs / floor >= 0.5,
    },
    row('reset', 'ResetServiceSpecificCredential'),
    row('update', 'UpdateServiceSpecificCredential (Active <-> Inactive)'),
    row('list', 'ListServiceSpecificCredentials (user with 2 credentials)'),
    row('authenticate', 'authenticate (ServiceUserName + password)'),
    row('authenticate-api-key', 'authenticateApiKey (Bedrock key)'),
  ];
};
