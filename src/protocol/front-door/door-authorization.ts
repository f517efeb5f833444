import { okAsync, type ResultAsync } from 'neverthrow';
import type { ActionAuthorization, CallFacts, PrincipalActionCall } from '../../app/authorize-operation.js';
import type { CredentialEngine, IamError } from '../../index.js';
import { type AccountMap } from '../query/account-map.js';
import { decisionLine, type EnforceIamOptions } from '../query/enforcement.js';
import type { SecretAccessKeys } from '../sigv4/verify-signature.js';
import type { DoorName } from './login-attempt.js';

/** The region in the doors' resource ARNs (CodeCommit repositories, Bedrock models, Keyspaces keyspaces) unless told otherwise. */
export const DEFAULT_DOOR_REGION = 'us-east-1';

/** The access keys a door may verify a SigV4 signature with (Bedrock's short-term keys are presigned URLs): as the endpoint's. */
export interface DoorSigningKeys {
  /** `--access-key` secrets, by key id. Keys the engine issued (CreateAccessKey) are found through the engine. */
  readonly secretAccessKeys: SecretAccessKeys;
  /** Which account (and user) each static key acts as. */
  readonly accountMap?: AccountMap | undefined;
  /** The account a static key without a mapping acts in. */
  readonly defaultAccountId?: string | undefined;
  /** The verifier's clock, for the signature's date and expiry. Default: the system's. */
  readonly now?: (() => Date) | undefined;
}

/** What every door knows about authorisation, beside its login observers. */
export interface DoorAuthorizationOptions {
  /** `--enforce-iam`: authorise each request by the caller's IAM policies (`on` refuses, `soft` only logs). Absent: off. */
  readonly enforceIam?: EnforceIamOptions | undefined;
  /** The region of the resource ARNs a door authorises on. Default `us-east-1` (`--region`). */
  readonly region?: string | undefined;
  /** The keys a short-term Bedrock key may be signed with; absent, short-term keys are refused. */
  readonly signingKeys?: DoorSigningKeys | undefined;
}

/**
 * A door's verdict on one request of an authenticated principal: go on, or refuse. `authorization` is the decision as asked (absent
 * when enforcement is off: nothing was asked).
 */
export type DoorVerdict =
  | { readonly allowed: true; readonly authorization: ActionAuthorization | undefined }
  | { readonly allowed: false; readonly authorization: ActionAuthorization };

const ALLOWED_UNASKED: DoorVerdict = { allowed: true, authorization: undefined };

/**
 * Authorises one action at a door when enforcement is on: logs the decision's line (with the door), tells the dashboard, and
 * refuses only in `on` mode. Off: allowed without asking. An error only when the decision itself failed (a store unreachable).
 */
export const authorizeAtDoor = (
  engine: CredentialEngine,
  options: DoorAuthorizationOptions,
  door: DoorName,
  call: PrincipalActionCall,
): ResultAsync<DoorVerdict, IamError> => {
  const enforcement = options.enforceIam;
  if (enforcement === undefined) return okAsync(ALLOWED_UNASKED);
  return engine.authorizePrincipal(call).map((authorization): DoorVerdict => {
    enforcement.log?.(decisionLine(authorization, enforcement.mode, door));
    enforcement.onDecision?.(authorization, enforcement.mode, door);
    if (authorization.decision.decision === 'allow' || enforcement.mode === 'soft') return { allowed: true, authorization };
    return { allowed: false, authorization };
  });
};

/** The facts a door knows about a request: the client's address and, for a door without TLS, that it was not secure. */
export const doorFacts = (remoteAddress: string | undefined, region: string): CallFacts => ({
  ...(remoteAddress === undefined ? {} : { sourceIp: remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress }),
  secureTransport: false,
  region,
});
