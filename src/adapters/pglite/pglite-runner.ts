import type { PGlite, Results, Transaction } from '@electric-sql/pglite';
import type { DatabaseFailure, QueryResult, QueryRunner, Session } from '../postgres/query-runner.js';

const toResult = <Row>(result: Results<Row>): QueryResult<Row> => ({
  rows: result.rows,
  rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
});

const sessionOver = (database: PGlite | Transaction): Session => ({
  query: async <Row>(text: string, parameters?: readonly unknown[]) =>
    toResult(await database.query<Row>(text, parameters === undefined ? undefined : [...parameters])),
  script: async (text: string) => (await database.exec(text)).map((result) => toResult(result as Results<Record<string, unknown>>)),
});

/** PGlite reports the server's errors with the fields of the wire protocol's ErrorResponse (severity, code, constraint, …). */
const isDatabaseFailure = (error: unknown): error is DatabaseFailure =>
  error instanceof Error && typeof (error as { severity?: unknown }).severity === 'string' && typeof (error as { code?: unknown }).code === 'string';

/**
 * The PGlite driver: one embedded PostgreSQL session, in this process. `withSession` holds it exclusively through PGlite's own
 * transaction mutex (autocommit statements from other requests wait meanwhile); the BEGIN and COMMIT PGlite adds around it are
 * no-ops next to the adapter's own (PostgreSQL answers them with a warning only).
 */
export const createPGliteRunner = (database: PGlite): QueryRunner => {
  let ending: Promise<void> | undefined;
  return {
    ...sessionOver(database),
    withSession: (work) => database.transaction((transaction) => work(sessionOver(transaction), () => undefined)),
    isDatabaseFailure,
    end: () => (ending ??= database.closed ? Promise.resolve() : database.close()),
  };
};
