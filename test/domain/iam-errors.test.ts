import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authenticationFailed,
  credentialExpired,
  invalidInput,
  isIamError,
  noSuchCredential,
  noSuchUser,
  quotaExceeded,
  serviceFailure,
  unsupportedService,
  userAlreadyExists,
  userHasCredentials,
  validationError,
} from '../../src/domain/iam-error.js';

describe('IamError: one error per business failure, with the code, status and type AWS gives it', () => {
  it('each failure has its code, HTTP status, fault side and message', () => {
    expect(validationError('m')).toEqual({ code: 'ValidationError', httpStatus: 400, type: 'Sender', message: 'm' });
    expect(invalidInput('m')).toEqual({ code: 'InvalidInput', httpStatus: 400, type: 'Sender', message: 'm' });
    expect(noSuchUser('bob')).toEqual({ code: 'NoSuchEntity', httpStatus: 404, type: 'Sender', message: 'The user with name bob cannot be found.' });
    expect(noSuchCredential('ACCAX')).toEqual({ code: 'NoSuchEntity', httpStatus: 404, type: 'Sender', message: 'No such credential ACCAX exists' });
    for (const code of ['NoSuchEntity', 'NotSupportedService'] as const) {
      expect(unsupportedService('s3.amazonaws.com', code)).toEqual({
        code,
        httpStatus: 404,
        type: 'Sender',
        message: 'No such service s3.amazonaws.com is supported for Service Specific Credentials',
      });
    }
    expect(quotaExceeded(2)).toEqual({
      code: 'LimitExceeded',
      httpStatus: 409,
      type: 'Sender',
      message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2',
    });
    expect(userAlreadyExists('Bob')).toEqual({ code: 'EntityAlreadyExists', httpStatus: 409, type: 'Sender', message: 'User with name Bob already exists.' });
    expect(userHasCredentials()).toEqual({
      code: 'DeleteConflict',
      httpStatus: 409,
      type: 'Sender',
      message: 'Cannot delete entity, must remove referenced objects first.',
    });
    expect(credentialExpired('ACCAX', 'reset')).toEqual(invalidInput('The service-specific credential ACCAX has expired and cannot be reset.'));
    expect(credentialExpired('ACCAX', 'reactivated').message).toBe('The service-specific credential ACCAX has expired and cannot be reactivated.');
    expect(serviceFailure()).toEqual({
      code: 'ServiceFailure',
      httpStatus: 500,
      type: 'Receiver',
      message: 'The request processing has failed because of an unknown error, exception or failure.',
    });
    expect(authenticationFailed('wrong secret')).toEqual({
      code: 'AuthenticationFailed',
      httpStatus: 403,
      type: 'Sender',
      message: 'The security token included in the request is invalid.',
      detail: 'wrong secret',
    });
  });

  it('isIamError recognises every error the engine makes, and nothing without a string code, a string message and a number status', () => {
    for (const error of [validationError('m'), noSuchUser('x'), serviceFailure(), authenticationFailed('d'), quotaExceeded(2)]) expect(isIamError(error)).toBe(true);
    fc.assert(
      fc.property(
        fc.record({ code: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), message: fc.oneof(fc.string(), fc.constant(null)), httpStatus: fc.oneof(fc.integer(), fc.string()) }),
        (value) => {
          expect(isIamError(value)).toBe(typeof value.code === 'string' && typeof value.message === 'string' && typeof value.httpStatus === 'number');
        },
      ),
    );
    for (const value of [null, undefined, 'ValidationError', 400, new Error('x')]) expect(isIamError(value)).toBe(false);
  });
});
