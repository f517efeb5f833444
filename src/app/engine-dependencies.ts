import { type Err, err, type Ok, ok, type Result } from 'neverthrow';
import { isAccountId } from '../domain/account.js';
import { type IamError, invalidInput, noSuchUser, serviceFailure, type UnsupportedServiceErrorCode, validationError } from '../domain/iam-error.js';
import type { IdPrefix, RandomBytes } from '../domain/secrets.js';
import type { ServiceCatalogue } from '../domain/service-catalogue.js';
import { isUserName } from '../domain/user.js';
import type { Principal } from '../domain/policy/types.js';
import type { Authorizer } from '../ports/authorizer.port.js';
import type { AwsManagedPolicies } from '../ports/aws-managed-policies.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { Immediate, ImmediatePorts, Ports } from '../ports/immediate.port.js';
import type { AtomicUserRemoval } from '../ports/user-removal.port.js';
import type { UserResolvingStore } from '../ports/user-resolving-store.port.js';

/** Who is calling, per request: one engine serves many accounts. */
export interface RequestContext {
  /** The account the request acts in; the engine's default account when absent. */
  readonly accountId?: string | undefined;
  /** The user "the caller" is, where the model lets UserName be omitted (List, Reset, Update, Delete). */
  readonly callerUserName?: string | undefined;
  /**
   * Who is calling, when the embedder (or the endpoint, from the key that signed the request) knows: an IAM user or the account's
   * root. Absent: the root of the request's account, or the user `callerUserName` names. It decides authorisation only; which user
   * an operation acts on is still `callerUserName`'s (see `callerPrincipal`).
   */
  readonly principal?: Principal | undefined;
}

/** Everything an operation reaches the world through, resolved once when the engine is created. */
export interface EngineDependencies {
  readonly defaultAccountId: string;
  /** `ok(defaultAccountId)`, made once: most requests act in the default account. */
  readonly defaultAccount: Ok<string, never>;
  /**
   * The storage ports. When both are the embedded in-memory adapters, they are their synchronous faces: their answers come back at
   * once and an operation runs start to finish without an await (see `app/operation.ts`).
   */
  readonly ports: Ports | ImmediatePorts;
  /**
   * The user directory's atomic DeleteUser (`ports/user-removal.port.ts`), present only when the directory keeps its users in the
   * store's own database (the PostgreSQL and PGlite adapters): DeleteUser then closes the owner and deletes the user in one step.
   */
  readonly atomicUserRemoval?: AtomicUserRemoval;
  /**
   * The store, when it finds the credential operations' users itself in its own database (`ports/user-resolving-store.port.ts`;
   * the PostgreSQL and PGlite adapters): the operations then skip the separate user lookup (`app/subject-user.ts`).
   */
  readonly userResolvingStore?: UserResolvingStore;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  /** A new IAM unique id; fails only when the random source keeps answering bytes it cannot use. */
  readonly newId: (prefix: IdPrefix) => Result<string, Error>;
  readonly services: ServiceCatalogue;
  /** The AWS managed policies every account may attach (`arn:aws:iam::aws:policy/…`). */
  readonly awsManagedPolicies: AwsManagedPolicies;
  /**
   * Decides whether a principal may perform an action on a resource: the embedder's own, or the default one over the policy store
   * (`adapters/policy-authorizer`), on the synchronous face when the storage ports are.
   */
  readonly authorizer: Authorizer | Immediate<Authorizer>;
  readonly unsupportedServiceError: UnsupportedServiceErrorCode;
  readonly onInternalError: (error: unknown) => void;
}

/**
 * The account a request acts in: the context's, else the engine's default (null reads as absent, as for every request member).
 * The context is the embedder's, not the client's, so a wrong one is InvalidInput rather than a validation message.
 */
export const resolveAccountId = (deps: EngineDependencies, ctx: RequestContext | undefined): Result<string, IamError> => {
  const accountId: unknown = ctx?.accountId ?? deps.defaultAccountId;
  // The default account was checked when the engine was created; its answer is shared.
  if (accountId === deps.defaultAccountId) return deps.defaultAccount;
  return isAccountId(accountId) ? ok(accountId) : err(invalidInput(`Invalid account id ${JSON.stringify(accountId)}: expected 12 digits.`));
};

/** AWS's answer when UserName is omitted and the caller is not an IAM user (observed on DeleteAccessKey). */
const callerIsNotAUser = (): IamError => validationError('Must specify userName when calling with non-User credentials');

/**
 * The user a request is about: the UserName it names (already validated), else the calling user of the context. A caller name of
 * the wrong type is the embedder's error (InvalidInput); a string that is no valid user name names no user (NoSuchEntity, decided
 * here, so no store ever sees text it might not be able to hold).
 */
export const subjectUserName = (requested: string | undefined, ctx: RequestContext | undefined): Result<string, IamError> => {
  if (requested !== undefined) return ok(requested);
  const caller: unknown = ctx?.callerUserName;
  if (caller === undefined || caller === null) return err(callerIsNotAUser());
  if (typeof caller !== 'string') return err(invalidInput(`Invalid caller user name: expected a string, got ${typeof caller}.`));
  return isUserName(caller) ? ok(caller) : err(noSuchUser(caller));
};

/**
 * An adapter (store, user directory, clock, random source) failed: AWS reports that as ServiceFailure. The cause goes to
 * `onInternalError`, never to the client.
 */
export const internalFailure = (deps: EngineDependencies, cause: unknown): Err<never, IamError> => {
  deps.onInternalError(cause);
  return err(serviceFailure());
};

/** The ARN of an account's root, as AWS writes it in AccessDenied messages and aws:PrincipalArn. */
export const rootArn = (accountId: string): string => `arn:aws:iam::${accountId}:root`;

/**
 * Who is calling: the context's principal, else the user `callerUserName` names (path `/` assumed until the user is looked up), else
 * the root of the request's account.
 */
export const callerPrincipal = (accountId: string, ctx: RequestContext | undefined): Principal => {
  const given = ctx?.principal;
  if (given !== undefined && given !== null) return given;
  const userName = ctx?.callerUserName;
  return typeof userName === 'string'
    ? { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/${userName}`, userName }
    : { kind: 'root', accountId, arn: rootArn(accountId) };
};
