import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { toCredentialMetadata } from '../domain/credential.js';
import { type IamError, invalidInput } from '../domain/iam-error.js';
import { decodeCredentialMarker, encodeCredentialMarker } from '../domain/marker.js';
import type {
  ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse,
  ServiceSpecificCredentialMetadata,
} from '../domain/shapes.js';
import { allUsersSpec, markerSpec, maxItemsSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import type { CredentialPage, CredentialQuery } from '../ports/credential-store.port.js';
import { type EngineDependencies, portFailure, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { lookupUser } from './find-user.js';
import { decodeMarker, DEFAULT_MAX_ITEMS } from './paging.js';

const listSpecs = [userNameSpec(false), serviceNameSpec(false), allUsersSpec, markerSpec, maxItemsSpec];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  const query: Mutable<CredentialQuery> = { accountId: resolved.value, limit: input.MaxItems ?? DEFAULT_MAX_ITEMS };
  if (!allUsers) {
    const subject = subjectUserName(input.UserName, ctx);
    if (subject.isErr()) return err(subject.error);
    const user = await lookupUser(deps, query.accountId, subject.value);
    if (user.isErr()) return err(user.error);
    query.ownerId = user.value.userId;
  }
  if (input.ServiceName !== undefined) {
    const service = findService(deps, input.ServiceName);
    if (service.isErr()) return err(service.error);
    query.serviceName = input.ServiceName;
  }
  const after = decodeMarker(input.Marker, decodeCredentialMarker);
  if (after.isErr()) return err(after.error);
  if (after.value !== undefined) query.after = after.value;

  let page: CredentialPage;
  try {
    page = await deps.store.listCredentials(query);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  const now = deps.clock.now();
  const credentials: ServiceSpecificCredentialMetadata[] = [];
  for (const record of page.items) credentials.push(toCredentialMetadata(record, now));
  const last = page.items.at(-1);
  return ok(
    page.hasMore && last !== undefined
      ? { ServiceSpecificCredentials: credentials, Marker: encodeCredentialMarker(last), IsTruncated: true }
      : { ServiceSpecificCredentials: credentials, IsTruncated: page.hasMore },
  );
};

export const listServiceSpecificCredentials = (
  deps: EngineDependencies,
  request: ListServiceSpecificCredentialsRequest,
  ctx?: RequestContext,
): ResultAsync<ListServiceSpecificCredentialsResponse, IamError> => new ResultAsync(run(deps, request, ctx));
