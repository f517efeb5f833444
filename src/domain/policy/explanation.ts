import type { AuthorizationDecision, DecidingStatement } from './types.js';

/** A deciding statement as logs and explanations name it: the policy (an ARN, or inline:user/NAME/POLICY), then `#Sid` or `#statement-N`. */
export const deciderName = (statement: DecidingStatement): string => {
  const source = statement.source;
  const policy =
    source.kind === 'managed'
      ? source.policyArn
      : source.kind === 'user-inline'
        ? `inline:user/${source.userName}/${source.policyName}`
        : `inline:group/${source.groupName}/${source.policyName}`;
  return `${policy}#${statement.sid ?? `statement-${String(statement.statementIndex)}`}`;
};

/**
 * Why a decision went as it did, in words: the deciding statements, or that none allows, or that the caller is the account's root
 * (whom identity-based policies do not restrict).
 */
export const explainDecision = (authorization: { readonly decision: AuthorizationDecision; readonly root: boolean }): string => {
  const { decision, root } = authorization;
  if (root) return "the account's root: identity-based policies do not restrict it";
  const statements = decision.deciding.map(deciderName).join(', ');
  if (decision.decision === 'allow') return `allowed by ${statements}`;
  if (decision.decision === 'explicit-deny') return `explicitly denied by ${statements}`;
  return 'no identity-based policy allows the action';
};
