import { createHash } from 'node:crypto';
import type { QueryRunner, Session } from './query-runner.js';

/**
 * A bigint advisory-lock key for `parts`, as an SQL literal: a digest, so it can be spliced into a script (which lets BEGIN and
 * the lock travel in one round trip). Two different owners sharing a key (a 2^-64 chance) only wait for each other.
 */
export const lockKeyLiteral = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\u0000'), 'utf8').digest().readBigInt64BE(0).toString();

/** The opening of a transaction serialized on `lockKey`, to prefix the first statements of a script with. */
export const beginLocked = (lockKey: string): string => `BEGIN; SELECT pg_advisory_xact_lock(${lockKey});`;

/**
 * `lockKeyLiteral('owner', schema, <accountIdSql>, <ownerIdSql>)` computed by the server, for a lock on an owner the statement itself
 * finds (a Create that names the user): the same digest of the same bytes, so it is the same lock as `beginOwnerLocked`'s.
 */
export const ownerLockKeyExpression = (schema: string, accountIdSql: string, ownerIdSql: string): string => {
  const prefix = Buffer.from(['owner', schema, ''].join('\u0000'), 'utf8').toString('hex');
  const bytes = `decode('${prefix}', 'hex') || convert_to(${accountIdSql}, 'UTF8') || decode('00', 'hex') || convert_to(${ownerIdSql}, 'UTF8')`;
  return `('x' || encode(substring(sha256(${bytes}) FROM 1 FOR 8), 'hex'))::bit(64)::bigint`;
};

/** The opening of a transaction serialized with every other one of the same owner (creates, closeOwner, removeUser). */
export const beginOwnerLocked = (schema: string, accountId: string, ownerId: string): string =>
  beginLocked(lockKeyLiteral('owner', schema, accountId, ownerId));

/**
 * Runs `work` in one transaction on a session of its own. `work` opens the transaction with its first script (starting with
 * `beginLocked`) and ends it with its last (ending in `COMMIT`, or a `ROLLBACK`), so that the opening and the closing ride in the
 * same round trips as the statements. On any failure the transaction is rolled back and the cause rethrown, so nothing of a failed
 * attempt is ever visible; if even ROLLBACK fails, the session is not reused.
 */
export const inTransaction = <T>(runner: QueryRunner, work: (session: Session) => Promise<T>): Promise<T> =>
  runner.withSession(async (session, discard) => {
    try {
      return await work(session);
    } catch (error) {
      await session.script('ROLLBACK').catch(discard);
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

const isRetryable = (runner: QueryRunner, error: unknown, policy: RetryPolicy): boolean =>
  runner.isDatabaseFailure(error) &&
  error.code !== undefined &&
  (RETRYABLE_CODES.has(error.code) || (error.code === '23505' && error.constraint !== undefined && policy.retryableConstraints.has(error.constraint)));

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with an error that is not a conflict, or has run `maxAttempts` times; a short randomized
 * pause between attempts keeps the contenders from colliding again in lockstep. The last error is what the caller sees.
 */
export const withRetries = async <T>(runner: QueryRunner, policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> => {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || !isRetryable(runner, error, policy)) throw error;
      await pause(Math.random() * 5 * attemptNumber);
    }
  }
};
