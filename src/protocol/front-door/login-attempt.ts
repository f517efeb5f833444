import type { Result } from 'neverthrow';
import { parseApiKey } from '../../domain/api-key.js';
import type { IamError } from '../../domain/iam-error.js';
import { parseHttpAuthorization, parseSaslPlain } from '../../domain/presented-credential.js';
import { accountIdOfServiceUserName } from '../../domain/service-user-name.js';
import type { AuthenticatedPrincipal } from '../../index.js';

export type DoorName = 'git' | 'bedrock' | 'keyspaces';

/**
 * One login attempt at a front door, for the log: which door, how it ended, the user name or API-key alias presented (never a
 * secret), and the account. `reason` is the engine's internal detail (unknown name, wrong secret, Inactive, Expired): it goes
 * to the operator's log, never to the client.
 */
export interface LoginAttempt {
  readonly door: DoorName;
  readonly outcome: 'accepted' | 'refused' | 'challenged';
  readonly presented: string | undefined;
  readonly accountId: string | undefined;
  readonly reason: string | undefined;
}

/** The prefix of Bedrock API keys; a key with another prefix has no alias worth logging. */
const BEDROCK_KEY_PREFIX = 'ABSK';

const nameOf = (presented: ReturnType<typeof parseHttpAuthorization>): string | undefined =>
  presented.match(
    (credential) => credential.kind === 'password'
        ? credential.userName
        : parseApiKey(BEDROCK_KEY_PREFIX, credential.apiKey).match(
            (key) => key.alias,
            () => undefined,
          ),
    () => undefined,
  );

/** What a log may say about a login: built from the parsed credential, the secret dropped at once. */
const attemptOf = (
  door: DoorName,
  presented: string | undefined,
  outcome: Result<AuthenticatedPrincipal, IamError>,
): LoginAttempt => ({
  door,
  outcome: outcome.isOk() ? 'accepted' : 'refused',
  presented,
  accountId: outcome.isOk()
    ? outcome.value.AccountId
    : presented === undefined
      ? undefined
      : accountIdOfServiceUserName(presented).unwrapOr(undefined),
  reason: outcome.isErr() ? outcome.error.detail : undefined,
});

export const httpLoginAttempt = (
  door: DoorName,
  authorization: string | undefined,
  outcome: Result<AuthenticatedPrincipal, IamError>,
): LoginAttempt => attemptOf(door, nameOf(parseHttpAuthorization(authorization)), outcome);

export const saslLoginAttempt = (
  token: Uint8Array,
  outcome: Result<AuthenticatedPrincipal, IamError>,
): LoginAttempt => attemptOf('keyspaces', nameOf(parseSaslPlain(token)), outcome);

/** Printable ASCII only, bounded: a presented name is client input. */
const loggable = (text: string, max = 200): string => {
  const clean = text.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
};

/**
 * A refusal's reason as one word of the log line: the engine's detail with its spaces turned to `-`, and none around a `:`
 * (`malformed credentials: unsupported scheme` reads `malformed-credentials:unsupported-scheme`).
 */
export const reasonWord = (detail: string): string =>
  loggable(detail.trim().replace(/\s*:\s*/g, ':').replace(/\s+/g, '-')) || '-';

/** `<time> <door> login <outcome> user=<presented> account=<account> [reason=<detail>] client=<address>`. */
export const formatLoginAttempt = (attempt: LoginAttempt, client: string | undefined, now: Date = new Date()): string =>
  `${now.toISOString()} ${attempt.door} login ${attempt.outcome} user=${attempt.presented === undefined ? '-' : loggable(attempt.presented)} ` +
  `account=${attempt.accountId ?? '-'}${attempt.reason === undefined ? '' : ` reason=${reasonWord(attempt.reason)}`} ` +
  `client=${client ?? '-'}`;

/** Who hears of a door's login attempts: the access log (one formatted line) and, for the dashboard, the attempt itself. */
export interface LoginObservers {
  /** One line per login attempt. Default: none. */
  readonly log?: (line: string) => void;
  /** Each login attempt as a value, with the client's address (the dashboard's recent activity). Default: none. */
  readonly onLoginAttempt?: (attempt: LoginAttempt, client: string | undefined) => void;
}

/** Tells the observers of one login attempt. */
export const reportLoginAttempt = (observers: LoginObservers, attempt: LoginAttempt, client: string | undefined): void => {
  observers.log?.(formatLoginAttempt(attempt, client));
  observers.onLoginAttempt?.(attempt, client);
};
