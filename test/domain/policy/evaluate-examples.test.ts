import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../../src/domain/policy/index.js';
import { ACCOUNT, conditionHolds, decide, policy, request, statementPolicy, user, userArn } from './support.js';

const CREATE = 'iam:CreateServiceSpecificCredential';

describe('evaluatePolicies: the decision', () => {
  it('no policy is an implicit deny, explained by no statement', () => {
    expect(evaluatePolicies(request(user('alice'), CREATE, userArn('alice')), [])).toEqual({ decision: 'implicit-deny', deciding: [] });
  });

  it('an Allow allows and names its policy, Sid and position; a Deny wins over it and names every denying statement', () => {
    const allow = policy(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }, { Sid: 'Create', Effect: 'Allow', Action: CREATE, Resource: '*' }] },
      { kind: 'managed', policyArn: `arn:aws:iam::${ACCOUNT}:policy/Allow`, policyName: 'Allow' },
    );
    const deny = policy(
      { Version: '2012-10-17', Statement: [{ Sid: 'No', Effect: 'Deny', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: userArn('alice') }] },
      { kind: 'group-inline', groupName: 'admins', policyName: 'NoIam' },
    );
    const req = request(user('alice'), CREATE, userArn('alice'));
    expect(evaluatePolicies(req, [allow])).toEqual({
      decision: 'allow',
      deciding: [{ source: allow.source, sid: 'Create', statementIndex: 1 }],
    });
    expect(evaluatePolicies(req, [allow, deny])).toEqual({
      decision: 'explicit-deny',
      deciding: [
        { source: deny.source, sid: 'No', statementIndex: 0 },
        { source: deny.source, statementIndex: 1 },
      ],
    });
  });

  it('lists every allowing statement when several allow', () => {
    const both = policy({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'B', Effect: 'Allow', Action: 'iam:Create*', Resource: 'arn:aws:iam::*:user/*' },
        { Sid: 'C', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ],
    });
    expect(evaluatePolicies(request(user('alice'), CREATE, userArn('bob')), [both]).deciding.map((d) => d.sid)).toEqual(['A', 'B']);
  });
});

describe('Action and NotAction', () => {
  const req = request(user('alice'), CREATE, userArn('alice'));
  it('match without regard to case, with * and ?', () => {
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: 'IAM:createservicespecificcredential', Resource: '*' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: 'iam:Create*', Resource: '*' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: 'iam:?reateServiceSpecificCredential', Resource: '*' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: 'iam:??eateServiceSpecificCredential', Resource: '*' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: 'iam:?eateServiceSpecificCredential', Resource: '*' }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: ['s3:*', 'iam:Delete*'], Resource: '*' }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: '*' }))).toBe('allow');
  });
  it('NotAction applies to every action but those listed', () => {
    expect(decide(req, statementPolicy({ Effect: 'Allow', NotAction: 'iam:Delete*', Resource: '*' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', NotAction: ['s3:*', 'iam:create*'], Resource: '*' }))).toBe('implicit-deny');
  });
});

describe('Resource and NotResource', () => {
  it('match ARNs case-sensitively, with * and ?', () => {
    const req = request(user('alice'), CREATE, userArn('Bob'));
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: userArn('Bob') }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: userArn('bob') }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:user/B?b' }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::222222222222:user/*' }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:*' }))).toBe('allow');
  });
  it('NotResource applies to every resource but those listed', () => {
    const req = request(user('alice'), CREATE, userArn('bob'));
    expect(decide(req, statementPolicy({ Effect: 'Deny', Action: '*', NotResource: userArn('alice') }))).toBe('explicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Deny', Action: '*', NotResource: [userArn('alice'), userArn('bob')] }))).toBe('implicit-deny');
  });
});

