import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPGliteAdapters } from '../src/adapters/pglite/index.js';
import { createPostgresAdapters } from '../src/adapters/postgres/index.js';
import { createCredentialEngine, type CredentialEngine } from '../src/index.js';
import startThrowawayServer from '../test/postgres/global-setup.js';
import { CODECOMMIT, createDeletePair, createUsers, ok, userName } from './lib/engine-fixture.js';
import { median } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export type PostgresOptions = { readonly skip: string } | { readonly seconds: number; readonly rounds: number; readonly clients: readonly number[] };

const section = 'PostgreSQL adapter (pg pool, engine in the bench process)';
const pgliteSection = 'PGlite store (--data-dir, embedded, engine in the bench process)';

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

const row = (
  id: string,
  sectionName: string,
  label: string,
  value: number,
  unit: string,
  baseline: { label: string; value: number },
  target: number,
): ResultRow => ({
  id,
  section: sectionName,
  label,
  value,
  unit,
  baseline,
  ratio: value / baseline.value,
  target: `>= ${target}x`,
  met: value / baseline.value >= target,
});

/** A row for the engine that looks the user up before each store call: the same floor, no target (the comparison row). */
const lookedUp = (id: string, label: string, value: number, unit: string, baseline: { label: string; value: number }): ResultRow => ({
  id,
  section,
  label,
  value,
  unit,
  baseline,
  ratio: value / baseline.value,
  note: 'what the targeted row was before',
});

/** The honest floors of issue 10: a pair of one-statement autocommit writes (the commits a Create+Delete must pay), a one-row read. */
const FLOOR_TABLE = 'bench_floor';
type Query = (text: string, values: unknown[]) => Promise<unknown>;
const floorPair = async (query: Query, table: string, id: string): Promise<void> => {
  await query(`INSERT INTO ${table} (id) VALUES ($1)`, [id]);
  await query(`DELETE FROM ${table} WHERE id = $1`, [id]);
};

/** CPU seconds (user + system) the process `pid` has used, from /proc; undefined where there is no such file (not Linux, remote). */
const processCpuSeconds = (pid: number): number | undefined => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
};

interface CpuCost {
  readonly server: number;
  readonly client: number;
}

/**
 * Where the time goes when the machine is saturated: the CPU one operation costs the server (its backend process, read from /proc,
 * so the server must run on this machine) and this process (the engine, the driver, the socket), on one connection, one operation
 * after another. Unlike throughput, CPU time hardly depends on what else the machine runs. Microseconds per operation, medians of
 * `rounds` alternated slices.
 */
const cpuPerOperation = async (
  url: string,
  schema: string,
  operations: Readonly<Record<string, (on: { pool: ReturnType<typeof createPostgresAdapters>['pool']; engine: CredentialEngine }, iteration: number) => Promise<unknown>>>,
  count: number,
  rounds: number,
): Promise<Record<string, CpuCost> | undefined> => {
  const adapters = createPostgresAdapters({ connectionString: url, schema, max: 1 });
  try {
    const pid = Number((await adapters.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    if (processCpuSeconds(pid) === undefined) return undefined;
    const on = { pool: adapters.pool, engine: createCredentialEngine({ store: adapters.store, users: adapters.users }) };
    const samples = new Map<string, { server: number[]; client: number[] }>();
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, operation] of Object.entries(operations)) {
        for (let warm = 0; warm < 20; warm += 1) await operation(on, -1 - warm - 100 * round);
        const server = processCpuSeconds(pid) ?? 0;
        const client = process.cpuUsage();
        for (let iteration = 0; iteration < count; iteration += 1) await operation(on, round * count + iteration);
        const used = process.cpuUsage(client);
        const entry = samples.get(name) ?? { server: [], client: [] };
        entry.server.push((((processCpuSeconds(pid) ?? 0) - server) * 1e6) / count);
        entry.client.push((used.user + used.system) / count);
        samples.set(name, entry);
      }
    }
    return Object.fromEntries([...samples].map(([name, entry]) => [name, { server: median(entry.server), client: median(entry.client) }]));
  } finally {
    await adapters.close();
  }
};

