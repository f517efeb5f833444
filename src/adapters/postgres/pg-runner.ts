import pg from 'pg';
import type { Pool, PoolClient, QueryResult as PgQueryResult } from 'pg';
import type { DatabaseFailure, QueryResult, QueryRunner, Session } from './query-runner.js';

const toResult = <Row>(result: PgQueryResult): QueryResult<Row> => ({ rows: result.rows as Row[], rowCount: result.rowCount ?? 0 });

const sessionOver = (queryable: Pool | PoolClient): Session => ({
  query: async <Row>(text: string, parameters?: readonly unknown[]) =>
    toResult<Row>(await queryable.query(text, parameters === undefined ? undefined : [...parameters])),
  // No parameters: node-postgres sends it as one simple-protocol Query message, which may hold several statements, and answers an
  // array of results when it did.
  async script(text: string) {
    const results = (await queryable.query(text)) as PgQueryResult | PgQueryResult[];
    return (Array.isArray(results) ? results : [results]).map((result) => toResult<Record<string, unknown>>(result));
  },
});

/** An error the server sent (the connection is still usable after ROLLBACK), as opposed to a broken or timed-out connection. */
const isDatabaseFailure = (error: unknown): error is DatabaseFailure => error instanceof pg.DatabaseError;

/**
 * The `pg` driver. `withSession` borrows a pooled connection. While borrowed, a connection has no listener of the pool's: an
 * 'error' it emits between queries (server gone) would crash the process, so one is attached here; the failure itself reaches
 * `work` through its next query. A connection whose state is unknown after a failure (anything but an error the server reported,
 * or `work` calling `discard`) is destroyed rather than returned to the pool.
 */
export const createPgRunner = (pool: Pool): QueryRunner => {
  let ending: Promise<void> | undefined;
  return {
    ...sessionOver(pool),
    async withSession(work) {
      const client = await pool.connect();
      let healthy = true;
      const discard = (): void => {
        healthy = false;
      };
      client.on('error', discard);
      try {
        return await work(sessionOver(client), discard);
      } catch (error) {
        if (!isDatabaseFailure(error)) discard();
        throw error;
      } finally {
        client.removeListener('error', discard);
        client.release(!healthy);
      }
    },
    isDatabaseFailure,
    end: () => (ending ??= pool.end()),
  };
};