describe('policy variables', () => {
  const self = statementPolicy({ Effect: 'Allow', Action: 'iam:*ServiceSpecificCredential*', Resource: 'arn:aws:iam::*:user/${aws:username}' });
  it('${aws:username} is the calling user: its own ARN matches, another user does not', () => {
    expect(decide(request(user('alice'), CREATE, userArn('alice')), self)).toBe('allow');
    expect(decide(request(user('alice'), CREATE, userArn('bob')), self)).toBe('implicit-deny');
  });
  it('key names are case-insensitive; the principal keys come from the principal; the context supplies others', () => {
    const p = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::${AWS:PrincipalAccount}:user/${aws:PrincipalTag/team}-*' });
    expect(decide(request(user('alice'), CREATE, userArn('red-x'), { 'aws:principaltag/team': 'red' }), p)).toBe('allow');
    expect(decide(request(user('alice'), CREATE, userArn('red-x'), { 'aws:PrincipalTag/team': 'blue' }), p)).toBe('implicit-deny');
    expect(decide(request(user('alice', '222222222222'), CREATE, userArn('red-x'), { 'aws:PrincipalTag/team': 'red' }), p)).toBe('implicit-deny');
  });
  it('a variable without a value matches nothing, unless a default is given', () => {
    const p = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:user/${aws:PrincipalTag/team}' });
    expect(decide(request(user('alice'), CREATE, userArn('red')), p)).toBe('implicit-deny');
    const withDefault = statementPolicy({ Effect: 'Allow', Action: '*', Resource: "arn:aws:iam::*:user/${aws:PrincipalTag/team, 'red'}" });
    expect(decide(request(user('alice'), CREATE, userArn('red')), withDefault)).toBe('allow');
    expect(decide(request(user('alice'), CREATE, userArn('red'), { 'aws:PrincipalTag/team': 'blue' }), withDefault)).toBe('implicit-deny');
  });
  it('${*}, ${?} and ${$} are the characters themselves, never wildcards', () => {
    const star = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/a${*}b' });
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/a*b'), star)).toBe('allow');
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/axxb'), star)).toBe('implicit-deny');
    const question = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/a${?}' });
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/a?'), question)).toBe('allow');
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/ab'), question)).toBe('implicit-deny');
    const dollar = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/${$}{aws:username}' });
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/${aws:username}'), dollar)).toBe('allow');
  });
  it('a substituted value is literal: a * in it is not a wildcard', () => {
    const p = statementPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/prefix}' });
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/a*', { 'aws:PrincipalTag/prefix': 'a*' }), p)).toBe('allow');
    expect(decide(request(user('alice'), 's3:GetObject', 'arn:aws:s3:::bucket/ab', { 'aws:PrincipalTag/prefix': 'a*' }), p)).toBe('implicit-deny');
  });
  it('Version 2008-10-17 reads variables as literal text', () => {
    const legacy = policy({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:user/${aws:username}' }] });
    expect(decide(request(user('alice'), CREATE, userArn('alice')), legacy)).toBe('implicit-deny');
    expect(decide(request(user('alice'), CREATE, userArn('${aws:username}')), legacy)).toBe('allow');
  });
});

describe('condition operators', () => {
  it('String operators: exact, ignoring case, with wildcards; several values OR, several keys AND', () => {
    expect(conditionHolds({ StringEquals: { 'aws:username': 'alice' } }, {})).toBe(true);
    expect(conditionHolds({ StringEquals: { 'aws:username': 'Alice' } }, {})).toBe(false);
    expect(conditionHolds({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {})).toBe(true);
    expect(conditionHolds({ StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {})).toBe(false);
    expect(conditionHolds({ StringLike: { 'aws:username': 'a*e' } }, {})).toBe(true);
    expect(conditionHolds({ StringLike: { 'aws:username': 'A*' } }, {})).toBe(false);
    expect(conditionHolds({ StringNotLike: { 'aws:username': 'b*' } }, {})).toBe(true);
    expect(conditionHolds({ StringEquals: { 'aws:username': ['bob', 'alice'] } }, {})).toBe(true);
    expect(conditionHolds({ StringEquals: { 'aws:username': 'alice', 'aws:RequestedRegion': 'us-east-1' } }, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(false);
    expect(conditionHolds({ StringEquals: { 'aws:username': 'alice' }, StringLike: { 'aws:RequestedRegion': 'eu-*' } }, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(true);
    expect(conditionHolds({ StringEquals: { 'AWS:USERNAME': 'alice' } }, {})).toBe(true);
  });

  it('String values may hold variables', () => {
    expect(conditionHolds({ StringEquals: { 'aws:PrincipalTag/owner': '${aws:username}' } }, { 'aws:PrincipalTag/owner': 'alice' })).toBe(true);
    expect(conditionHolds({ StringEquals: { 'aws:PrincipalTag/owner': '${aws:username}' } }, { 'aws:PrincipalTag/owner': 'bob' })).toBe(false);
  });

  it('Numeric operators compare numbers', () => {
    const age = 'iam:ServiceSpecificCredentialAgeDays';
    expect(conditionHolds({ NumericLessThanEquals: { [age]: '90' } }, { [age]: '90' })).toBe(true);
    expect(conditionHolds({ NumericLessThan: { [age]: '90' } }, { [age]: '90' })).toBe(false);
    expect(conditionHolds({ NumericGreaterThan: { [age]: 90 } }, { [age]: '365' })).toBe(true);
    expect(conditionHolds({ NumericGreaterThanEquals: { [age]: '365.0' } }, { [age]: '365' })).toBe(true);
    expect(conditionHolds({ NumericEquals: { [age]: '30' } }, { [age]: '30' })).toBe(true);
    expect(conditionHolds({ NumericNotEquals: { [age]: '30' } }, { [age]: '31' })).toBe(true);
    expect(conditionHolds({ NumericEquals: { [age]: 'thirty' } }, { [age]: '30' })).toBe(false);
    expect(conditionHolds({ NumericNotEquals: { [age]: 'thirty' } }, { [age]: '30' })).toBe(false);
    expect(conditionHolds({ NumericEquals: { [age]: '30' } }, { [age]: 'x' })).toBe(false);
  });

  it('Date operators read ISO 8601 and epoch seconds on either side', () => {
    const now = { 'aws:CurrentTime': '2026-06-01T12:00:00Z', 'aws:EpochTime': '1780315200' };
    expect(conditionHolds({ DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } }, now)).toBe(true);
    expect(conditionHolds({ DateGreaterThan: { 'aws:CurrentTime': '2027-01-01' } }, now)).toBe(false);
    expect(conditionHolds({ DateEquals: { 'aws:CurrentTime': '1780315200' } }, now)).toBe(true);
    expect(conditionHolds({ DateEquals: { 'aws:EpochTime': '2026-06-01T14:00:00+02:00' } }, now)).toBe(true);
    expect(conditionHolds({ DateNotEquals: { 'aws:EpochTime': '2026-06-01T12:00:00.000Z' } }, now)).toBe(false);
    expect(conditionHolds({ DateGreaterThanEquals: { 'aws:CurrentTime': '2026-06-01T12:00:00Z' } }, now)).toBe(true);
    expect(conditionHolds({ DateLessThanEquals: { 'aws:CurrentTime': '2026-06-01T11:59:59Z' } }, now)).toBe(false);
  });

  it('Bool compares true/false without regard to case', () => {
    expect(conditionHolds({ Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'TRUE' })).toBe(true);
    expect(conditionHolds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'true' })).toBe(false);
    expect(conditionHolds({ Bool: { 'aws:SecureTransport': 'yes' } }, { 'aws:SecureTransport': 'true' })).toBe(false);
  });

  it('BinaryEquals compares the base64 text', () => {
    expect(conditionHolds({ BinaryEquals: { 'x:blob': 'QmluYXJ5' } }, { 'x:blob': 'QmluYXJ5' })).toBe(true);
    expect(conditionHolds({ BinaryEquals: { 'x:blob': 'QmluYXJ5' } }, { 'x:blob': 'QmluYXJ6' })).toBe(false);
  });

  it('IpAddress and NotIpAddress: CIDR blocks and single addresses, IPv4 and IPv6', () => {
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.7' })).toBe(true);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.114.7' })).toBe(false);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '203.0.113.7' } }, { 'aws:SourceIp': '203.0.113.7' })).toBe(true);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' })).toBe(true);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '2001:db8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5679::1' })).toBe(false);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '::1' })).toBe(false);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '::ffff:10.0.0.0/104' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(conditionHolds({ NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(true);
    expect(conditionHolds({ NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '192.168.1.1' })).toBe(false);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, { 'aws:SourceIp': '10.0.0.1' })).toBe(false);
    expect(conditionHolds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': 'localhost' })).toBe(false);
  });

  it('Arn operators match each of the six parts on its own', () => {
    const arn = { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/team/alice' };
    expect(conditionHolds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/team/*' } }, arn)).toBe(true);
    expect(conditionHolds({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/team/alice' } }, arn)).toBe(true);
    expect(conditionHolds({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/team/ALICE' } }, arn)).toBe(false);
    expect(conditionHolds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:*:111111111111:user/team/alice' } }, arn)).toBe(false);
    expect(conditionHolds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:*' } }, arn)).toBe(true);
    expect(conditionHolds({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/team/alice' } }, arn)).toBe(false);
    expect(conditionHolds({ ArnLike: { 'aws:PrincipalArn': 'not-an-arn' } }, arn)).toBe(false);
    expect(conditionHolds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } }, { 'aws:PrincipalArn': 'x' })).toBe(false);
  });

  it('Null tests whether the key is present', () => {
    expect(conditionHolds({ Null: { 'aws:SourceIp': 'true' } }, {})).toBe(true);
    expect(conditionHolds({ Null: { 'aws:SourceIp': 'true' } }, { 'aws:SourceIp': '10.0.0.1' })).toBe(false);
    expect(conditionHolds({ Null: { 'aws:SourceIp': false } }, { 'aws:SourceIp': '10.0.0.1' })).toBe(true);
    expect(conditionHolds({ Null: { 'aws:SourceIp': 'false' } }, {})).toBe(false);
    expect(conditionHolds({ Null: { 'aws:TagKeys': 'false' } }, { 'aws:TagKeys': [] })).toBe(true);
  });

  it('a missing key: positive operators fail, negated ones and …IfExists hold', () => {
    expect(conditionHolds({ StringEquals: { 'aws:SourceIp': 'x' } }, {})).toBe(false);
    expect(conditionHolds({ StringNotEquals: { 'aws:SourceIp': 'x' } }, {})).toBe(true);
    expect(conditionHolds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {})).toBe(true);
    expect(conditionHolds({ StringEqualsIfExists: { 'aws:SourceIp': 'x' } }, {})).toBe(true);
    expect(conditionHolds({ StringEqualsIfExists: { 'aws:SourceIp': 'x' } }, { 'aws:SourceIp': 'y' })).toBe(false);
    expect(conditionHolds({ NumericLessThanIfExists: { 'iam:ServiceSpecificCredentialAgeDays': '91' } }, {})).toBe(true);
  });

  it('ForAllValues and ForAnyValue over multivalued keys, with their empty-set rules', () => {
    const tags = (...values: string[]) => ({ 'aws:TagKeys': values });
    const allowed = ['team', 'cost'];
    expect(conditionHolds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': allowed } }, tags('team'))).toBe(true);
    expect(conditionHolds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': allowed } }, tags('team', 'x'))).toBe(false);
    expect(conditionHolds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': allowed } }, tags())).toBe(true);
    expect(conditionHolds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': allowed } }, {})).toBe(true);
    expect(conditionHolds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': allowed } }, tags('x', 'cost'))).toBe(true);
    expect(conditionHolds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': allowed } }, tags('x'))).toBe(false);
    expect(conditionHolds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': allowed } }, tags())).toBe(false);
    expect(conditionHolds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': allowed } }, {})).toBe(false);
    expect(conditionHolds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': allowed } }, {})).toBe(true);
    expect(conditionHolds({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': allowed } }, tags('x', 'y'))).toBe(true);
    expect(conditionHolds({ 'ForAnyValue:StringNotLike': { 'aws:TagKeys': 'team*' } }, tags('team1', 'other'))).toBe(true);
    expect(conditionHolds({ 'ForAnyValue:StringEquals': { 'aws:username': 'alice' } }, {})).toBe(true);
  });

  it('a single-valued operator does not match a multivalued key', () => {
    expect(conditionHolds({ StringEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['team'] })).toBe(false);
    expect(conditionHolds({ StringNotEquals: { 'aws:TagKeys': 'x' } }, { 'aws:TagKeys': ['team'] })).toBe(false);
  });

  it('a value whose variable has no value matches under no operator', () => {
    expect(conditionHolds({ StringEquals: { 'aws:username': '${aws:PrincipalTag/x}' } }, {})).toBe(false);
    expect(conditionHolds({ StringNotEquals: { 'aws:username': '${aws:PrincipalTag/x}' } }, {})).toBe(false);
  });
});
