import { ResultAsync, err, ok, type Result } from 'neverthrow';
import { toCredentialMetadata } from '../domain/credential.js';
import { type IamError, invalidInput, validationError } from '../domain/iam-error.js';
import { decodeCredentialMarker, encodeCredentialMarker } from '../domain/marker.js';
import type { CredentialPosition } from '../domain/credential.js';
import type { ListServiceSpecificCredentialsRequest, ListServiceSpecificCredentialsResponse } from '../domain/shapes.js';
import { allUsersSpec, markerSpec, maxItemsSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { awaitPort, type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { lookupUser } from './find-user.js';

const listSpecs = [userNameSpec(false), serviceNameSpec(false), allUsersSpec, markerSpec, maxItemsSpec];

export const DEFAULT_MAX_ITEMS = 100;

/** What IAM emulators answer for a marker the service did not issue; real AWS's text for it is unrecorded. */
export const invalidMarker = (): IamError => validationError('Invalid Marker.');

const decodeMarker = (marker: string | undefined): Result<CredentialPosition | undefined, IamError> => {
  if (marker === undefined) return ok(undefined);
  const position = decodeCredentialMarker(marker);
  return position === undefined ? err(invalidMarker()) : ok(position);
};

const run = async (
  deps: EngineDependencies,
  request: ListServiceSpecificCredentialsRequest,
  ctx: RequestContext | undefined,
): Promise<Result<ListServiceSpecificCredentialsResponse, IamError>> => {
  const validated = validateRequest<ListServiceSpecificCredentialsRequest>(request ?? {}, listSpecs);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const allUsers = input.AllUsers === true;
  if (allUsers && input.UserName !== undefined) {
    return err(invalidInput('AllUsers cannot be specified together with UserName.'));
  }
  const resolved = resolveAccountId(deps, ctx);
  if (resolved.isErr()) return err(resolved.error);
  const accountId = resolved.value;
  let ownerId: string | undefined;
  if (!allUsers) {
    const subject = subjectUserName(input.UserName, ctx);
    if (subject.isErr()) return err(subject.error);
    const user = await lookupUser(deps, accountId, subject.value);
    if (user.isErr()) return err(user.error);
    ownerId = user.value.userId;
  }
  if (input.ServiceName !== undefined) {
    const service = findService(deps, input.ServiceName);
    if (service.isErr()) return err(service.error);
  }
  const decoded = decodeMarker(input.Marker);
  if (decoded.isErr()) return err(decoded.error);
  const after = decoded.value;
  const limit = input.MaxItems ?? DEFAULT_MAX_ITEMS;

  const listed = await awaitPort(deps, () =>
    deps.store.listCredentials({
      accountId,
      limit,
      ...(ownerId === undefined ? {} : { ownerId }),
      ...(input.ServiceName === undefined ? {} : { serviceName: input.ServiceName }),
      ...(after === undefined ? {} : { after }),
    }),
  );
  if (listed.isErr()) return err(listed.error);
  const page = listed.value;
  const now = deps.clock.now();
  const last = page.items.at(-1);
  return ok({
    ServiceSpecificCredentials: page.items.map((record) => toCredentialMetadata(record, now)),
    ...(page.hasMore && last !== undefined ? { Marker: encodeCredentialMarker(last) } : {}),
    IsTruncated: page.hasMore,
  });
};

export const listServiceSpecificCredentials = (
  deps: EngineDependencies,
  request: ListServiceSpecificCredentialsRequest,
  ctx?: RequestContext,
): ResultAsync<ListServiceSpecificCredentialsResponse, IamError> => new ResultAsync(run(deps, request, ctx));
