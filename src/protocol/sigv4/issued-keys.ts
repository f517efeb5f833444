import { ResultAsync, errAsync } from 'neverthrow';
import type { SigningKey } from '../../domain/access-key.js';
import { serviceFailure } from '../../domain/iam-error.js';
import type { CredentialEngine } from '../../index.js';
import { accessKeyIdOf } from '../query/access-key.js';
import { type AccountMap, type RequestIdentity, keyIdentity } from '../query/account-map.js';
import { type WireError, fromIamError } from '../query/wire-error.js';
import { type SecretAccessKeys, type SignedRequest, verifySignature } from './verify-signature.js';

/** The static secrets, and one key the engine issued: the static ones win (they are the operator's, given at start). */
class StaticAndIssued extends Map<string, string> {
  constructor(
    private readonly staticKeys: SecretAccessKeys,
    private readonly issued: SigningKey,
  ) {
    super();
  }

  override get(accessKeyId: string): string | undefined {
    const keys = this.staticKeys;
    if (keys instanceof Map) {
      const found = keys.get(accessKeyId);
      if (found !== undefined) return found;
    } else if (Object.hasOwn(keys, accessKeyId)) {
      return (keys as Readonly<Record<string, string>>)[accessKeyId];
    }
    return accessKeyId === this.issued.accessKeyId ? this.issued.secretAccessKey : undefined;
  }

  override has(accessKeyId: string): boolean {
    return this.get(accessKeyId) !== undefined;
  }
}

const hasStaticKey = (keys: SecretAccessKeys, accessKeyId: string): boolean =>
  keys instanceof Map ? keys.has(accessKeyId) : Object.hasOwn(keys, accessKeyId);

/** Who a request signed with an issued key acts as: the key's user, in the key's account. */
const issuedIdentity = (key: SigningKey): RequestIdentity => ({
  accountId: key.accountId,
  callerUserName: key.userName,
  principal: { kind: 'user', accountId: key.accountId, arn: `arn:aws:iam::${key.accountId}:user/${key.userName}`, userName: key.userName, userId: key.userId },
});

/**
 * Verifies a request's signature against the static secrets and, for a key id none of them holds, against the access key the engine
 * issued with that id, if it is Active. An Inactive, deleted or unknown key is refused as AWS refuses it (`InvalidClientTokenId`),
 * after the same format checks as any other key. The answer is who the request acts as: a static key's account mapping (its
 * account, and its user when it has one), or the issued key's user.
 */
export const verifyWithIssuedKeys = (
  engine: CredentialEngine,
  request: SignedRequest,
  staticKeys: SecretAccessKeys,
  accountMap: AccountMap | undefined,
  defaultAccountId: string | undefined,
): ResultAsync<RequestIdentity, WireError> => {
  const named = accessKeyIdOf(request.headers, request.queryString);
  const byStaticKey = (): ResultAsync<RequestIdentity, WireError> =>
    verifySignature(request, staticKeys).map(({ accessKeyId }) => keyIdentity(accountMap, defaultAccountId, accessKeyId));
  // An engine of the embedder's own making may issue no keys at all.
  if (named === undefined || hasStaticKey(staticKeys, named) || typeof engine.findSigningKey !== 'function') return byStaticKey();
  let lookup: ResultAsync<SigningKey | undefined, unknown>;
  try {
    lookup = engine.findSigningKey(named);
  } catch {
    // An embedder's engine that throws: answered as the engine answers its own failures.
    return errAsync(fromIamError(serviceFailure()));
  }
  return lookup
    .mapErr((): WireError => fromIamError(serviceFailure()))
    .andThen((issued) => {
      if (issued?.status !== 'Active') return byStaticKey();
      return verifySignature(request, new StaticAndIssued(staticKeys, issued)).map(({ accessKeyId }) =>
        accessKeyId === issued.accessKeyId && !hasStaticKey(staticKeys, accessKeyId) ? issuedIdentity(issued) : keyIdentity(accountMap, defaultAccountId, accessKeyId),
      );
    });
};
