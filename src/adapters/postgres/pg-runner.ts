import pg from 'pg';
import type { Pool, PoolClient, PoolConfig, QueryResult as PgQueryResult } from 'pg';
import type { DatabaseFailure, EndOptions, QueryResult, QueryRunner, Session } from './query-runner.js';

const toResult = <Row>(result: PgQueryResult): QueryResult<Row> => ({ rows: result.rows as Row[], rowCount: result.rowCount ?? 0 });

/** How many distinct statement texts get a name; the adapter has a few dozen (per schema), so the bound only guards against misuse. */
const MAX_NAMED_STATEMENTS = 1_000;
const statementNames = new Map<string, string>();

/**
 * A name for a statement's text, so that each connection parses and plans it once and then executes the prepared statement (a
 * third to half of a one-row statement's server time is parse and plan). The same text always gets the same name.
 */
const statementName = (text: string): string | undefined => {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(text, (name = `iam_ssc_${statementNames.size}`));
  return name;
};

const sessionOver = (client: PoolClient): Session => ({
  async query<Row>(text: string, parameters?: readonly unknown[]) {
    const name = statementName(text);
    const values = parameters === undefined ? [] : [...parameters];
    return toResult<Row>(await (name === undefined ? client.query(text, values) : client.query({ name, text, values })));
  },
  // No parameters: node-postgres sends it as one simple-protocol Query message, which may hold several statements, and answers an
  // array of results when it did.
  async script(text: string) {
    const results = (await client.query(text)) as PgQueryResult | PgQueryResult[];
    return (Array.isArray(results) ? results : [results]).map((result) => toResult<Record<string, unknown>>(result));
  },
});

/** An error the server sent (the connection is still usable after ROLLBACK), as opposed to a broken or timed-out connection. */
const isDatabaseFailure = (error: unknown): error is DatabaseFailure => error instanceof pg.DatabaseError;

/** How long a cut-off connection gets to end once its query was cancelled, before its socket is destroyed. */
const CANCEL_WAIT_MS = 1_000;

/** The socket under a pooled client: node-postgres keeps it as `connection.stream` (not in its typings). */
const destroySocket = (client: PoolClient): void => {
  (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
};

/**
 * The `pg` driver. Every statement runs on a connection borrowed from the pool (as `pool.query` does), so that the runner knows
 * which connections are busy when it has to end. While borrowed, a connection has no listener of the pool's: an 'error' it emits
 * between queries (server gone) would crash the process, so one is attached here; the failure itself reaches `work` through its
 * next query. A connection whose state is unknown after a failure (anything but an error the server reported, or `work` calling
 * `discard`) is destroyed rather than returned to the pool.
 */
export const createPgRunner = (pool: Pool, config: PoolConfig): QueryRunner => {
  const busy = new Set<PoolClient>();
  const withClient = async <T>(work: (session: Session, discard: () => void) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    busy.add(client);
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
      busy.delete(client);
      client.removeListener('error', discard);
      client.release(!healthy);
    }
  };

  /**
   * Past the grace period: asks the server to cancel each busy connection's statement (from a connection of its own, since the busy
   * ones are blocked), so that the server rolls its transaction back; a connection still busy a moment later has its socket
   * destroyed, which fails its query here whatever the server does.
   */
  const cutOff = (clients: readonly PoolClient[]): void => {
    const pids = clients.map((client) => (client as unknown as { processID?: number }).processID).filter((pid) => typeof pid === 'number');
    const canceller = new pg.Client({ ...config, connectionTimeoutMillis: CANCEL_WAIT_MS });
    canceller.on('error', () => undefined);
    void canceller
      .connect()
      .then(() => canceller.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]))
      .catch(() => undefined)
      .finally(() => void canceller.end().catch(() => undefined));
    setTimeout(() => {
      for (const client of clients) if (busy.has(client)) destroySocket(client);
    }, CANCEL_WAIT_MS).unref();
  };

  let ending: Promise<void> | undefined;
  return {
    query: <Row>(text: string, parameters?: readonly unknown[]) => withClient((session) => session.query<Row>(text, parameters)),
    script: (text) => withClient((session) => session.script(text)),
    withSession: withClient,
    isDatabaseFailure,
    end: (options: EndOptions = {}) =>
      (ending ??= (async () => {
        const ended = pool.end();
        const { graceMs = Number.POSITIVE_INFINITY, onCutOff } = options;
        const timer =
          Number.isFinite(graceMs) && busy.size > 0
            ? setTimeout(() => {
                if (busy.size === 0) return;
                onCutOff?.(busy.size);
                cutOff([...busy]);
              }, graceMs)
            : undefined;
        try {
          await ended;
        } finally {
          clearTimeout(timer);
        }
      })()),
  };
};
