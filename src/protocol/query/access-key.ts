import { type QueryHeaders, headerValue } from './handle-query-request.js';

/** The access key id of a SigV4 credential scope `AKID/date/region/service/aws4_request`. */
const ACCESS_KEY_ID = /^[A-Za-z0-9]{1,128}$/;

export const isAccessKeyId = (value: string): boolean => ACCESS_KEY_ID.test(value);

const fromCredentialScope = (scope: string): string | undefined => {
  const accessKeyId = scope.split('/')[0]?.trim();
  return accessKeyId !== undefined && ACCESS_KEY_ID.test(accessKeyId) ? accessKeyId : undefined;
};

/**
 * The access key id a SigV4-signed request names: from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/…` or, for a presigned URL,
 * the `X-Amz-Credential` query parameter. The signature is not checked: this only tells which account (and caller) to act as.
 */
export const accessKeyIdOf = (headers: QueryHeaders | undefined, queryString?: string): string | undefined => {
  const header = headerValue(headers, 'authorization');
  if (header !== undefined) {
    const match = /^\s*AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^,\s]+)/i.exec(header);
    if (match?.[1] !== undefined) return fromCredentialScope(match[1]);
  }
  if (queryString !== undefined && queryString !== '') {
    try {
      const credential = new URLSearchParams(queryString).get('X-Amz-Credential');
      if (credential !== null) return fromCredentialScope(credential);
    } catch {
      return undefined;
    }
  }
  return undefined;
};
