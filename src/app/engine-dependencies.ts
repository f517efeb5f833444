import { isAccountId } from '../domain/account.js';
import { type Err, err, ok, type Result } from 'neverthrow';
import { type IamError, invalidInput, serviceFailure, validationError } from '../domain/iam-error.js';
import type { ServiceCatalogue } from '../domain/service-catalogue.js';
import type { UnsupportedServiceErrorCode } from '../domain/iam-error.js';
import type { RandomBytes } from '../domain/secrets.js';
import type { Clock } from '../ports/clock.port.js';
import type { CredentialStore } from '../ports/credential-store.port.js';
import type { ImmediateAdapters } from '../ports/immediate.port.js';
import type { UserDirectory } from '../ports/user-directory.port.js';

/** Who is calling, per request: one engine serves many accounts. */
export interface RequestContext {
  /** The account the request acts in; the engine's default account when absent. */
  readonly accountId?: string;
  /** The user "the caller" is, where the model lets UserName be omitted (List, Reset, Update, Delete). */
  readonly callerUserName?: string;
}

/** Everything an operation reaches the world through, resolved once when the engine is created. */
export interface EngineDependencies {
  readonly defaultAccountId: string;
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  readonly newId: (prefix: 'ACCA' | 'AIDA') => string;
  readonly services: ServiceCatalogue;
  readonly unsupportedServiceError: UnsupportedServiceErrorCode;
  readonly onInternalError: (error: unknown) => void;
  /**
   * Synchronous views of `users` and `store`, present only when both are the embedded in-memory adapters (which do all their work
   * before their promises settle anyway). Create and Delete then run start to finish without an await: same checks, same order,
   * same answers, one promise instead of one per port call.
   */
  readonly immediate?: ImmediateAdapters;
}

export const resolveAccountId = (deps: EngineDependencies, ctx: RequestContext | undefined): Result<string, IamError> => {
  const accountId = ctx?.accountId ?? deps.defaultAccountId;
  // The default account was checked when the engine was created.
  return accountId === deps.defaultAccountId || isAccountId(accountId)
    ? ok(accountId)
    : err(invalidInput(`Invalid account id ${JSON.stringify(accountId)}: expected 12 digits.`));
};

/** AWS's answer when UserName is omitted and the caller is not an IAM user (observed on DeleteAccessKey). */
const callerIsNotAUser = (): IamError => validationError('Must specify userName when calling with non-User credentials');

/** The user a request is about: the UserName it names, else the calling user. */
export const subjectUserName = (requested: string | undefined, ctx: RequestContext | undefined): Result<string, IamError> => {
  const userName = requested ?? ctx?.callerUserName;
  return userName === undefined ? err(callerIsNotAUser()) : ok(userName);
};

/**
 * The boundary to a port. Operations await each port call directly inside `try` and answer a rejection (or a throw) with
 * `portFailure`: the adapter failed, which AWS reports as ServiceFailure. The cause goes to `onInternalError`, never to the client.
 * (Awaiting the port's own promise, rather than a wrapper's, costs one microtask per port call instead of two or three.)
 */
export const portFailure = (deps: EngineDependencies, cause: unknown): Err<never, IamError> => {
  deps.onInternalError(cause);
  return err(serviceFailure());
};
