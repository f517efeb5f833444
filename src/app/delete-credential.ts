import { err, ok } from 'neverthrow';
import type { DeleteServiceSpecificCredentialRequest, EmptyResponse } from '../domain/shapes.js';
import { compileValidator, credentialIdSpec, userNameSpec } from '../domain/validation.js';
import { type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import type { Operation } from './operation.js';
import { deleteCredentialOf, findSubjectUser } from './subject-user.js';

const validate = compileValidator<DeleteServiceSpecificCredentialRequest>([userNameSpec(false), credentialIdSpec]);

/** Validation, the account, the subject user; then the store deletes the credential only if it is that user's. */
export function* deleteServiceSpecificCredential(
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Operation<EmptyResponse> {
  const input = validate(request);
  if (input.isErr()) return err(input.error);
  const credentialId = input.value.ServiceSpecificCredentialId;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(input.value.UserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = yield* findSubjectUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  // Another user's id is answered exactly like an id that does not exist.
  const deleted = yield* deleteCredentialOf(deps, user.value, credentialId);
  return deleted.isOk() ? ok({}) : err(deleted.error);
}
