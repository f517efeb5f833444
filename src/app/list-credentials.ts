import { type ResultAsync, err, errAsync, ok, okAsync, type Result, safeTry } from 'neverthrow';
import { toCredentialMetadata } from '../domain/credential.js';
import { type IamError, invalidInput, validationError } from '../domain/iam-error.js';
import { decodeCredentialMarker, encodeCredentialMarker } from '../domain/marker.js';
import type { CredentialPosition } from '../domain/credential.js';
import type { ListServiceSpecificCredentialsRequest, ListServiceSpecificCredentialsResponse } from '../domain/shapes.js';
import { allUsersSpec, markerSpec, maxItemsSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { findUser } from './find-user.js';

const listSpecs = [userNameSpec(false), serviceNameSpec(false), allUsersSpec, markerSpec, maxItemsSpec];

export const DEFAULT_MAX_ITEMS = 100;

/** What IAM emulators answer for a marker the service did not issue; real AWS's text for it is unrecorded. */
export const invalidMarker = (): IamError => validationError('Invalid Marker.');

const decodeMarker = (marker: string | undefined): Result<CredentialPosition | undefined, IamError> => {
  if (marker === undefined) return ok(undefined);
  const position = decodeCredentialMarker(marker);
  return position === undefined ? err(invalidMarker()) : ok(position);
};

export const listServiceSpecificCredentials = (
  deps: EngineDependencies,
  request: ListServiceSpecificCredentialsRequest,
  ctx?: RequestContext,
): ResultAsync<ListServiceSpecificCredentialsResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<ListServiceSpecificCredentialsRequest>(request ?? {}, listSpecs);
    const allUsers = input.AllUsers === true;
    if (allUsers && input.UserName !== undefined) {
      return errAsync(invalidInput('AllUsers cannot be specified together with UserName.'));
    }
    const accountId = yield* resolveAccountId(deps, ctx);
    const ownerId = allUsers ? undefined : (yield* findUser(deps, accountId, yield* subjectUserName(input.UserName, ctx))).userId;
    if (input.ServiceName !== undefined) yield* findService(deps, input.ServiceName);
    const after = yield* decodeMarker(input.Marker);
    const limit = input.MaxItems ?? DEFAULT_MAX_ITEMS;

    const page = yield* callPort(deps, () =>
      deps.store.listCredentials({
        accountId,
        limit,
        ...(ownerId === undefined ? {} : { ownerId }),
        ...(input.ServiceName === undefined ? {} : { serviceName: input.ServiceName }),
        ...(after === undefined ? {} : { after }),
      }),
    );
    const now = deps.clock.now();
    const last = page.items.at(-1);
    return okAsync({
      ServiceSpecificCredentials: page.items.map((record) => toCredentialMetadata(record, now)),
      ...(page.hasMore && last !== undefined ? { Marker: encodeCredentialMarker(last) } : {}),
      IsTruncated: page.hasMore,
    });
  });
