/**
 * The policies AWS documents for service-specific credentials, evaluated as IAM evaluates them:
 *  - the AWS managed policy IAMSelfManageServiceSpecificCredentials (AWS Managed Policy reference);
 *  - the condition keys iam:ServiceSpecificCredentialServiceName and iam:ServiceSpecificCredentialAgeDays on
 *    CreateServiceSpecificCredential (Amazon Bedrock user guide, "Control permissions for generating and using Amazon Bedrock API
 *    keys": "only allow the creation of API keys that expire within 90 days", "only allow the creation of API keys for Amazon
 *    Bedrock and not other services"), and AWS's sample policy that denies Bedrock API keys of 30 days or more.
 */
import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, evaluatePolicies, parsePolicyDocument } from '../../../src/domain/policy/index.js';
import type { AttachedPolicy, ConditionContext } from '../../../src/domain/policy/index.js';
import { request, user, userArn } from './support.js';

const managed = (name: string, text: string, accountId = 'aws'): AttachedPolicy => ({
  source: { kind: 'managed', policyArn: `arn:aws:iam::${accountId}:policy/${name}`, policyName: name },
  document: parsePolicyDocument(text)._unsafeUnwrap(),
});

const SELF_MANAGE = managed(
  'IAMSelfManageServiceSpecificCredentials',
  `{ "Version" : "2012-10-17", "Statement" : [ { "Effect" : "Allow", "Action" : [ "iam:CreateServiceSpecificCredential",
     "iam:ListServiceSpecificCredentials", "iam:UpdateServiceSpecificCredential", "iam:DeleteServiceSpecificCredential",
     "iam:ResetServiceSpecificCredential" ], "Resource" : "arn:aws:iam::*:user/\${aws:username}" } ] }`,
);

const CREDENTIAL_ACTIONS = [
  'iam:CreateServiceSpecificCredential',
  'iam:ListServiceSpecificCredentials',
  'iam:UpdateServiceSpecificCredential',
  'iam:DeleteServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
];

const create = (context: ConditionContext, principal = user('alice'), target = 'alice') =>
  request(principal, 'iam:CreateServiceSpecificCredential', userArn(target, principal.accountId), context);

