import type { WireError } from '../query/wire-error.js';

/**
 * IAM's answers to a request that is not signed as it must be. Codes and statuses: AWS "Common Errors"; texts: observed on AWS's Query
 * services (STS, SES, SQS, CloudFormation share IAM's SigV4 front end) where recorded, else our decision (docs/fidelity.md).
 */
const sender = (code: string, httpStatus: number, message: string): WireError => ({ code, message, httpStatus, type: 'Sender' });

export const missingAuthenticationToken = (): WireError => sender('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');

export const invalidClientTokenId = (): WireError =>
  sender('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');

export const incompleteSignature = (message: string): WireError => sender('IncompleteSignature', 400, message);

export const signatureDoesNotMatch = (message: string): WireError => sender('SignatureDoesNotMatch', 403, message);

export const SIGNATURE_MISMATCH_TEXT =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
  'Consult the service documentation for details.';

/** The wrong-signature answer, with the canonical request and string to sign the endpoint computed (as AWS's Query services give). */
export const wrongSignature = (canonicalRequest: string, stringToSign: string): WireError =>
  signatureDoesNotMatch(
    `${SIGNATURE_MISMATCH_TEXT}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );

export const requestExpired = (): WireError => sender('RequestExpired', 400, 'Request has expired.');
