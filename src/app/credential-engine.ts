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
  AddUserToGroupRequest,
  AttachGroupPolicyRequest,
  AttachUserPolicyRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  CreatePolicyRequest,
  CreatePolicyResponse,
  DeleteGroupPolicyRequest,
  DeleteGroupRequest,
  DeletePolicyRequest,
  DeleteUserPolicyRequest,
  DetachGroupPolicyRequest,
  DetachUserPolicyRequest,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  GetGroupRequest,
  GetGroupResponse,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListAttachedGroupPoliciesRequest,
  ListAttachedPoliciesResponse,
  ListAttachedUserPoliciesRequest,
  ListGroupPoliciesRequest,
  ListGroupsForUserRequest,
  ListGroupsRequest,
  ListGroupsResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
  ListPolicyNamesResponse,
  ListUserPoliciesRequest,
  PutGroupPolicyRequest,
  PutUserPolicyRequest,
  RemoveUserFromGroupRequest,
} from '../domain/shapes.js';
import type {
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  SigningKey,
  UpdateAccessKeyRequest,
} from '../domain/access-key.js';
import type { AccessKeyStore } from '../ports/access-key-store.port.js';
import type { AuthorizationDecision, AuthorizationRequest } from '../domain/policy/index.js';
import type { Authorizer } from '../ports/authorizer.port.js';
import type { AwsManagedPolicies } from '../ports/aws-managed-policies.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { PolicyStore } from '../ports/policy-store.port.js';
import type { CredentialStore } from '../ports/credential-store.port.js';
import type { RandomSource } from '../ports/random.port.js';
import type { UserDirectory } from '../ports/user-directory.port.js';
import { createAccessKey, deleteAccessKey, findSigningKey, listAccessKeys, updateAccessKey } from './access-keys.js';
import { authenticate, authenticateApiKey } from './authenticate.js';
import { type ActionAuthorization, type ActionCall, authorizeAction, authorizePrincipal, type PrincipalActionCall } from './authorize-operation.js';
import { authorize } from './authorize.js';
import { createServiceSpecificCredential } from './create-credential.js';
import { deleteServiceSpecificCredential } from './delete-credential.js';
import type { EngineDependencies, RequestContext } from './engine-dependencies.js';
import { listServiceSpecificCredentials } from './list-credentials.js';
import { run } from './operation.js';
import { attachUserPolicy, deleteUserPolicy, detachUserPolicy, getUserPolicy, listAttachedUserPolicies, listUserPolicies, putUserPolicy } from './user-policies.js';
import { createPolicy, deletePolicy, getPolicy, getPolicyVersion, listPolicies } from './managed-policies.js';
import { addUserToGroup, attachGroupPolicy, createGroup, deleteGroup, deleteGroupPolicy, detachGroupPolicy, getGroup, getGroupPolicy, listAttachedGroupPolicies, listGroupPolicies, listGroups, listGroupsForUser, putGroupPolicy, removeUserFromGroup } from './groups.js';
import { resetServiceSpecificCredential } from './reset-credential.js';
import { updateServiceSpecificCredential } from './update-credential.js';
import { createUser, deleteUser, getUser, listUsers } from './users.js';

