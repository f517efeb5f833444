import type { IamError } from '../domain/iam-error.js';
import type { AuthorizationDecision, AuthorizationRequest } from '../domain/policy/index.js';
import type { Result } from 'neverthrow';
import type { EngineDependencies } from './engine-dependencies.js';
import { answerOf, type Operation, type Step } from './operation.js';

/** The authorizer's decision, as a step of an operation (an enforcing operation asks it before it changes anything). */
export const authorizationOf = (deps: EngineDependencies, request: AuthorizationRequest): Step<Result<AuthorizationDecision, IamError>> =>
  answerOf(deps.authorizer.authorize(request));

/** `engine.authorize(request)`: the decision alone, for embedders and for the endpoint's enforcement. */
export function* authorize(deps: EngineDependencies, request: AuthorizationRequest): Operation<AuthorizationDecision> {
  return yield* authorizationOf(deps, request);
}