const runPostgresServer = async (options: Exclude<PostgresOptions, { skip: string }>): Promise<ResultRow[]> => {
  let server: Awaited<ReturnType<typeof database>>;
  try {
    server = await database();
  } catch (error) {
    return skipped(`starting PostgreSQL failed: ${String(error).split('\n')[0] ?? ''}`);
  }
  if ('unavailable' in server) return skipped(server.unavailable);
  const maxClients = Math.max(...options.clients);
  const schema = `bench_${process.pid}`;
  const adapters = createPostgresAdapters({ connectionString: server.url, schema, max: maxClients });
  try {
    await adapters.migrate();
    await adapters.pool.query(`CREATE TABLE ${schema}.${FLOOR_TABLE} (id text PRIMARY KEY)`);
    const engine: CredentialEngine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    // The same store behind a copy of it, which the directory does not recognise as its own: the engine then looks each user up
    // first (UserDirectory.getUser) and calls the store by owner id, as before the store found users itself (UserResolvingStore).
    const lookingUp: CredentialEngine = createCredentialEngine({ store: { ...adapters.store }, users: adapters.users });
    const usersPerClient = 50;
    await createUsers(engine, maxClients * usersPerClient);
    await ok(engine.createUser({ UserName: 'holder' }));
    const held = [];
    for (let index = 0; index < 2; index += 1) held.push(await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: CODECOMMIT })));
    const heldCredential = held[0]?.ServiceSpecificCredential;
    if (heldCredential === undefined) throw new Error('no credential to authenticate with');
    // The floors run as named prepared statements, as the adapter's own one-statement queries do (parsed and planned once per connection).
    const poolQuery: Query = (text, values) => adapters.pool.query({ name: `bench_${text.split(' ')[0] ?? ''}`, text, values });

    const rows: ResultRow[] = [];
    for (const clients of options.clients) {
      const samples = {
        trip: [] as number[],
        floorPairs: [] as number[],
        pairs: [] as number[],
        lookedUpPairs: [] as number[],
        pk: [] as number[],
        lists: [] as number[],
        lookedUpLists: [] as number[],
        auths: [] as number[],
      };
      for (let round = 0; round < options.rounds; round += 1) {
        samples.trip.push(await concurrently(clients, options.seconds, () => adapters.pool.query('SELECT 1')));
        samples.floorPairs.push(await concurrently(clients, options.seconds, (client, iteration) => floorPair(poolQuery, `${schema}.${FLOOR_TABLE}`, `${client}-${iteration}`)));
        samples.pairs.push(await concurrently(clients, options.seconds, (client, iteration) => createDeletePair(engine, userName(client * usersPerClient + (iteration % usersPerClient)))));
        samples.lookedUpPairs.push(
          await concurrently(clients, options.seconds, (client, iteration) => createDeletePair(lookingUp, userName(client * usersPerClient + (iteration % usersPerClient)))),
        );
        samples.pk.push(
          await concurrently(clients, options.seconds, () =>
            adapters.pool.query({
              name: 'bench_pk',
              text: `SELECT * FROM ${schema}.credentials WHERE account_id = $1 AND credential_id = $2`,
              values: ['123456789012', heldCredential.ServiceSpecificCredentialId],
            }),
          ),
        );
        samples.lists.push(await concurrently(clients, options.seconds, () => ok(engine.listServiceSpecificCredentials({ UserName: 'holder' }))));
        samples.lookedUpLists.push(await concurrently(clients, options.seconds, () => ok(lookingUp.listServiceSpecificCredentials({ UserName: 'holder' }))));
        samples.auths.push(
          await concurrently(clients, options.seconds, () =>
            ok(engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: heldCredential.ServiceUserName as string, ServicePassword: heldCredential.ServicePassword as string })),
          ),
        );
      }
      const suffix = `${clients} concurrent client${clients === 1 ? '' : 's'}`;
      const floorPairs = { label: 'INSERT + DELETE autocommit pair', value: median(samples.floorPairs) };
      const pk = { label: 'one-row SELECT by primary key', value: median(samples.pk) };
      rows.push(
        row(`pg.create-delete.c${clients}`, section, `Create+Delete, ${suffix}`, median(samples.pairs), 'pairs/s', floorPairs, 0.5),
        row(`pg.list.c${clients}`, section, `List (user with 2 credentials), ${suffix}`, median(samples.lists), 'ops/s', pk, 0.8),
        row(`pg.authenticate.c${clients}`, section, `authenticate (password), ${suffix}`, median(samples.auths), 'ops/s', pk, 0.8),
        lookedUp(`pg.create-delete.looked-up.c${clients}`, `Create+Delete, user looked up first (as before), ${suffix}`, median(samples.lookedUpPairs), 'pairs/s', floorPairs),
        lookedUp(`pg.list.looked-up.c${clients}`, `List, user looked up first (as before), ${suffix}`, median(samples.lookedUpLists), 'ops/s', pk),
        { id: `pg.select-1.c${clients}`, section, label: `pool.query('SELECT 1'), ${suffix}`, value: median(samples.trip), unit: 'ops/s', note: 'one round trip' },
      );
    }
    // The CPU profile: the engine's Create+Delete and List against their floors, on one connection of a pool of its own.
    const cpuUsers = 50;
    const cpu = await cpuPerOperation(
      server.url,
      schema,
      {
        floorPair: (own, iteration) => floorPair((text, values) => own.pool.query({ name: `bench_${text.split(' ')[0] ?? ''}`, text, values }), `${schema}.${FLOOR_TABLE}`, `cpu-${iteration}`),
        pair: (own, iteration) => createDeletePair(own.engine, userName(Math.abs(iteration) % cpuUsers)),
        pk: (own) =>
          own.pool.query({
            name: 'bench_pk',
            text: `SELECT * FROM ${schema}.credentials WHERE account_id = $1 AND credential_id = $2`,
            values: ['123456789012', heldCredential.ServiceSpecificCredentialId],
          }),
        list: (own) => ok(own.engine.listServiceSpecificCredentials({ UserName: 'holder' })),
      },
      500,
      3,
    );
    if (cpu === undefined) {
      rows.push({ id: 'pg.cpu.create-delete', section, label: 'CPU per Create+Delete pair', value: null, unit: 'us', skipped: 'the server is not a local process' });
    } else {
      const cost = (name: string): CpuCost => cpu[name] ?? { server: Number.NaN, client: Number.NaN };
      const cpuRow = (id: string, label: string, name: string, floorName: string, floorLabel: string): ResultRow => {
        const [ours, floor] = [cost(name), cost(floorName)];
        const total = ours.server + ours.client;
        return {
          id,
          section,
          label,
          value: total,
          unit: 'us',
          baseline: { label: floorLabel, value: floor.server + floor.client },
          ratio: (floor.server + floor.client) / total,
          note: `server ${ours.server.toFixed(0)} + bench process ${ours.client.toFixed(0)} us; floor ${floor.server.toFixed(0)} + ${floor.client.toFixed(0)} us (ratio: floor / ours, the throughput ratio on a saturated machine)`,
        };
      };
      rows.push(
        cpuRow('pg.cpu.create-delete', 'CPU per Create+Delete pair (server + bench process)', 'pair', 'floorPair', 'INSERT + DELETE autocommit pair'),
        cpuRow('pg.cpu.list', 'CPU per List (server + bench process)', 'list', 'pk', 'one-row SELECT by primary key'),
      );
    }
    await adapters.pool.query(`DROP SCHEMA ${schema} CASCADE`);
    return rows;
  } finally {
    await adapters.close();
    await server.teardown();
  }
};

