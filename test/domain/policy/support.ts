import { evaluatePolicies, parsePolicyDocument } from '../../../src/domain/policy/index.js';
import type { AttachedPolicy, AuthorizationDecision, AuthorizationRequest, ConditionContext, PolicySource, Principal } from '../../../src/domain/policy/index.js';

export const ACCOUNT = '111111111111';

export const user = (userName: string, accountId = ACCOUNT): Principal => ({
  kind: 'user',
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${userName}`,
  userName,
  userId: `AIDA${userName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
});

export const userArn = (userName: string, accountId = ACCOUNT): string => `arn:aws:iam::${accountId}:user/${userName}`;

export const request = (
  principal: Principal,
  action: string,
  resource: string,
  context: ConditionContext = {},
): AuthorizationRequest => ({ principal, action, resource, context });

/** A document from JSON text or a value, parsed as IAM parses it; a test that passes a malformed one fails here. */
export const policy = (document: unknown, source: PolicySource = { kind: 'user-inline', userName: 'alice', policyName: 'p' }): AttachedPolicy => {
  const parsed = parsePolicyDocument(typeof document === 'string' ? document : JSON.stringify(document), { acceptLegacyVersion: true });
  if (parsed.isErr()) throw new Error(`test policy is malformed: ${parsed.error.message}`);
  return { source, document: parsed.value };
};

export const statementPolicy = (statement: Record<string, unknown>, name = 'p'): AttachedPolicy =>
  policy({ Version: '2012-10-17', Statement: [statement] }, { kind: 'user-inline', userName: 'alice', policyName: name });

export const decide = (req: AuthorizationRequest, ...policies: AttachedPolicy[]): AuthorizationDecision['decision'] =>
  evaluatePolicies(req, policies).decision;

/** Whether one condition block lets an Allow statement on everything apply to the request with the given context. */
export const conditionHolds = (condition: Record<string, Record<string, unknown>>, context: ConditionContext, principal: Principal = user('alice')): boolean =>
  decide(request(principal, 'iam:GetUser', userArn('alice'), context), statementPolicy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition })) ===
  'allow';

/**
 * fast-check's run count for a property: `runs`, or fewer when POLICY_PROPERTY_RUNS says so. The mutation run (StrykerJS runs the
 * covering tests once per mutant) sets it low; `npm test` runs every property in full.
 */
export const propertyRuns = (runs: number): { numRuns: number } => ({ numRuns: Math.min(runs, Number(process.env['POLICY_PROPERTY_RUNS'] ?? runs)) });
