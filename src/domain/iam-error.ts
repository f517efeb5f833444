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
