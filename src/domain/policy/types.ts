/**
 * The identity-based policy model: what a parsed policy document is, what is asked of the evaluator and what it answers. Parsed
 * documents are plain data (no closures), so a store or an authorizer can keep them and evaluate them many times without parsing
 * again; everything the evaluator would otherwise recompute per request (lower-cased action patterns, templates split around their
 * policy variables, condition operators decoded) is done once by `parsePolicyDocument`.
 */

/** `2012-10-17` enables policy variables; `2008-10-17` (also what a document without `Version` gets) reads `${…}` literally. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/**
 * One piece of a string that may hold policy variables: text as written (where `*` and `?` are wildcards for the operators that
 * have wildcards), a character escaped with `${*}`, `${?}` or `${$}` (always literal), or a variable to substitute.
 */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  /** `key` is lower-cased (context keys are case-insensitive); `fallback` is the `${key, 'default'}` default, when given. */
  | { readonly kind: 'variable'; readonly key: string; readonly fallback?: string };

/**
 * A value as written (`raw`) and, when it holds policy variables under version 2012-10-17, its parts. `parts` is absent when the
 * value is a plain literal, the common case, so matching it needs no substitution.
 */
export interface Template {
  readonly raw: string;
  readonly parts?: readonly TemplatePart[];
}

export interface ActionBlock {
  /** `NotAction`: the statement applies to every action except these. */
  readonly negated: boolean;
  /** As written, and lower-cased for matching (actions are case-insensitive). */
  readonly patterns: readonly string[];
  readonly lowerCasePatterns: readonly string[];
}

export interface ResourceBlock {
  /** `NotResource`: the statement applies to every resource except these. */
  readonly negated: boolean;
  readonly patterns: readonly Template[];
}

/** The condition operators AWS documents, without their `IfExists` suffix or set qualifier. */
export type ConditionOperatorBase =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

/** One `"Operator": { "key": values }` pair of a statement's `Condition`; a statement's conditions all have to hold. */
export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  readonly base: ConditionOperatorBase;
  readonly ifExists: boolean;
  readonly set?: SetQualifier;
  /** The key as written, and lower-cased for the look-up. */
  readonly key: string;
  readonly lowerCaseKey: string;
  /** Several values: any one of them may match (OR). */
  readonly values: readonly Template[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly action: ActionBlock;
  readonly resource: ResourceBlock;
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/** Where a policy came from: it names the policy in a decision's explanation and in the access log. */
export type PolicySource =
  | { readonly kind: 'user-inline'; readonly userName: string; readonly policyName: string }
  | { readonly kind: 'group-inline'; readonly groupName: string; readonly policyName: string }
  | { readonly kind: 'managed'; readonly policyArn: string; readonly policyName: string };

export interface AttachedPolicy {
  readonly source: PolicySource;
  readonly document: PolicyDocument;
}

/**
 * Who is calling. `root` is the account itself, which identity-based policies do not restrict: the evaluator evaluates whatever
 * it is given, and the caller (the authorizer) decides not to ask it for a root principal.
 */
export interface Principal {
  readonly kind: 'root' | 'user';
  readonly accountId: string;
  readonly arn: string;
  readonly userName?: string;
  readonly userId?: string;
}

/**
 * The request's condition keys and their values: a string, or a list for a multivalued key. Keys are compared without regard to
 * case, as AWS compares them. The principal's own keys (`aws:username`, `aws:userid`, `aws:PrincipalArn`, `aws:PrincipalAccount`,
 * `aws:PrincipalType`) are derived from the principal; a key given here as well wins.
 */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export interface AuthorizationRequest {
  readonly principal: Principal;
  /** `service:Action`, e.g. `iam:CreateServiceSpecificCredential`. */
  readonly action: string;
  /** The resource's ARN, e.g. `arn:aws:iam::111111111111:user/bob`. */
  readonly resource: string;
  readonly context: ConditionContext;
}

/** A statement that decided: its policy, its `Sid` when it has one, and its position in the policy's `Statement` (from 0). */
export interface DecidingStatement {
  readonly source: PolicySource;
  readonly sid?: string;
  readonly statementIndex: number;
}

/**
 * `explicit-deny`: some statement denies (`deciding` lists every denying statement); `allow`: none denies and some allows
 * (`deciding` lists the allowing ones); `implicit-deny`: nothing applies (`deciding` is empty).
 */
export interface AuthorizationDecision {
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  readonly deciding: readonly DecidingStatement[];
}
