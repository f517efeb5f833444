import type { Result } from 'neverthrow';
import type { IamError } from '../domain/iam-error.js';
import type { AuthorizationDecision, AuthorizationRequest } from '../domain/policy/types.js';

/**
 * Decides whether a principal may perform an action on a resource. The default adapter gathers the user's identity-based policies
 * (inline, attached, its groups') and calls `evaluatePolicies`; an emulator that embeds the engine may bring its own.
 *
 * Root principals: identity-based policies do not restrict an account's root, so whoever enforces does not ask the authorizer for
 * a root principal (an authorizer asked anyway answers with what the policies it finds say).
 *
 * The answer is the decision (allow, explicit or implicit deny) with the statements that decided it; an `IamError` only when the
 * adapter itself fails (its store is unreachable), which the operation answers as it answers any failing port. An adapter whose
 * work is synchronous also offers `Immediate<Authorizer>` (ports/immediate.port.ts), the same method answering at once.
 */
export interface Authorizer {
  authorize(request: AuthorizationRequest): Promise<Result<AuthorizationDecision, IamError>>;
}
