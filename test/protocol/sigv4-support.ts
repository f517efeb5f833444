import { IAMClient } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import type { IamRequestHandler } from '../../src/protocol/query/index.js';
import { NodeSha256, type SignedRequest } from '../../src/protocol/sigv4/verify-signature.js';

export interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const KEY_A: Key = { accessKeyId: 'AKIDTEAMA', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYA' };
export const KEY_B: Key = { accessKeyId: 'AKIDTEAMB', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYB' };
export const SECRETS = new Map<string, string>([
  [KEY_A.accessKeyId, KEY_A.secretAccessKey],
  [KEY_B.accessKeyId, KEY_B.secretAccessKey],
]);

/**
 * The real IAM client, signing with `key` (one attempt: a refusal is not retried), of an endpoint at a URL or answered in-process by
 * a request handler.
 */
export const signedClient = (where: string | IamRequestHandler, key: Key): IAMClient =>
  new IAMClient({ region: 'us-east-1', ...(typeof where === 'string' ? { endpoint: where } : { requestHandler: where }), credentials: key, maxAttempts: 1 });

/** The AWS SDK's signer, as a client uses it. */
export const signer = (key: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1', service = 'iam'): SignatureV4 =>
  new SignatureV4({ service, region, credentials: key, sha256: NodeSha256 });

const encode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A smithy HttpRequest as the server receives it. */
export const asReceived = (request: HttpRequest, now: Date): SignedRequest => {
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${encode(name)}=${encode(String(v ?? ''))}`))
    .join('&');
  const body = request.body as string | Uint8Array | undefined;
  return { method: request.method, path: request.path, queryString: query, headers: { ...request.headers }, body: body ?? '', now };
};

/** What the real SDK sends for one command, captured instead of sent. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any IAM command
export const sdkRequest = async (command: any, key: Key): Promise<HttpRequest> => {
  let captured: HttpRequest | undefined;
  const client = new IAMClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4599',
    credentials: key,
    maxAttempts: 1,
    requestHandler: {
      handle: (request: HttpRequest) => {
        captured = request;
        return Promise.reject(new Error('captured, not sent'));
      },
    },
  });
  await (client.send(command) as Promise<unknown>).catch(() => undefined);
  if (captured === undefined) throw new Error('the SDK sent nothing');
  return captured;
};