export interface CredentialEngineOptions {
  /** The account requests act in unless their context names another. Default `123456789012`. */
  readonly accountId?: string;
  readonly store?: CredentialStore;
  readonly users?: UserDirectory;
  /** Where users' access keys are kept. Default: in memory. */
  readonly accessKeys?: AccessKeyStore;
  /** Policies and groups. Default: in memory. */
  readonly policies?: PolicyStore;
  /** The AWS managed policies. Default: the snapshot shipped with the library (their latest versions). */
  readonly awsManagedPolicies?: AwsManagedPolicies;
  /** Decides what a principal may do. Default: the principal user's policies in `policies`, evaluated by `evaluatePolicies`. */
  readonly authorizer?: Authorizer;
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
  createAccessKey(request?: CreateAccessKeyRequest, ctx?: RequestContext): ResultAsync<CreateAccessKeyResponse, IamError>;
  listAccessKeys(request?: ListAccessKeysRequest, ctx?: RequestContext): ResultAsync<ListAccessKeysResponse, IamError>;
  updateAccessKey(request: UpdateAccessKeyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  deleteAccessKey(request: DeleteAccessKeyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  /**
   * Not an IAM API: the access key this engine issued with this id, with its secret and whose it is, for a SigV4 check (the endpoint
   * and the in-process handler call it for a key id no static secret covers). Undefined when there is no such key.
   */
  findSigningKey(accessKeyId: string): ResultAsync<SigningKey | undefined, IamError>;
  /**
   * Not an IAM API: whether the caller (`ctx`) may perform a Query action with these members, decided as AWS decides it before
   * the action runs (the action's resource ARN, the condition keys, the authorizer; root never restricted). The endpoint's and the
   * in-process handler's enforcement (`enforceIam`) call it; the action itself is not run.
   */
  authorizeAction(call: ActionCall, ctx?: RequestContext): ResultAsync<ActionAuthorization, IamError>;

  /**
   * Not an IAM API: whether an authenticated principal (its account, and its user unless root) may perform a service's action on a
   * resource, with the service's condition keys: the front doors call it after a login (`codecommit:GitPush`, `bedrock:InvokeModel`,
   * `cassandra:Select`), and so may an embedder's emulated service. The answer carries the request as asked (the principal's ARN
   * with its path, the context with the global keys) and the decision with its deciding statements.
   */
  authorizePrincipal(call: PrincipalActionCall): ResultAsync<ActionAuthorization, IamError>;

  /**
   * Whether the principal may perform the action on the resource, by the engine's authorizer (by default: the user's policies in
   * the policy store), with the statements that decided. Root principals are not restricted by identity policies: a caller that
   * enforces does not ask for them.
   */
  authorize(request: AuthorizationRequest): ResultAsync<AuthorizationDecision, IamError>;

  // Policies and groups.
  putUserPolicy(request: PutUserPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  getUserPolicy(request: GetUserPolicyRequest, ctx?: RequestContext): ResultAsync<GetUserPolicyResponse, IamError>;
  listUserPolicies(request: ListUserPoliciesRequest, ctx?: RequestContext): ResultAsync<ListPolicyNamesResponse, IamError>;
  deleteUserPolicy(request: DeleteUserPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  attachUserPolicy(request: AttachUserPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  detachUserPolicy(request: DetachUserPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  listAttachedUserPolicies(request: ListAttachedUserPoliciesRequest, ctx?: RequestContext): ResultAsync<ListAttachedPoliciesResponse, IamError>;
  createPolicy(request: CreatePolicyRequest, ctx?: RequestContext): ResultAsync<CreatePolicyResponse, IamError>;
  getPolicy(request: GetPolicyRequest, ctx?: RequestContext): ResultAsync<GetPolicyResponse, IamError>;
  getPolicyVersion(request: GetPolicyVersionRequest, ctx?: RequestContext): ResultAsync<GetPolicyVersionResponse, IamError>;
  listPolicies(request?: ListPoliciesRequest, ctx?: RequestContext): ResultAsync<ListPoliciesResponse, IamError>;
  deletePolicy(request: DeletePolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  createGroup(request: CreateGroupRequest, ctx?: RequestContext): ResultAsync<CreateGroupResponse, IamError>;
  getGroup(request: GetGroupRequest, ctx?: RequestContext): ResultAsync<GetGroupResponse, IamError>;
  listGroups(request?: ListGroupsRequest, ctx?: RequestContext): ResultAsync<ListGroupsResponse, IamError>;
  deleteGroup(request: DeleteGroupRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  addUserToGroup(request: AddUserToGroupRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  removeUserFromGroup(request: RemoveUserFromGroupRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  listGroupsForUser(request: ListGroupsForUserRequest, ctx?: RequestContext): ResultAsync<ListGroupsResponse, IamError>;
  putGroupPolicy(request: PutGroupPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  getGroupPolicy(request: GetGroupPolicyRequest, ctx?: RequestContext): ResultAsync<GetGroupPolicyResponse, IamError>;
  listGroupPolicies(request: ListGroupPoliciesRequest, ctx?: RequestContext): ResultAsync<ListPolicyNamesResponse, IamError>;
  deleteGroupPolicy(request: DeleteGroupPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  attachGroupPolicy(request: AttachGroupPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  detachGroupPolicy(request: DetachGroupPolicyRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError>;
  listAttachedGroupPolicies(request: ListAttachedGroupPoliciesRequest, ctx?: RequestContext): ResultAsync<ListAttachedPoliciesResponse, IamError>;
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
  createAccessKey: (request = {}, ctx) => run(deps, createAccessKey(deps, request, ctx)),
  listAccessKeys: (request = {}, ctx) => run(deps, listAccessKeys(deps, request, ctx)),
  updateAccessKey: (request, ctx) => run(deps, updateAccessKey(deps, request, ctx)),
  deleteAccessKey: (request, ctx) => run(deps, deleteAccessKey(deps, request, ctx)),
  findSigningKey: (accessKeyId) => run(deps, findSigningKey(deps, accessKeyId)),
  authorizeAction: (call, ctx) => run(deps, authorizeAction(deps, call, ctx)),
  authorizePrincipal: (call) => run(deps, authorizePrincipal(deps, call)),
  authorize: (request) => run(deps, authorize(deps, request)),
  putUserPolicy: (request, ctx) => run(deps, putUserPolicy(deps, request, ctx)),
  getUserPolicy: (request, ctx) => run(deps, getUserPolicy(deps, request, ctx)),
  listUserPolicies: (request, ctx) => run(deps, listUserPolicies(deps, request, ctx)),
  deleteUserPolicy: (request, ctx) => run(deps, deleteUserPolicy(deps, request, ctx)),
  attachUserPolicy: (request, ctx) => run(deps, attachUserPolicy(deps, request, ctx)),
  detachUserPolicy: (request, ctx) => run(deps, detachUserPolicy(deps, request, ctx)),
  listAttachedUserPolicies: (request, ctx) => run(deps, listAttachedUserPolicies(deps, request, ctx)),
  createPolicy: (request, ctx) => run(deps, createPolicy(deps, request, ctx)),
  getPolicy: (request, ctx) => run(deps, getPolicy(deps, request, ctx)),
  getPolicyVersion: (request, ctx) => run(deps, getPolicyVersion(deps, request, ctx)),
  listPolicies: (request = {}, ctx) => run(deps, listPolicies(deps, request, ctx)),
  deletePolicy: (request, ctx) => run(deps, deletePolicy(deps, request, ctx)),
  createGroup: (request, ctx) => run(deps, createGroup(deps, request, ctx)),
  getGroup: (request, ctx) => run(deps, getGroup(deps, request, ctx)),
  listGroups: (request = {}, ctx) => run(deps, listGroups(deps, request, ctx)),
  deleteGroup: (request, ctx) => run(deps, deleteGroup(deps, request, ctx)),
  addUserToGroup: (request, ctx) => run(deps, addUserToGroup(deps, request, ctx)),
  removeUserFromGroup: (request, ctx) => run(deps, removeUserFromGroup(deps, request, ctx)),
  listGroupsForUser: (request, ctx) => run(deps, listGroupsForUser(deps, request, ctx)),
  putGroupPolicy: (request, ctx) => run(deps, putGroupPolicy(deps, request, ctx)),
  getGroupPolicy: (request, ctx) => run(deps, getGroupPolicy(deps, request, ctx)),
  listGroupPolicies: (request, ctx) => run(deps, listGroupPolicies(deps, request, ctx)),
  deleteGroupPolicy: (request, ctx) => run(deps, deleteGroupPolicy(deps, request, ctx)),
  attachGroupPolicy: (request, ctx) => run(deps, attachGroupPolicy(deps, request, ctx)),
  detachGroupPolicy: (request, ctx) => run(deps, detachGroupPolicy(deps, request, ctx)),
  listAttachedGroupPolicies: (request, ctx) => run(deps, listAttachedGroupPolicies(deps, request, ctx)),
});
