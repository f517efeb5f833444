import fc from 'fast-check';
import type { ConditionContext } from '../../../src/domain/policy/index.js';

/**
 * Generated identity policies and requests over a small universe (three users, two accounts, the five credential actions and
 * GetUser, the condition keys the endpoint knows), so that generated statements often apply and often collide.
 */
export const ACCOUNTS = ['111111111111', '222222222222'] as const;
export const USERS = ['alice', 'bob', 'carol'] as const;
export const ACTIONS = [
  'iam:CreateServiceSpecificCredential',
  'iam:DeleteServiceSpecificCredential',
  'iam:ListServiceSpecificCredentials',
  'iam:ResetServiceSpecificCredential',
  'iam:UpdateServiceSpecificCredential',
  'iam:GetUser',
  'iam:TagUser',
] as const;
export const SERVICES = ['codecommit.amazonaws.com', 'bedrock.amazonaws.com', 'cassandra.amazonaws.com'] as const;

export const actionPattern = fc.oneof(
  fc.constantFrom(...ACTIONS),
  fc.constantFrom('*', 'iam:*', 'iam:*ServiceSpecificCredential*', 'iam:Create*', 'iam:?eleteServiceSpecificCredential', 's3:*', 'iam:Get*', 'IAM:createservicespecificcredential'),
);

export const resourcePattern = fc.oneof(
  fc.constant('*'),
  fc.tuple(fc.constantFrom(...ACCOUNTS, '*'), fc.constantFrom(...USERS, '*', 'a*', '?ob', '${aws:username}')).map(([account, name]) => `arn:aws:iam::${account}:user/${name}`),
  fc.constantFrom('arn:aws:iam::${aws:PrincipalAccount}:user/*', 'arn:aws:iam::*:user/${aws:username}-*', 'arn:aws:iam::*:group/*'),
);

const stringKey = fc.constantFrom('iam:ServiceSpecificCredentialServiceName', 'aws:username', 'aws:RequestedRegion', 'aws:PrincipalTag/team');
const stringValue = fc.constantFrom(...SERVICES, 'alice', 'bob', 'red', 'us-east-1', 'eu-west-1', 'bedrock*', '*.amazonaws.com', 'a?ice', '${aws:username}');

/** One `"Operator": { key: values }` block, as JSON, over keys that a request may or may not carry. */
export const conditionBlock: fc.Arbitrary<Record<string, Record<string, string | string[]>>> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'),
      fc.boolean(),
      stringKey,
      fc.array(stringValue, { minLength: 1, maxLength: 3 }),
    )
    .map(([operator, ifExists, key, values]) => ({ [`${operator}${ifExists ? 'IfExists' : ''}`]: { [key]: values } })),
  fc
    .tuple(
      fc.constantFrom('NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'),
      fc.boolean(),
      fc.array(fc.constantFrom('1', '30', '90', '365', '90.5'), { minLength: 1, maxLength: 2 }),
    )
    .map(([operator, ifExists, values]) => ({ [`${operator}${ifExists ? 'IfExists' : ''}`]: { 'iam:ServiceSpecificCredentialAgeDays': values } })),
  fc
    .tuple(
      fc.constantFrom('DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'),
      fc.constantFrom('2026-01-01T00:00:00Z', '2026-06-01T12:00:00Z', '1780315200', '2027-01-01'),
    )
    .map(([operator, value]) => ({ [operator]: { 'aws:CurrentTime': value } })),
  fc.tuple(fc.constantFrom('IpAddress', 'NotIpAddress'), fc.array(fc.constantFrom('10.0.0.0/8', '192.168.1.1', '2001:db8::/32', '0.0.0.0/0'), { minLength: 1, maxLength: 2 })).map(([operator, values]) => ({ [operator]: { 'aws:SourceIp': values } })),
  fc.constantFrom('true', 'false').map((value) => ({ Bool: { 'aws:SecureTransport': value } })),
  fc
    .tuple(fc.constantFrom('ArnLike', 'ArnNotLike', 'ArnEquals', 'ArnNotEquals'), fc.constantFrom('arn:aws:iam::111111111111:user/*', 'arn:aws:iam::*:user/alice', 'arn:aws:iam::222222222222:user/bob'))
    .map(([operator, value]) => ({ [operator]: { 'aws:PrincipalArn': value } })),
  fc.tuple(stringKey, fc.constantFrom('true', 'false')).map(([key, value]) => ({ Null: { [key]: value } })),
  fc
    .tuple(fc.constantFrom('ForAllValues:StringEquals', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'ForAnyValue:StringNotEquals'), fc.array(fc.constantFrom('team', 'cost', 'env'), { minLength: 1, maxLength: 2 }))
    .map(([operator, values]) => ({ [operator]: { 'aws:TagKeys': values } })),
);

