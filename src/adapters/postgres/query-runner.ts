/**
 * The seam between the SQL adapter and a driver: everything the statements, the schema and the migrations need of a PostgreSQL
 * connection, and nothing more. Two drivers implement it: a `pg` pool (pg-runner.ts) and an embedded PGlite database
 * (../pglite/pglite-runner.ts). The SQL itself exists once, in this folder.
 */

export interface QueryResult<Row> {
  readonly rows: Row[];
  /** Rows the statement returned or changed. */
  readonly rowCount: number;
}

/** One connection's worth of statements. */
export interface Session {
  /** One statement, its values bound as parameters. */
  query<Row>(text: string, parameters?: readonly unknown[]): Promise<QueryResult<Row>>;
  /**
   * Several statements without parameters (values spliced in with `sqlLiteral`), sent together in one round trip; answers each
   * statement's result, in order. When one fails, the ones after it do not run and the promise rejects with its error.
   */
  script(text: string): Promise<readonly QueryResult<Record<string, unknown>>[]>;
}

/** An error the database reported: the session is still usable once any transaction is ended. */
export interface DatabaseFailure extends Error {
  readonly code?: string | undefined;
  readonly constraint?: string | undefined;
}

export interface QueryRunner extends Session {
  /**
   * Runs `work` on a session of its own (a pooled connection, or the embedded database held exclusively) and gives it back; a
   * session whose state is unknown after a failure (or that `work` calls `discard` for) is not reused. Statements outside `withSession` autocommit one by one.
   */
  withSession<T>(work: (session: Session, discard: () => void) => Promise<T>): Promise<T>;
  /** Whether `error` was reported by the database (as opposed to a broken or timed-out connection). */
  isDatabaseFailure(error: unknown): error is DatabaseFailure;
  /** Ends the driver once the statements running finish, or `graceMs` after the call, cutting off those still running; idempotent. */
  end(options?: EndOptions): Promise<void>;
}

export interface EndOptions {
  /** How long statements still running may take before they are cancelled and their connections dropped. Default: no limit. */
  readonly graceMs?: number;
  /** Told how many statements were cut off, when any were. */
  readonly onCutOff?: (statements: number) => void;
}

/**
 * A string as an SQL literal for `Session.script`. The `E'…'` form reads the same whatever `standard_conforming_strings` says.
 * PostgreSQL text cannot hold NUL, so a value with one is refused here (the caller's promise rejects) rather than sent.
 */
export const sqlLiteral = (value: string): string => {
  if (value.includes('\u0000')) throw new TypeError('a NUL character cannot be stored in PostgreSQL text');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
};

/** A string array as an SQL literal of type text[]. */
export const sqlTextArray = (values: readonly string[]): string => `ARRAY[${values.map(sqlLiteral).join(', ')}]::text[]`;
