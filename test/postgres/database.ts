/** What the PostgreSQL tests share: the server global-setup started (or was given), and a fresh schema per use for isolation. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createPostgresAdapters, type PostgresAdapterOptions, type PostgresAdapters } from '../../src/adapters/postgres/index.js';

/** The server's URL; fails (never skips) the calling test when no server could be had, with the reason and the fix. */
export const postgresUrl = (): string => {
  const unavailable = inject('postgresUnavailable');
  if (unavailable !== undefined) throw new Error(unavailable);
  const url = inject('postgresUrl');
  if (url === undefined) throw new Error('test/postgres/global-setup.ts did not run: is it listed in vitest.config.ts globalSetup?');
  return url;
};

export const freshSchemaName = (label: string): string => `test_${label}_${randomBytes(5).toString('hex')}`;

export interface TestAdapters extends PostgresAdapters {
  readonly schema: string;
  /** Drops the schema and closes the pool. */
  dispose(): Promise<void>;
}

/** Adapters on a new, migrated schema of their own. */
export const openTestAdapters = async (label: string, options: PostgresAdapterOptions = {}): Promise<TestAdapters> => {
  const schema = freshSchemaName(label);
  const adapters = createPostgresAdapters({ connectionString: postgresUrl(), schema, ...options });
  await adapters.migrate();
  return {
    ...adapters,
    schema,
    async dispose() {
      await adapters.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await adapters.close();
    },
  };
};