export interface StatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export const statementJson: fc.Arbitrary<StatementJson> = fc
  .record({
    effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
    notAction: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    actions: fc.array(actionPattern, { minLength: 1, maxLength: 3 }),
    notResource: fc.boolean(),
    resources: fc.array(resourcePattern, { minLength: 1, maxLength: 2 }),
    conditions: fc.array(conditionBlock, { maxLength: 2 }),
  })
  .map(({ effect, notAction, actions, notResource, resources, conditions }) => {
    const statement: StatementJson = { Effect: effect };
    if (notAction) statement.NotAction = actions;
    else statement.Action = actions;
    if (notResource && resources.every((r) => r !== '*')) statement.NotResource = resources;
    else statement.Resource = resources;
    if (conditions.length > 0) {
      const merged: Record<string, Record<string, string | string[]>> = {};
      for (const block of conditions) for (const [operator, keys] of Object.entries(block)) merged[operator] = { ...merged[operator], ...keys };
      statement.Condition = merged;
    }
    return statement;
  });

export const policyJson = fc.array(statementJson, { minLength: 1, maxLength: 4 }).map((statements) => ({
  Version: '2012-10-17',
  Statement: statements.map((statement, index) => ({ Sid: `S${index}`, ...statement })),
}));

export interface GeneratedRequest {
  readonly accountId: string;
  readonly userName: string;
  readonly action: string;
  readonly resource: string;
  readonly context: ConditionContext;
}

/**
 * A request by a user of its own account on a user of the same account, with some of the keys the endpoint knows. As in IAM, the
 * credential keys exist only on CreateServiceSpecificCredential and `aws:TagKeys` only on TagUser.
 */
export const generatedRequest: fc.Arbitrary<GeneratedRequest> = fc
  .record({
    accountId: fc.constantFrom(...ACCOUNTS),
    userName: fc.constantFrom(...USERS),
    action: fc.constantFrom(...ACTIONS),
    target: fc.constantFrom(...USERS, 'alice-x', 'bob-2'),
    service: fc.option(fc.constantFrom(...SERVICES), { nil: undefined }),
    ageDays: fc.option(fc.constantFrom('1', '30', '90', '91', '365'), { nil: undefined }),
    sourceIp: fc.option(fc.constantFrom('10.1.2.3', '192.168.1.1', '203.0.113.9', '2001:db8::7'), { nil: undefined }),
    secure: fc.option(fc.constantFrom('true', 'false'), { nil: undefined }),
    time: fc.option(fc.constantFrom('2025-12-31T23:59:59Z', '2026-06-01T12:00:00Z', '2027-06-01T00:00:00Z'), { nil: undefined }),
    region: fc.option(fc.constantFrom('us-east-1', 'eu-west-1'), { nil: undefined }),
    team: fc.option(fc.constantFrom('red', 'blue'), { nil: undefined }),
    tagKeys: fc.option(fc.subarray(['team', 'cost', 'env']), { nil: undefined }),
  })
  .map(({ accountId, userName, action, target, service, ageDays, sourceIp, secure, time, region, team, tagKeys }) => {
    const context: Record<string, string | readonly string[]> = {};
    if (service !== undefined && action === 'iam:CreateServiceSpecificCredential') context['iam:ServiceSpecificCredentialServiceName'] = service;
    if (ageDays !== undefined && action === 'iam:CreateServiceSpecificCredential') context['iam:ServiceSpecificCredentialAgeDays'] = ageDays;
    if (sourceIp !== undefined) context['aws:SourceIp'] = sourceIp;
    if (secure !== undefined) context['aws:SecureTransport'] = secure;
    if (time !== undefined) context['aws:CurrentTime'] = time;
    if (region !== undefined) context['aws:RequestedRegion'] = region;
    if (team !== undefined) context['aws:PrincipalTag/team'] = team;
    if (tagKeys !== undefined && action === 'iam:TagUser') context['aws:TagKeys'] = tagKeys;
    return { accountId, userName, action, resource: `arn:aws:iam::${accountId}:user/${target}`, context };
  });
