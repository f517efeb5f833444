import type { ResultAsync } from 'neverthrow';
import type { IamError } from '../domain/iam-error.js';
import { type PresentedCredential, parseHttpAuthorization, parseSaslPlain } from '../domain/presented-credential.js';
import type { AuthenticatedPrincipal } from '../domain/shapes.js';
import type { CredentialEngine } from './credential-engine.js';
import type { RequestContext } from './engine-dependencies.js';

/**
 * Front-door verification for servers that emulate the services: parse what the client presented (pure, in the domain), then hand
 * it to the engine's public `authenticate` (a user name and password) or `authenticateApiKey` (a whole API key). Built only on the
 * `CredentialEngine` interface, so it works over any engine, an embedder's wrapped one included. Every failure, malformed input
 * and a credential of the wrong kind for the service included, is the engine's one non-revealing AuthenticationFailed.
 */
export interface AuthenticateHttpAuthorizationRequest {
  /** The service the door belongs to, e.g. `codecommit.amazonaws.com` (Basic) or `bedrock.amazonaws.com` (Bearer). */
  readonly ServiceName: string;
  /** The `Authorization` header value as received (`Basic …` or `Bearer …`); absent when the client sent none. */
  readonly Authorization: string | undefined;
}

export interface AuthenticateSaslPlainRequest {
  /** The service the door belongs to, e.g. `cassandra.amazonaws.com`. */
  readonly ServiceName: string;
  /** The SASL PLAIN message `authzid NUL authcid NUL password` (the AUTH_RESPONSE token bytes, or the same as a string). */
  readonly Token: Uint8Array | string;
}

type Authenticator = Pick<CredentialEngine, 'authenticate' | 'authenticateApiKey'>;

const verifyPresented = (
  engine: Authenticator,
  ServiceName: unknown,
  presented: PresentedCredential,
  ctx: RequestContext | undefined,
): ResultAsync<AuthenticatedPrincipal, IamError> =>
  presented.kind === 'password'
    ? engine.authenticate({ ServiceName: ServiceName as string, ServiceUserName: presented.userName, ServicePassword: presented.password }, ctx)
    : engine.authenticateApiKey({ ServiceName: ServiceName as string, ApiKey: presented.apiKey }, ctx);

/** An HTTP `Authorization` header: `Basic` goes to `authenticate`, `Bearer` to `authenticateApiKey`. */
export const authenticateHttpAuthorization = (
  engine: Authenticator,
  request: AuthenticateHttpAuthorizationRequest,
  ctx?: RequestContext,
): ResultAsync<AuthenticatedPrincipal, IamError> =>
  parseHttpAuthorization(request?.Authorization).asyncAndThen((presented) => verifyPresented(engine, request.ServiceName, presented, ctx));

/** A SASL PLAIN token (Cassandra's PasswordAuthenticator): goes to `authenticate`. */
export const authenticateSaslPlain = (
  engine: Authenticator,
  request: AuthenticateSaslPlainRequest,
  ctx?: RequestContext,
): ResultAsync<AuthenticatedPrincipal, IamError> =>
  parseSaslPlain(request?.Token).asyncAndThen((presented) => verifyPresented(engine, request.ServiceName, presented, ctx));
