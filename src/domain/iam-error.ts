/**
 * The one error type every operation returns. `code` is the AWS wire code (what the AWS SDK matches on), `httpStatus` and `type`
 * are what the Query protocol renders. The protocol edge turns this into HTTP; nothing inside the hexagon knows about HTTP beyond
 * carrying the status AWS assigns to each code.
 */
export type IamErrorCode =
  | 'ValidationError'
  | 'InvalidInput'
  | 'NoSuchEntity'
  | 'NotSupportedService'
  | 'LimitExceeded'
  | 'EntityAlreadyExists'
  | 'DeleteConflict'
  | 'ServiceFailure'
  | 'AuthenticationFailed'
  | 'MalformedPolicyDocument'
  | 'AccessDenied';

export interface IamError {
  readonly code: IamErrorCode;
  readonly message: string;
  readonly httpStatus: number;
  readonly type: 'Sender' | 'Receiver';
  /** Why an authentication failed (unknown / wrong secret / inactive / expired): for logs and tests, never shown to a client. */
  readonly detail?: string;
}

const sender = (code: IamErrorCode, httpStatus: number, message: string): IamError => ({ code, message, httpStatus, type: 'Sender' });

export const validationError = (message: string): IamError => sender('ValidationError', 400, message);

export const invalidInput = (message: string): IamError => sender('InvalidInput', 400, message);

export const noSuchUser = (userName: string): IamError =>
  sender('NoSuchEntity', 404, `The user with name ${userName} cannot be found.`);

export const noSuchCredential = (credentialId: string): IamError =>
  sender('NoSuchEntity', 404, `No such credential ${credentialId} exists`);

/** AWS was observed answering NoSuchEntity for an unsupported service; the model documents NotSupportedService. */
export type UnsupportedServiceErrorCode = 'NoSuchEntity' | 'NotSupportedService';

export const unsupportedService = (serviceName: string, code: UnsupportedServiceErrorCode): IamError =>
  sender(code, 404, `No such service ${serviceName} is supported for Service Specific Credentials`);

const SERVICE_SPECIFIC_CREDENTIAL_QUOTA_NAME = 'ServiceSpecificCredentialsPerUserPerService';

export const quotaExceeded = (quota: number): IamError =>
  sender('LimitExceeded', 409, `Cannot exceed quota for ${SERVICE_SPECIFIC_CREDENTIAL_QUOTA_NAME}: ${quota}`);

export const userAlreadyExists = (userName: string): IamError =>
  sender('EntityAlreadyExists', 409, `User with name ${userName} already exists.`);

export const userHasCredentials = (): IamError =>
  sender('DeleteConflict', 409, 'Cannot delete entity, must remove referenced objects first.');

export const credentialExpired = (credentialId: string, action: 'reactivated' | 'reset'): IamError =>
  invalidInput(`The service-specific credential ${credentialId} has expired and cannot be ${action}.`);

export const serviceFailure = (): IamError => ({
  code: 'ServiceFailure',
  message: 'The request processing has failed because of an unknown error, exception or failure.',
  httpStatus: 500,
  type: 'Receiver',
});

/** One answer for every failed authentication, so a caller cannot tell an unknown name from a wrong secret. */
export const authenticationFailed = (detail: string): IamError => ({
  code: 'AuthenticationFailed',
  message: 'The security token included in the request is invalid.',
  httpStatus: 403,
  type: 'Sender',
  detail,
});

// Policies and groups.

export const noSuchGroup = (groupName: string): IamError => sender('NoSuchEntity', 404, `The group with name ${groupName} cannot be found.`);

export const noSuchInlinePolicy = (holderKind: 'user' | 'group', policyName: string): IamError =>
  sender('NoSuchEntity', 404, `The ${holderKind} policy with name ${policyName} cannot be found.`);

/** GetPolicy and DeletePolicy of a policy that does not exist. */
export const noSuchPolicy = (policyArn: string): IamError => sender('NoSuchEntity', 404, `Policy ${policyArn} was not found.`);

/** Attach of a policy that does not exist (or is in another account), and GetPolicyVersion of a version that does not. */
export const policyNotAttachable = (policyArn: string): IamError =>
  sender('NoSuchEntity', 404, `Policy ${policyArn} does not exist or is not attachable.`);

export const noSuchPolicyVersion = (policyArn: string, versionId: string): IamError =>
  sender('NoSuchEntity', 404, `Policy ${policyArn} version ${versionId} does not exist or is not attachable.`);

/** Detach of a policy the user or group does not have attached. */
export const policyNotAttached = (policyArn: string): IamError => sender('NoSuchEntity', 404, `Policy ${policyArn} was not found.`);

export const policyAlreadyExists = (policyName: string): IamError =>
  sender('EntityAlreadyExists', 409, `A policy called ${policyName} already exists. Duplicate names are not allowed.`);

export const groupAlreadyExists = (groupName: string): IamError => sender('EntityAlreadyExists', 409, `Group with name ${groupName} already exists.`);

/** IAM's quota messages: `Cannot exceed quota for PoliciesPerUser: 10`. */
export const limitExceeded = (quotaName: string, quota: number): IamError => sender('LimitExceeded', 409, `Cannot exceed quota for ${quotaName}: ${quota}`);

export const inlinePolicyTooLarge = (holderKind: 'user' | 'group', holderName: string, maxSize: number): IamError =>
  sender('LimitExceeded', 409, `Maximum policy size of ${maxSize} bytes exceeded for ${holderKind} ${holderName}`);

/** DeleteUser while the user still has inline policies, attached policies or groups, in the order IAM reports them. */
export const userHoldsPolicies = (holds: 'inline-policies' | 'attached-policies' | 'groups'): IamError =>
  sender(
    'DeleteConflict',
    409,
    holds === 'inline-policies'
      ? 'Cannot delete entity, must delete policies first.'
      : holds === 'attached-policies'
        ? 'Cannot delete entity, must detach all policies first.'
        : 'Cannot delete entity, must remove users from group first.',
  );

export const deleteConflict = (message: string): IamError => sender('DeleteConflict', 409, message);

/** A policy document IAM cannot accept (`parsePolicyDocument`); the message is AWS's for the fault found. */
export const malformedPolicyDocument = (message: string): IamError => sender('MalformedPolicyDocument', 400, message);

/** An identity-based policy refused the call; the message comes from `accessDeniedMessage` (domain/policy). */
export const accessDenied = (message: string): IamError => sender('AccessDenied', 403, message);

export const isIamError = (value: unknown): value is IamError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as IamError).code === 'string' &&
  typeof (value as IamError).message === 'string' &&
  typeof (value as IamError).httpStatus === 'number';
