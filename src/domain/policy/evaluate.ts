import { clauseMatches } from './conditions.js';
import { RequestContext, resolveTemplate } from './context.js';
import type { AttachedPolicy, AuthorizationDecision, AuthorizationRequest, DecidingStatement, PolicyStatement, Template, TemplatePart } from './types.js';
import { starSegments, starSegmentsMatch, wildcardMatchRange, wildcardMatchText } from './wildcard.js';

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
 * A Resource/NotResource pattern made ready to match: without variables, its pieces between stars (`starSegments`) or, when it
 * holds a `?`, its text for the general matcher; with variables, its parts, substituted per request.
 */
type ResourcePattern =
  | { readonly kind: 'stars'; readonly segments: readonly string[] }
  | { readonly kind: 'wildcard'; readonly text: string }
  | { readonly kind: 'template'; readonly parts: readonly TemplatePart[] };

const resourcePattern = (template: Template): ResourcePattern => {
  if (template.parts !== undefined) return { kind: 'template', parts: template.parts };
  const segments = starSegments(template.raw);
  return segments === undefined ? { kind: 'wildcard', text: template.raw } : { kind: 'stars', segments };
};

/** Whether the resource matches the pattern; undefined when a variable of the pattern has no value in the request. */
const resourceMatches = (pattern: ResourcePattern, resource: string, context: RequestContext): boolean | undefined => {
  switch (pattern.kind) {
    case 'stars':
      return starSegmentsMatch(pattern.segments, resource);
    case 'wildcard':
      return wildcardMatchText(pattern.text, resource);
    case 'template': {
      const resolved = resolveTemplate(pattern.parts, context);
      if (resolved === undefined) return undefined;
      return wildcardMatchRange(resolved.text, resolved.literal, 0, resolved.text.length, resource, 0, resource.length);
    }
  }
};

/** A statement of a policy, ready to evaluate: its Resource patterns prepared, and what it names when it decides. */
interface PreparedStatement {
  readonly statement: PolicyStatement;
  readonly resourceNegated: boolean;
  readonly resources: readonly ResourcePattern[];
  readonly deciding: DecidingStatement;
}

/**
 * `Resource`/`NotResource`: ARNs compare case-sensitively, with `*` and `?` (a `*` may run across the ARN's colons, as AWS allows
 * at the end of a segment); variables are substituted first. A `Resource` pattern whose variable has no value matches nothing
 * (another pattern of the list may match); in `NotResource` such a pattern makes the statement not apply, since whether the
 * resource is outside it cannot be known.
 */
const resourceApplies = (prepared: PreparedStatement, resource: string, context: RequestContext): boolean => {
  const negated = prepared.resourceNegated;
  for (const pattern of prepared.resources) {
    const matched = resourceMatches(pattern, resource, context);
    if (matched === undefined) {
      if (negated) return false;
      continue;
    }
    // A listed resource matches: Resource applies, NotResource does not.
    if (matched) return !negated;
  }
  return negated;
};

/** At most this many actions' statement lists are kept per prepared set (a caller may ask about any string). */
const ACTIONS_KEPT = 256;

/**
 * Policies made ready to evaluate many times (the authorizer keeps them for a user while the user's policies stay the same): each
 * statement's resources prepared once, and, per action asked about, the statements whose Action/NotAction applies to it, worked
 * out on the first request for that action and kept (the answer depends on the action alone).
 */
export class PreparedPolicies {
  private readonly statements: readonly PreparedStatement[];
  private readonly byAction = new Map<string, readonly PreparedStatement[]>();

  constructor(policies: readonly AttachedPolicy[]) {
    const statements: PreparedStatement[] = [];
    for (const { source, document } of policies) {
      document.statements.forEach((statement, statementIndex) => {
        statements.push({
          statement,
          resourceNegated: statement.resource.negated,
          resources: statement.resource.patterns.map(resourcePattern),
          deciding: statement.sid === undefined ? { source, statementIndex } : { source, sid: statement.sid, statementIndex },
        });
      });
    }
    this.statements = statements;
  }

  /** The statements whose Action/NotAction applies to `action` (as the request spells it), in the policies' order. */
  statementsFor(action: string): readonly PreparedStatement[] {
    let found = this.byAction.get(action);
    if (found === undefined) {
      const lowerCaseAction = action.toLowerCase();
      found = this.statements.filter((prepared) => actionApplies(prepared.statement, lowerCaseAction));
      if (this.byAction.size >= ACTIONS_KEPT) this.byAction.clear();
      this.byAction.set(action, found);
    }
    return found;
  }
}

/**
 * AWS's evaluation of identity-based policies (inline, attached managed, the groups'), made ready by `PreparedPolicies`: an
 * explicit Deny in any statement wins; otherwise an Allow allows; otherwise the request is implicitly denied. The decision names
 * the statements that decided it: every denying statement, or every allowing one. Pure in what it answers: the same request and
 * policies always give the same decision, whatever the order of the policies or their statements (only the order of `deciding`
 * follows them).
 *
 * Root principals are not restricted by identity-based policies; that is the caller's choice (it does not ask), not this
 * function's: given a root principal, it evaluates the policies it is given like any other.
 */
export const evaluatePreparedPolicies = (request: AuthorizationRequest, policies: PreparedPolicies): AuthorizationDecision => {
  const context = new RequestContext(request);
  const { resource } = request;
  let denies: DecidingStatement[] | undefined;
  let allows: DecidingStatement[] | undefined;
  for (const prepared of policies.statementsFor(request.action)) {
    if (!resourceApplies(prepared, resource, context)) continue;
    let holds = true;
    for (const clause of prepared.statement.conditions) {
      if (!clauseMatches(clause, context)) {
        holds = false;
        break;
      }
    }
    if (!holds) continue;
    if (prepared.statement.effect === 'Deny') (denies ??= []).push(prepared.deciding);
    else (allows ??= []).push(prepared.deciding);
  }
  if (denies !== undefined) return { decision: 'explicit-deny', deciding: denies };
  if (allows !== undefined) return { decision: 'allow', deciding: allows };
  return IMPLICIT_DENY;
};

/** `evaluatePreparedPolicies` over policies prepared for this one request. */
export const evaluatePolicies = (request: AuthorizationRequest, policies: readonly AttachedPolicy[]): AuthorizationDecision =>
  evaluatePreparedPolicies(request, new PreparedPolicies(policies));
