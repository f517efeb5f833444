import type { IamError } from '../../index.js';

/**
 * An error the wire edge answers before (or instead of) running an engine operation: the codes of AWS's "Common Errors" that the
 * engine never produces (MissingAction, InvalidAction, …), in the same shape as the engine's IamError so both render alike.
 */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
  readonly type: 'Sender' | 'Receiver';
}

const sender = (code: string, httpStatus: number, message: string): WireError => ({ code, message, httpStatus, type: 'Sender' });

export const API_VERSION = '2010-05-08';

/** Observed text (real IAM, wrong Version; SES, unknown Action): no trailing period. */
export const invalidAction = (action: string, version: string): WireError =>
  sender('InvalidAction', 400, `Could not find operation ${action} for version ${version}`);

export const missingAction = (): WireError => sender('MissingAction', 400, 'The request must contain the parameter Action');

export const missingVersion = (): WireError => sender('MissingParameter', 400, 'The request must contain the parameter Version');

/** AWS "Common Errors" lists MalformedQueryString with HTTP 404. */
export const malformedQueryString = (): WireError =>
  sender('MalformedQueryString', 404, 'The query string contains a syntax error: malformed percent-encoding or invalid UTF-8.');

export const duplicateParameter = (name: string): WireError =>
  sender('InvalidQueryParameter', 400, `The parameter ${name} must not be given more than once.`);

export const unsupportedContentType = (): WireError =>
  sender('InvalidQueryParameter', 400, 'The request body must be application/x-www-form-urlencoded (AWS Query protocol).');

export const requestEntityTooLarge = (limit: number): WireError =>
  sender('RequestEntityTooLarge', 413, `The request body exceeds the limit of ${limit} bytes.`);

export const methodNotAllowed = (method: string): WireError =>
  sender('MethodNotAllowed', 405, `The HTTP method ${method} is not allowed: the Query protocol takes POST (or GET with a query string).`);

export const fromIamError = (error: IamError): WireError => ({
  code: error.code,
  message: error.message,
  httpStatus: error.httpStatus,
  type: error.type,
});
