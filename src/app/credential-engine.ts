import type { ResultAsync } from 'neverthrow';
import type { IamError, UnsupportedServiceErrorCode } from '../domain/iam-error.js';
import type { ServiceCatalogue } from '../domain/service-catalogue.js';
import type {
  AuthenticateApiKeyRequest,
  AuthenticatedPrincipal,
  AuthenticateRequest,
  CreateServiceSpecificCredentialRequest,
  CreateServiceSpecificCredentialResponse,
  CreateUserRequest,
  CreateUserResponse,
  DeleteServiceSpecificCredentialRequest,
  DeleteUserRequest,
  EmptyResponse,
  GetUserRequest,
  GetUserResponse,
  ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse,
  ListUsersRequest,
  ListUsersResponse,
  ResetServiceSpecificCredentialRequest,
  ResetServiceSpecificCredentialResponse,
  UpdateServiceSpecificCredentialRequest,
} from '../domain/shapes.js';
import type { AwsManagedPolicies } from '../ports/aws-managed-policies.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { PolicyStore } from '../ports/policy-store.port.js';
import type { CredentialStore } from '../ports/credential-store.port.js';
import type { RandomSource } from '../ports/random.port.js';
import type { UserDirectory } from '../ports/user-directory.port.js';
import { authenticate, authenticateApiKey } from './authenticate.js';
import { createServiceSpecificCredential } from './create-credential.js';
import { deleteServiceSpecificCredential } from './delete-credential.js';
import type { EngineDependencies, RequestContext } from './engine-dependencies.js';
import { listServiceSpecificCredentials } from './list-credentials.js';
import { run } from './operation.js';
import { resetServiceSpecificCredential } from './reset-credential.js';
import { updateServiceSpecificCredential } from './update-credential.js';
import { createUser, deleteUser, getUser, listUsers } from './users.js';

export interface CredentialEngineOptions {
  /** The account requests act in unless their context names another. Default `123456789012`. */
  readonly accountId?: string;
  readonly store?: CredentialStore;
  readonly users?: UserDirectory;
  /** Policies and groups. Default: in memory. */
  readonly policies?: PolicyStore;
  /** The AWS managed policies. Default: the snapshot shipped with the library (their latest versions). */
  readonly awsManagedPolicies?: AwsManagedPolicies;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Which services accept service-specific credentials, and of which kind. Default: CodeCommit, Keyspaces, Bedrock. */
  readonly services?: ServiceCatalogue;
  /** Code for an unsupported service: AWS answers `NoSuchEntity` (the default); the model documents `NotSupportedService`. */
  readonly unsupportedServiceError?: UnsupportedServiceErrorCode;
  /** Told about adapter failures that were answered as ServiceFailure. Default: nothing. */
  readonly onInternalError?: (error: unknown) => void;
}

export interface CredentialEngine {
  createUser(request: CreateUserRequest, ctx?: RequestContext): ResultAsync<CreateUserResponse, IamError>;
  getUser(request: GetUserRequest, ctx?: RequestContext): ResultAsync<GetUserResponse, IamError>;
  listUsers(request?: ListUsersRequest, ctx?: RequestContext): ResultAsync<ListUsersResponse, IamError>;
  deleteUser(request: DeleteUserRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  createServiceSpecificCredential(
    request: CreateServiceSpecificCredentialRequest,
    ctx?: RequestContext,
  ): ResultAsync<CreateServiceSpecificCredentialResponse, IamError>;
  listServiceSpecificCredentials(
    request?: ListServiceSpecificCredentialsRequest,
    ctx?: RequestContext,
  ): ResultAsync<ListServiceSpecificCredentialsResponse, IamError>;
  resetServiceSpecificCredential(
    request: ResetServiceSpecificCredentialRequest,
    ctx?: RequestContext,
  ): ResultAsync<ResetServiceSpecificCredentialResponse, IamError>;
  updateServiceSpecificCredential(request: UpdateServiceSpecificCredentialRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  deleteServiceSpecificCredential(request: DeleteServiceSpecificCredentialRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  authenticate(request: AuthenticateRequest, ctx?: RequestContext): ResultAsync<AuthenticatedPrincipal, IamError>;
  authenticateApiKey(request: AuthenticateApiKeyRequest, ctx?: RequestContext): ResultAsync<AuthenticatedPrincipal, IamError>;
}

/**
 * Binds every operation to its dependencies and runs it (`app/operation.ts`). The composition root
 * (`src/create-credential-engine.ts`) fills in the defaults.
 */
export const assembleEngine = (deps: EngineDependencies): CredentialEngine => ({
  createUser: (request, ctx) => run(deps, createUser(deps, request, ctx)),
  getUser: (request, ctx) => run(deps, getUser(deps, request, ctx)),
  listUsers: (request = {}, ctx) => run(deps, listUsers(deps, request, ctx)),
  deleteUser: (request, ctx) => run(deps, deleteUser(deps, request, ctx)),
  createServiceSpecificCredential: (request, ctx) => run(deps, createServiceSpecificCredential(deps, request, ctx)),
  listServiceSpecificCredentials: (request = {}, ctx) => run(deps, listServiceSpecificCredentials(deps, request, ctx)),
  resetServiceSpecificCredential: (request, ctx) => run(deps, resetServiceSpecificCredential(deps, request, ctx)),
  updateServiceSpecificCredential: (request, ctx) => run(deps, updateServiceSpecificCredential(deps, request, ctx)),
  deleteServiceSpecificCredential: (request, ctx) => run(deps, deleteServiceSpecificCredential(deps, request, ctx)),
  authenticate: (request, ctx) => run(deps, authenticate(deps, request, ctx)),
  authenticateApiKey: (request, ctx) => run(deps, authenticateApiKey(deps, request, ctx)),
});
