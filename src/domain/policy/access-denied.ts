import type { AuthorizationDecision, AuthorizationRequest } from './types.js';

/**
 * IAM's AccessDenied message for a refused request, as AWS words it for an identity-based policy: who, which action, on which
 * resource, and whether nothing allowed it or a statement denied it. It names no policy (AWS does not).
 */
export const accessDeniedMessage = (request: AuthorizationRequest, decision: AuthorizationDecision): string => {
  const subject = `User: ${request.principal.arn} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  return decision.decision === 'explicit-deny'
    ? `${subject} with an explicit deny in an identity-based policy`
    : `${subject} because no identity-based policy allows the ${request.action} action`;
};