const bedrock = (ageDays?: number): ConditionContext => ({
  'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com',
  ...(ageDays === undefined ? {} : { 'iam:ServiceSpecificCredentialAgeDays': String(ageDays) }),
});
const CODECOMMIT: ConditionContext = { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' };

describe('IAMSelfManageServiceSpecificCredentials', () => {
  it.each(CREDENTIAL_ACTIONS)('lets a user %s on its own user', (action) => {
    expect(evaluatePolicies(request(user('alice'), action, userArn('alice')), [SELF_MANAGE])).toEqual({
      decision: 'allow',
      deciding: [{ source: SELF_MANAGE.source, statementIndex: 0 }],
    });
  });

  it.each(CREDENTIAL_ACTIONS)('does not let a user %s on another user (the account part is a wildcard, so the same name elsewhere matches)', (action) => {
    expect(evaluatePolicies(request(user('alice'), action, userArn('bob')), [SELF_MANAGE]).decision).toBe('implicit-deny');
    expect(evaluatePolicies(request(user('alice'), action, userArn('alice', '222222222222')), [SELF_MANAGE]).decision).toBe('allow');
  });

  it('compares the user name case-sensitively, and grants nothing else', () => {
    expect(evaluatePolicies(request(user('alice'), 'iam:CreateServiceSpecificCredential', userArn('Alice')), [SELF_MANAGE]).decision).toBe('implicit-deny');
    expect(evaluatePolicies(request(user('alice'), 'iam:CreateAccessKey', userArn('alice')), [SELF_MANAGE]).decision).toBe('implicit-deny');
  });

  it("a denial of another user's credential is worded as AWS words it", () => {
    const req = request(user('alice'), 'iam:CreateServiceSpecificCredential', userArn('bob'));
    expect(accessDeniedMessage(req, evaluatePolicies(req, [SELF_MANAGE]))).toBe(
      'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential on resource: arn:aws:iam::111111111111:user/bob because no identity-based policy allows the iam:CreateServiceSpecificCredential action',
    );
  });
});

describe('the credential condition keys on CreateServiceSpecificCredential', () => {
  it('AWS sample: deny Bedrock API keys of 30 days or more (a key without expiry has no age, so the Deny does not reach it)', () => {
    const deny30 = managed(
      'DenyBedrockKeysLongerThan30Days',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Action: 'iam:CreateServiceSpecificCredential',
            Resource: '*',
            Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' }, NumericGreaterThanEquals: { 'iam:ServiceSpecificCredentialAgeDays': '30' } },
          },
        ],
      }),
      '111111111111',
    );
    const policies = [SELF_MANAGE, deny30];
    expect(evaluatePolicies(create(bedrock(30)), policies).decision).toBe('explicit-deny');
    expect(evaluatePolicies(create(bedrock(365)), policies).decision).toBe('explicit-deny');
    expect(evaluatePolicies(create(bedrock(29)), policies).decision).toBe('allow');
    expect(evaluatePolicies(create(bedrock()), policies).decision).toBe('allow');
    expect(evaluatePolicies(create(CODECOMMIT), policies).decision).toBe('allow');
    const req = create(bedrock(365));
    expect(accessDeniedMessage(req, evaluatePolicies(req, policies))).toBe(
      'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential on resource: arn:aws:iam::111111111111:user/alice with an explicit deny in an identity-based policy',
    );
  });

  it('a Deny of ages above 90 refuses a 365-day Bedrock key and allows a 30-day one', () => {
    const guard = managed(
      'BedrockKeysWithin90Days',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'NoLongKeys', Effect: 'Deny', Action: 'iam:CreateServiceSpecificCredential', Resource: '*', Condition: { NumericGreaterThan: { 'iam:ServiceSpecificCredentialAgeDays': '90' } } }],
      }),
      '111111111111',
    );
    expect(evaluatePolicies(create(bedrock(365)), [SELF_MANAGE, guard])).toEqual({
      decision: 'explicit-deny',
      deciding: [{ source: guard.source, sid: 'NoLongKeys', statementIndex: 0 }],
    });
    expect(evaluatePolicies(create(bedrock(30)), [SELF_MANAGE, guard]).decision).toBe('allow');
    expect(evaluatePolicies(create(bedrock(90)), [SELF_MANAGE, guard]).decision).toBe('allow');
  });

  it('only keys that expire within 90 days: an Allow on the age, which a key without expiry does not satisfy', () => {
    const within90 = managed(
      'AllowKeysWithin90Days',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:CreateServiceSpecificCredential', Resource: 'arn:aws:iam::*:user/${aws:username}', Condition: { NumericLessThanEquals: { 'iam:ServiceSpecificCredentialAgeDays': '90' } } }],
      }),
      '111111111111',
    );
    expect(evaluatePolicies(create(bedrock(90)), [within90]).decision).toBe('allow');
    expect(evaluatePolicies(create(bedrock(91)), [within90]).decision).toBe('implicit-deny');
    expect(evaluatePolicies(create(bedrock()), [within90]).decision).toBe('implicit-deny');
  });

  it('a Deny on the service name refuses CodeCommit and allows Bedrock', () => {
    const noCodeCommit = managed(
      'NoCodeCommitPasswords',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:CreateServiceSpecificCredential', Resource: '*', Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } } }],
      }),
      '111111111111',
    );
    expect(evaluatePolicies(create(CODECOMMIT), [SELF_MANAGE, noCodeCommit]).decision).toBe('explicit-deny');
    expect(evaluatePolicies(create(bedrock(30)), [SELF_MANAGE, noCodeCommit]).decision).toBe('allow');
  });

  it('only Bedrock API keys: an Allow on the service name', () => {
    const onlyBedrock = managed(
      'OnlyBedrockKeys',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:CreateServiceSpecificCredential', Resource: '*', Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' } } }],
      }),
      '111111111111',
    );
    expect(evaluatePolicies(create(bedrock()), [onlyBedrock]).decision).toBe('allow');
    expect(evaluatePolicies(create(CODECOMMIT), [onlyBedrock]).decision).toBe('implicit-deny');
    expect(evaluatePolicies(create({ 'iam:ServiceSpecificCredentialServiceName': 'cassandra.amazonaws.com' }), [onlyBedrock]).decision).toBe('implicit-deny');
  });
});
