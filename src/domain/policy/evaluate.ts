import { clauseMatches } from './conditions.js';
import { RequestContext, resolveTemplate } from './context.js';
import type { AttachedPolicy, AuthorizationDecision, AuthorizationRequest, DecidingStatement, PolicySource, PolicyStatement } from './types.js';
import { wildcardMatchRange, wildcardMatchText } from './wildcard.js';

const IMPLICIT_DENY: AuthorizationDecision = Object.freeze({ decision: 'implicit-deny', deciding: Object.freeze([]) });

/** `Action`/`NotAction`: actions compare without regard to case, with `*` and `?`. */
const actionApplies = (statement: PolicyStatement, lowerCaseAction: string): boolean => {
  const { negated, lowerCasePatterns } = statement.action;
  let matched = false;
  for (const pattern of lowerCasePatterns) {
    if (wildcardMatchText(pattern, lowerCaseAction)) {
      matched = true;
      break;
    }
  }
  return matched !== negated;
};

/**
 * `Resource`/`NotResource`: ARNs compare case-sensitively, with `*` and `?` (a `*` may run across the ARN's colons, as AWS allows
 * at the end of a segment); variables are substituted first. A `Resource` pattern whose variable has no value matches nothing
 * (another pattern of the list may match); in `NotResource` such a pattern makes the statement not apply, since whether the
 * resource is outside it cannot be known.
 */
const resourceApplies = (statement: PolicyStatement, resource: string, context: RequestContext): boolean => {
  const { negated, patterns } = statement.resource;
  for (const pattern of patterns) {
    let text = pattern.raw;
    let literal: Uint8Array | undefined;
    if (pattern.parts !== undefined) {
      const resolved = resolveTemplate(pattern.parts, context);
      if (resolved === undefined) {
        if (negated) return false;
        continue;
      }
      text = resolved.text;
      literal = resolved.literal;
    }
    // A listed resource matches: Resource applies, NotResource does not.
    if (wildcardMatchRange(text, literal, 0, text.length, resource, 0, resource.length)) return !negated;
  }
  return negated;
};

/** Whether the statement applies to the request: its action, its resource, and every condition (ANDed). */
export const statementApplies = (statement: PolicyStatement, lowerCaseAction: string, request: AuthorizationRequest, context: RequestContext): boolean => {
  if (!actionApplies(statement, lowerCaseAction)) return false;
  if (!resourceApplies(statement, request.resource, context)) return false;
  for (const clause of statement.conditions) if (!clauseMatches(clause, context)) return false;
  return true;
};

const deciding = (source: PolicySource, statement: PolicyStatement, statementIndex: number): DecidingStatement =>
  statement.sid === undefined ? { source, statementIndex } : { source, sid: statement.sid, statementIndex };

/**
 * AWS's evaluation of identity-based policies (inline, attached managed, the groups'): an explicit Deny in any statement wins;
 * otherwise an Allow allows; otherwise the request is implicitly denied. The decision names the statements that decided it: every
 * denying statement, or every allowing one. Pure: the same request and policies always give the same decision, whatever the order
 * of the policies or their statements (only the order of `deciding` follows them).
 *
 * Root principals are not restricted by identity-based policies; that is the caller's choice (it does not ask), not this
 * function's: given a root principal, it evaluates the policies it is given like any other.
 */
export const evaluatePolicies = (request: AuthorizationRequest, policies: readonly AttachedPolicy[]): AuthorizationDecision => {
  const lowerCaseAction = request.action.toLowerCase();
  const context = new RequestContext(request);
  let denies: DecidingStatement[] | undefined;
  let allows: DecidingStatement[] | undefined;
  for (const policy of policies) {
    const statements = policy.document.statements;
    for (let index = 0; index < statements.length; index += 1) {
      const statement = statements[index] as PolicyStatement;
      if (!statementApplies(statement, lowerCaseAction, request, context)) continue;
      if (statement.effect === 'Deny') (denies ??= []).push(deciding(policy.source, statement, index));
      else (allows ??= []).push(deciding(policy.source, statement, index));
    }
  }
  if (denies !== undefined) return { decision: 'explicit-deny', deciding: denies };
  if (allows !== undefined) return { decision: 'allow', deciding: allows };
  return IMPLICIT_DENY;
};
