import { err, ok } from 'neverthrow';
import { isCredentialPosition, toCredentialMetadata } from '../domain/credential.js';
import { invalidInput } from '../domain/iam-error.js';
import { decodeCredentialMarker, encodeCredentialMarker } from '../domain/marker.js';
import type {
  ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse,
  ServiceSpecificCredentialMetadata,
} from '../domain/shapes.js';
import { allUsersSpec, compileValidator, markerSpec, maxItemsSpec, serviceNameSpec, userNameSpec } from '../domain/validation.js';
import type { CredentialQuery } from '../ports/credential-store.port.js';
import { type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findService } from './find-service.js';
import type { Operation } from './operation.js';
import { failAfterUser, findSubjectUser, listCredentialsOf, type SubjectUser } from './subject-user.js';
import { DEFAULT_MAX_ITEMS, readMarker } from './paging.js';

const validate = compileValidator<ListServiceSpecificCredentialsRequest>([
  userNameSpec(false),
  serviceNameSpec(false),
  allUsersSpec,
  markerSpec,
  maxItemsSpec,
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Validation, AllUsers against UserName, the account, the subject user unless AllUsers, the service, the marker; then one page. */
export function* listServiceSpecificCredentials(
  deps: EngineDependencies,
  request: ListServiceSpecificCredentialsRequest,
  ctx: RequestContext | undefined,
): Operation<ListServiceSpecificCredentialsResponse> {
  const validated = validate(request);
  if (validated.isErr()) return err(validated.error);
  const { UserName: userName, ServiceName: serviceName, AllUsers, Marker: marker, MaxItems: maxItems } = validated.value;
  const allUsers = AllUsers === true;
  if (allUsers && userName !== undefined) return err(invalidInput('AllUsers cannot be specified together with UserName.'));
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const query: Mutable<CredentialQuery> = { accountId: accountId.value, limit: maxItems ?? DEFAULT_MAX_ITEMS };
  let user: SubjectUser | undefined;
  if (!allUsers) {
    const subject = subjectUserName(userName, ctx);
    if (subject.isErr()) return err(subject.error);
    const found = yield* findSubjectUser(deps, query.accountId, subject.value);
    if (found.isErr()) return err(found.error);
    user = found.value;
  }
  if (serviceName !== undefined) {
    const service = findService(deps, serviceName);
    if (service.isErr()) return yield* failAfterUser(deps, user, service.error);
    query.serviceName = serviceName;
  }
  // A marker must name a position a credential can have, whatever the store could make of another.
  const after = readMarker(marker, decodeCredentialMarker, isCredentialPosition);
  if (after.isErr()) return yield* failAfterUser(deps, user, after.error);
  if (after.value !== undefined) query.after = after.value;

  const listed = yield* listCredentialsOf(deps, user, query);
  if (listed.isErr()) return err(listed.error);
  const page = listed.value;
  const now = deps.clock.now();
  const credentials: ServiceSpecificCredentialMetadata[] = [];
  for (const record of page.items) credentials.push(toCredentialMetadata(record, now));
  const last = page.items.at(-1);
  return ok(
    page.hasMore && last !== undefined
      ? { ServiceSpecificCredentials: credentials, Marker: encodeCredentialMarker(last), IsTruncated: true }
      : { ServiceSpecificCredentials: credentials, IsTruncated: page.hasMore },
  );
}
