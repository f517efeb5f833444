import type { TestProject } from 'vitest/node';
import { createPostgresAdapters } from '../src/adapters/postgres/index.js';
import { createCredentialEngine, type CredentialEngine } from '../src/index.js';
import startThrowawayServer from '../test/postgres/global-setup.js';
import { CODECOMMIT, createDeletePair, createUsers, ok, userName } from './lib/engine-fixture.js';
import { median } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export type PostgresOptions = { readonly skip: string } | { readonly seconds: number; readonly rounds: number; readonly clients: readonly number[] };

const section = 'PostgreSQL adapter (pg pool, engine in the bench process)';

const skipped = (reason: string): ResultRow[] => {
  console.error(`[bench] PostgreSQL rows skipped: ${reason}`);
  return [{ id: 'pg.create-delete.c1', section, label: 'PostgreSQL rows', value: null, unit: 'pairs/s', skipped: reason }];
};

/** IAM_SSC_BENCH_DATABASE_URL, else a throw-away server started by the PostgreSQL tests' own globalSetup. */
const database = async (): Promise<{ url: string; teardown: () => Promise<void> } | { unavailable: string }> => {
  const given = process.env['IAM_SSC_BENCH_DATABASE_URL'];
  if (given !== undefined && given !== '') return { url: given, teardown: async () => undefined };
  const provided = new Map<string, string>();
  const fakeProject = { provide: (key: string, value: string) => provided.set(key, value) } as unknown as TestProject;
  const teardown = await startThrowawayServer(fakeProject);
  const url = provided.get('postgresUrl');
  if (url === undefined) return { unavailable: provided.get('postgresUnavailable') ?? 'no PostgreSQL server could be started' };
  return { url, teardown: teardown ?? (async () => undefined) };
};

/** `clients` loops, each awaiting its own operations back to back, for `seconds`: completed operations per second. */
const concurrently = async (clients: number, seconds: number, operation: (client: number, iteration: number) => Promise<unknown>): Promise<number> => {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let done = 0;
      while (performance.now() < deadline) {
        await operation(client, done);
        done += 1;
      }
      return done;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0) / ((performance.now() - started) / 1000);
};

export const runPostgres = async (options: PostgresOptions): Promise<ResultRow[]> => {
  if ('skip' in options) return skipped(options.skip);
  let server: Awaited<ReturnType<typeof database>>;
  try {
    server = await database();
  } catch (error) {
    return skipped(`starting PostgreSQL failed: ${String(error).split('\n')[0] ?? ''}`);
  }
  if ('unavailable' in server) return skipped(server.unavailable);
  const maxClients = Math.max(...options.clients);
  const adapters = createPostgresAdapters({ connectionString: server.url, schema: `bench_${process.pid}`, max: maxClients });
  try {
    await adapters.migrate();
    const engine: CredentialEngine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    const usersPerClient = 50;
    await createUsers(engine, maxClients * usersPerClient);
    await ok(engine.createUser({ UserName: 'holder' }));
    for (let index = 0; index < 2; index += 1) await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: CODECOMMIT }));

    const rows: ResultRow[] = [];
    for (const clients of options.clients) {
      const roundTrips: number[] = [];
      const pairs: number[] = [];
      const lists: number[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        roundTrips.push(await concurrently(clients, options.seconds, () => adapters.pool.query('SELECT 1')));
        pairs.push(await concurrently(clients, options.seconds, (client, iteration) => createDeletePair(engine, userName(client * usersPerClient + (iteration % usersPerClient)))));
        lists.push(await concurrently(clients, options.seconds, () => ok(engine.listServiceSpecificCredentials({ UserName: 'holder' }))));
      }
      const base = median(roundTrips);
      for (const [key, name, values, unit] of [
        ['create-delete', 'Create+Delete', pairs, 'pairs/s'],
        ['list', 'List (user with 2 credentials)', lists, 'ops/s'],
      ] as const) {
        const value = median(values);
        rows.push({
          id: `pg.${key}.c${clients}`,
          section,
          label: `${name}, ${clients} concurrent client${clients === 1 ? '' : 's'}`,
          value,
          unit,
          baseline: { label: "pool.query('SELECT 1')", value: base },
          ratio: value / base,
        });
      }
    }
    await adapters.pool.query(`DROP SCHEMA bench_${process.pid} CASCADE`);
    return rows;
  } finally {
    await adapters.close();
    await server.teardown();
  }
};
