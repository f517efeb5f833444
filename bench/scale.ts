import type { CredentialEngine } from '../src/index.js';
import { CODECOMMIT, createDeletePair, newEngine, ok, userName } from './lib/engine-fixture.js';
import { type BenchTask, forceGc, measureRounds, type RoundOptions } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export interface ScaleOptions extends RoundOptions {
  /** Stored credentials per engine, smallest first; the first is the reference the others are compared with. */
  readonly sizes: readonly number[];
  readonly perBatch: number;
}

interface Loaded {
  readonly size: number;
  readonly engine: CredentialEngine;
  readonly users: number;
  /** A preloaded user's password credential, for authenticate. */
  readonly probe: { readonly user: string; readonly serviceUserName: string; readonly password: string };
  readonly preloadSeconds: number;
  /** heapUsed growth (after forced GC) while preloading, users included. */
  readonly heapBytes: number;
}

/**
 * `size` credentials through the engine itself (size/2 users with 2 CodeCommit credentials each), measuring the heap the whole
 * state takes: credentials, their indexes and the user records.
 */
const preload = async (size: number): Promise<Loaded> => {
  forceGc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const engine = newEngine();
  const users = size / 2;
  let probe: Loaded['probe'] | undefined;
  for (let index = 0; index < users; index += 1) {
    const user = userName(index);
    await ok(engine.createUser({ UserName: user }));
    const first = await ok(engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT }));
    await ok(engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT }));
    if (index === users >> 1) {
      probe = { user, serviceUserName: first.ServiceSpecificCredential.ServiceUserName ?? '', password: first.ServiceSpecificCredential.ServicePassword ?? '' };
    }
  }
  const preloadSeconds = (performance.now() - started) / 1000;
  forceGc();
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  if (probe === undefined) throw new Error('scale preload needs at least 2 credentials');
  return { size, engine, users, probe, preloadSeconds, heapBytes };
};

export const runScale = async (options: ScaleOptions): Promise<ResultRow[]> => {
  const loaded: Loaded[] = [];
  for (const size of options.sizes) loaded.push(await preload(size));
  const { perBatch } = options;

  const tasks: BenchTask[] = loaded.flatMap(({ size, engine, users, probe }) => {
    // Create+Delete on users that hold no credential yet (fresh ones beyond the preloaded), so the store keeps its size.
    const fresh = Array.from({ length: 1000 }, (_, index) => userName(users + index));
    let next = 0;
    return [
      {
        name: `list@${size}`,
        perBatch,
        batch: async () => {
          for (let index = 0; index < perBatch; index += 1) await ok(engine.listServiceSpecificCredentials({ UserName: probe.user }));
        },
      },
      {
        name: `create-delete@${size}`,
        perBatch,
        batch: async () => {
          for (let index = 0; index < perBatch; index += 1) {
            await createDeletePair(engine, fresh[next] as string);
            next = (next + 1) % fresh.length;
          }
        },
      },
      {
        name: `authenticate@${size}`,
        perBatch,
        batch: async () => {
          for (let index = 0; index < perBatch; index += 1) {
            await ok(engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: probe.serviceUserName, ServicePassword: probe.password }));
          }
        },
      },
    ];
  });
  for (const { engine, users } of loaded) {
    for (let index = 0; index < 1000; index += 1) await ok(engine.createUser({ UserName: userName(users + index) }));
  }
  const opsPerSecond = await measureRounds(tasks, options);

  const section = 'Scale (in-memory, preloaded through the engine)';
  const reference = loaded[0];
  if (reference === undefined) return [];
  const label = (size: number): string => (size >= 1_000_000 ? `${size / 1_000_000}M` : size >= 1000 ? `${size / 1000}k` : String(size));
  const rows: ResultRow[] = [];
  for (const operation of [
    { key: 'list', name: 'List (one user, 2 credentials)', unit: 'ops/s' },
    { key: 'create-delete', name: 'Create+Delete', unit: 'pairs/s' },
    { key: 'authenticate', name: 'authenticate', unit: 'ops/s' },
  ]) {
    const base = opsPerSecond.get(`${operation.key}@${reference.size}`) ?? Number.NaN;
    for (const { size } of loaded) {
      const value = opsPerSecond.get(`${operation.key}@${size}`) ?? Number.NaN;
      const isLargest = size === loaded.at(-1)?.size && size !== reference.size;
      rows.push({
        id: `scale.${operation.key}.${label(size)}`,
        section,
        label: `${operation.name} with ${label(size)} stored`,
        value,
        unit: operation.unit,
        ...(size === reference.size
          ? {}
          : {
              baseline: { label: `at ${label(reference.size)}`, value: base },
              // Slowdown: time per operation at this size over time at the reference size.
              ratio: base / value,
              ...(isLargest ? { target: 'slowdown <= 1.5x', met: base / value <= 1.5 } : {}),
            }),
      });
    }
  }
  const largest = loaded.at(-1);
  if (largest !== undefined) {
    const perCredential = largest.heapBytes / largest.size;
    rows.push({
      id: 'scale.heap-per-credential',
      section,
      label: `Heap per stored credential at ${label(largest.size)} (users, indexes included)`,
      value: perCredential,
      unit: 'bytes',
      target: '<= 600 bytes',
      met: perCredential <= 600,
      note: `${label(largest.size)} credentials of ${label(largest.users)} users preloaded through the engine in ${largest.preloadSeconds.toFixed(1)} s`,
    });
    rows.push({
      id: 'scale.preload-rate',
      section,
      label: `Preload through the engine at ${label(largest.size)} (CreateUser + 2 Creates per user)`,
      value: largest.size / largest.preloadSeconds,
      unit: 'credentials/s',
    });
  }
  return rows;
};
