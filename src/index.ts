export { createCredentialEngine, DEFAULT_ACCOUNT_ID } from './create-credential-engine.js';
export type { CredentialEngine, CredentialEngineOptions } from './app/credential-engine.js';
export type { RequestContext } from './app/engine-dependencies.js';

export type { IamError, IamErrorCode, UnsupportedServiceErrorCode } from './domain/iam-error.js';
export { isIamError } from './domain/iam-error.js';
export type * from './domain/shapes.js';
export { defaultServiceCatalogue } from './domain/service-catalogue.js';
export type { ServiceCatalogue, ServiceCredentialKind } from './domain/service-catalogue.js';
export type { CredentialRecord, CredentialPosition } from './domain/credential.js';
export { compareCredentialPositions } from './domain/credential.js';
export type { UserRecord } from './domain/user.js';
export { userNameKey } from './domain/user.js';
export { serviceUserNameKey, serviceUserNameFamilyPrefixes } from './domain/service-user-name.js';
export type { StoredStatus } from './domain/expiry.js';
export type { SecretDigest } from './domain/secrets.js';

export type { Clock } from './ports/clock.port.js';
export type { RandomSource } from './ports/random.port.js';
export type * from './ports/credential-store.port.js';
export type * from './ports/user-directory.port.js';
export type * from './ports/policy-store.port.js';
export type { AwsManagedPolicies } from './ports/aws-managed-policies.port.js';
export type { GroupMember, GroupRecord, InlinePolicyRecord, ManagedPolicyRecord, PolicyHolder } from './domain/iam-policies.js';

export { createInMemoryStore } from './adapters/memory/in-memory-store.js';
export { createInMemoryUserDirectory } from './adapters/memory/in-memory-user-directory.js';
export { createInMemoryPolicyStore } from './adapters/memory/in-memory-policy-store.js';
export { awsManagedPolicies } from './adapters/aws-managed/aws-managed-policies.js';
export { systemClock } from './adapters/system/system-clock.js';
export { cryptoRandom } from './adapters/system/crypto-random.js';
export { createManualClock } from './adapters/deterministic/manual-clock.js';
export type { ManualClock } from './adapters/deterministic/manual-clock.js';
export { createSeededRandom } from './adapters/deterministic/seeded-random.js';

export { authenticateHttpAuthorization, authenticateSaslPlain } from './app/authenticate-presented.js';
export type { AuthenticateHttpAuthorizationRequest, AuthenticateSaslPlainRequest } from './app/authenticate-presented.js';
export type { PresentedCredential } from './domain/presented-credential.js';

export type {
  AccessKey,
  AccessKeyMetadata,
  AccessKeyRecord,
  AccessKeyStatus,
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  SigningKey,
  UpdateAccessKeyRequest,
} from './domain/access-key.js';
export type * from './ports/access-key-store.port.js';
export { createInMemoryAccessKeyStore } from './adapters/memory/in-memory-access-key-store.js';

export { evaluatePolicies, parsePolicyDocument, accessDeniedMessage, explainDecision } from './domain/policy/index.js';
export type * from './domain/policy/types.js';
export type { ParsePolicyOptions } from './domain/policy/index.js';
export type { Authorizer } from './ports/authorizer.port.js';
export type { ActionAuthorization, ActionCall, CallFacts, PrincipalActionCall } from './app/authorize-operation.js';
