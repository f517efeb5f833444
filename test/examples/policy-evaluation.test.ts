import { accessDeniedMessage, evaluatePolicies, parsePolicyDocument, type AttachedPolicy, type Principal } from 'iam-service-credentials';
import { expect, it } from 'vitest';

// Parse once (IAM's MalformedPolicyDocument checks), keep the parsed document, evaluate it as often as needed.
const parsed = parsePolicyDocument(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:*ServiceSpecificCredential*', Resource: 'arn:aws:iam::*:user/${aws:username}' },
      {
        Sid: 'NoLongLivedKeys',
        Effect: 'Deny',
        Action: 'iam:CreateServiceSpecificCredential',
        Resource: '*',
        Condition: { NumericGreaterThan: { 'iam:ServiceSpecificCredentialAgeDays': '90' } },
      },
    ],
  }),
);
if (parsed.isErr()) throw new Error(parsed.error.message);
const policies: AttachedPolicy[] = [{ source: { kind: 'user-inline', userName: 'alice', policyName: 'credentials' }, document: parsed.value }];

const alice: Principal = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userName: 'alice' };
const create = (userName: string, ageDays: string) => ({
  principal: alice,
  action: 'iam:CreateServiceSpecificCredential',
  resource: `arn:aws:iam::111111111111:user/${userName}`,
  context: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com', 'iam:ServiceSpecificCredentialAgeDays': ageDays },
});

it('alice may create a 30-day Bedrock key for herself, not a 365-day one, and nothing for bob', () => {
  expect(evaluatePolicies(create('alice', '30'), policies).decision).toBe('allow');

  const tooLong = evaluatePolicies(create('alice', '365'), policies);
  expect(tooLong).toEqual({
    decision: 'explicit-deny',
    deciding: [{ source: policies[0]?.source, sid: 'NoLongLivedKeys', statementIndex: 1 }],
  });

  const forBob = create('bob', '30');
  expect(accessDeniedMessage(forBob, evaluatePolicies(forBob, policies))).toBe(
    'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential ' +
      'on resource: arn:aws:iam::111111111111:user/bob because no identity-based policy allows the iam:CreateServiceSpecificCredential action',
  );
});