/** PGlite: Create+Delete pairs/s (one client: the embedded database runs one statement at a time) and its floor; restart time. */
const runPGlite = async (options: Exclude<PostgresOptions, { skip: string }>, storedCredentials: number): Promise<ResultRow[]> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iam-ssc-bench-pglite-'));
  try {
    const started = performance.now();
    let adapters = createPGliteAdapters({ dataDir });
    await adapters.migrate();
    const created = performance.now() - started;
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    await createUsers(engine, 50);
    const pairs: number[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      pairs.push(await concurrently(1, options.seconds, (_, iteration) => createDeletePair(engine, userName(iteration % 50))));
    }
    await adapters.close();
    // The floor, on the same database opened directly; then stored credentials for the restart figure, written in bulk with SQL
    // (distinct owners, names and ids, as Creates would leave them).
    const { PGlite } = await import('@electric-sql/pglite');
    const raw = await PGlite.create(join(dataDir, 'pgdata'));
    const floorPairs: number[] = [];
    await raw.query(`CREATE TABLE ${FLOOR_TABLE} (id text PRIMARY KEY)`);
    for (let round = 0; round < options.rounds; round += 1) floorPairs.push(await concurrently(1, options.seconds, (_, iteration) => floorPair((text, values) => raw.query(text, values), FLOOR_TABLE, String(iteration))));
    await raw.query(`
      INSERT INTO iam_service_credentials.credentials (account_id, credential_id, owner_id, user_name, service_name, kind,
        service_user_name, service_user_name_key, secret_digest, status, create_date)
      SELECT '123456789012', 'ACCA' || lpad(i::text, 17, '0'), 'AIDA' || lpad((i / 2)::text, 17, '0'), 'bulk' || (i / 2),
        'codecommit.amazonaws.com', 'password', 'bulk' || i || '-at-123456789012', 'bulk' || i || '-at-123456789012',
        repeat('x', 43), 'Active', now()
      FROM generate_series(1, ${storedCredentials}) AS i`);
    await raw.close();
    const restartStarted = performance.now();
    adapters = createPGliteAdapters({ dataDir });
    await adapters.migrate();
    const restarted = createCredentialEngine({ store: adapters.store, users: adapters.users });
    await ok(restarted.listServiceSpecificCredentials({ UserName: userName(0) }));
    const restart = performance.now() - restartStarted;
    await adapters.close();
    const floor = { label: 'INSERT + DELETE autocommit pair (PGlite)', value: median(floorPairs) };
    return [
      row('pglite.create-delete.c1', pgliteSection, 'Create+Delete, 1 client', median(pairs), 'pairs/s', floor, 0.5),
      { id: 'pglite.restart', section: pgliteSection, label: `restart with ${storedCredentials.toLocaleString('en-US')} stored credentials (open + migrate + first List)`, value: restart, unit: 'ms' },
      { id: 'pglite.first-open', section: pgliteSection, label: 'first open of an empty directory (initdb + migrate)', value: created, unit: 'ms' },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export const runPostgres = async (options: PostgresOptions): Promise<ResultRow[]> => {
  if ('skip' in options) return skipped(options.skip);
  return [...(await runPostgresServer(options)), ...(await runPGlite(options, 100_000))];
};
