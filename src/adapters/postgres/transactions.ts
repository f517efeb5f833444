import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';

/**
 * A bigint advisory-lock key for `parts`, as an SQL literal: a digest, so it can be spliced into a simple-protocol query (which lets
 * BEGIN and the lock travel in one round trip). Two different owners sharing a key (a 2^-64 chance) only wait for each other.
 */
export const lockKeyLiteral = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\u0000'), 'utf8').digest().readBigInt64BE(0).toString();

/** An error the server sent (the connection is still usable after ROLLBACK), as opposed to a broken or timed-out connection. */
const isServerError = (error: unknown): error is pg.DatabaseError => error instanceof pg.DatabaseError;

/**
 * Borrows a pooled connection for `work`. While borrowed, a connection has no listener of the pool's: an 'error' it emits between
 * queries (server gone) would crash the process, so one is attached here; the failure itself reaches `work` through its next query.
 * A connection whose state is unknown after a failure (anything but an error the server reported, or `work` calling `discard`) is
 * destroyed rather than returned to the pool.
 */
export const withConnection = async <T>(pool: Pool, work: (client: PoolClient, discard: () => void) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let healthy = true;
  const discard = (): void => {
    healthy = false;
  };
  client.on('error', discard);
  try {
    return await work(client, discard);
  } catch (error) {
    if (!isServerError(error)) discard();
    throw error;
  } finally {
    client.removeListener('error', discard);
    client.release(!healthy);
  }
};

/**
 * Runs `work` in one transaction opened by `begin` (`BEGIN`, possibly followed by lock statements in the same round trip) and
 * commits it; on any failure rolls back and rethrows the cause, so nothing of a failed attempt is ever visible.
 */
export const inTransaction = <T>(pool: Pool, begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> =>
  withConnection(pool, async (client, discard) => {
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The connection is reusable once the transaction is ended; if even ROLLBACK fails, it is dropped.
      await client.query('ROLLBACK').catch(discard);
      throw error;
    }
  });

/** Serialization failure and deadlock: the transaction did nothing and can simply run again. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['40001', '40P01']);

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Unique violations that mean "someone else took it first; read again and decide again". */
  readonly retryableConstraints: ReadonlySet<string>;
}

export const isRetryable = (error: unknown, policy: RetryPolicy): boolean =>
  isServerError(error) &&
  error.code !== undefined &&
  (RETRYABLE_CODES.has(error.code) || (error.code === '23505' && error.constraint !== undefined && policy.retryableConstraints.has(error.constraint)));

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with an error that is not a conflict, or has run `maxAttempts` times; a short randomized
 * pause between attempts keeps the contenders from colliding again in lockstep. The last error is what the caller sees.
 */
export const withRetries = async <T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> => {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || !isRetryable(error, policy)) throw error;
      await pause(Math.random() * 5 * attemptNumber);
    }
  }
};
