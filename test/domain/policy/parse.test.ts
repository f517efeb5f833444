import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, parsePolicyDocument } from '../../../src/domain/policy/index.js';
import { accessDenied } from '../../../src/domain/iam-error.js';
import { request, user, userArn } from './support.js';

const statement = { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' };
const doc = (value: unknown): string => JSON.stringify(value);
const withStatement = (changes: Record<string, unknown>, drop: string[] = []): string => {
  const s: Record<string, unknown> = { ...statement, ...changes };
  for (const key of drop) delete s[key];
  return doc({ Version: '2012-10-17', Statement: [s] });
};
const messageOf = (text: string, options?: { acceptLegacyVersion?: boolean }): string => {
  const result = parsePolicyDocument(text, options);
  if (result.isOk()) return 'ok';
  expect(result.error).toMatchObject({ code: 'MalformedPolicyDocument', httpStatus: 400, type: 'Sender' });
  return result.error.message;
};

describe('parsePolicyDocument: what IAM refuses, with its message', () => {
  it.each([
    ['not JSON', 'This is not a json document'],
    ['JSON that is not an object', '[]'],
    ['an unknown top-level element', doc({ Version: '2012-10-17', Statement: [statement], Extra: 1 })],
    ['an unknown Version', doc({ Version: '2013-10-17', Statement: [statement] })],
    ['an Id that is not a string', doc({ Version: '2012-10-17', Id: 1, Statement: [statement] })],
    ['no Statement', doc({ Version: '2012-10-17' })],
    ['an empty Statement list', doc({ Version: '2012-10-17', Statement: [] })],
    ['a Statement that is a string', doc({ Version: '2012-10-17', Statement: 'x' })],
    ['a statement that is not an object', doc({ Version: '2012-10-17', Statement: [1] })],
    ['an unknown statement element', withStatement({ Actions: 'iam:GetUser' })],
    ['Action and NotAction together', withStatement({ NotAction: 'iam:GetUser' })],
    ['Resource and NotResource together', withStatement({ NotResource: '*' })],
    ['no Effect', withStatement({}, ['Effect'])],
    ['an unknown Effect', withStatement({ Effect: 'Permit' })],
    ['an Action that is a number', withStatement({ Action: 1 })],
    ['an Action list holding an object', withStatement({ Action: [{}] })],
    ['a Sid that is not a string', withStatement({ Sid: 1 })],
    ['a Condition that is not an object', withStatement({ Condition: 'x' })],
    ['a Condition operator block that is not an object', withStatement({ Condition: { StringEquals: 'x' } })],
    ['a condition value that is an object', withStatement({ Condition: { StringEquals: { 'aws:username': {} } } })],
    ['an unknown condition operator', withStatement({ Condition: { StringEqualz: { 'aws:username': 'a' } } })],
  ])('%s: "Syntax errors in policy."', (_, text) => {
    expect(messageOf(text)).toBe('Syntax errors in policy.');
  });

  it('a document without Version, or with 2008-10-17, is below the version IAM requires (unless the caller accepts it)', () => {
    expect(messageOf(doc({ Statement: [statement] }))).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(messageOf(doc({ Version: '2008-10-17', Statement: statement }))).toBe('Policy document must be version 2012-10-17 or greater.');
    const legacy = parsePolicyDocument(doc({ Statement: statement }), { acceptLegacyVersion: true })._unsafeUnwrap();
    expect(legacy.version).toBe('2008-10-17');
  });

  it('an identity-based policy names no principal', () => {
    expect(messageOf(withStatement({ Principal: '*' }))).toBe('Policy document should not specify a principal.');
    expect(messageOf(withStatement({ NotPrincipal: { AWS: '*' } }))).toBe('Policy document should not specify a principal.');
  });

  it('the legacy parser: Effect spelled exactly, dates it can read, ARNs with their colons', () => {
    expect(messageOf(withStatement({ Effect: 'allow' }))).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': '2020-13-01' } } }))).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } }))).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T25:00:00Z' } } }))).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T10:00:00+0100' } } }))).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Resource: 'arn:aws:s3::bucket' }))).toBe('The policy failed legacy parsing');
    for (const date of ['2020-01-01', '2020-01-01T10:00:00Z', '2020-01-01T10:00:00.5Z', '2020-01-01T10:00:00+01:00', '1700000000', '2020-01-01T10:00'])
      expect(messageOf(withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': date } } }))).toBe('ok');
  });

  it('statement ids are unique; every statement has actions', () => {
    expect(messageOf(doc({ Version: '2012-10-17', Statement: [{ ...statement, Sid: 'A' }, { ...statement, Sid: 'A' }] }))).toBe(
      'Statement IDs (SID) in a single policy must be unique.',
    );
    expect(messageOf(doc({ Version: '2012-10-17', Statement: [{ ...statement, Sid: '' }, { ...statement, Sid: '' }] }))).toBe('ok');
    expect(messageOf(withStatement({}, ['Action']))).toBe('Policy statement must contain actions.');
    expect(messageOf(withStatement({ Action: [] }))).toBe('Policy statement must contain actions.');
  });

  it('resources IAM cannot read as ARNs', () => {
    expect(messageOf(withStatement({ Resource: 'bucket' }))).toBe('Resource bucket must be in ARN format or "*".');
    expect(messageOf(withStatement({ Resource: 'arn:aws2:iam::1:user/x' }))).toBe('Partition "aws2" is not valid for resource "arn:aws2:iam::1:user/x".');
    expect(messageOf(withStatement({ Resource: 'arn:aws2' }))).toBe('Partition "aws2" is not valid for resource "arn:aws2:*:*:*:*".');
    expect(messageOf(withStatement({ Resource: 'arn:aws' }))).toBe('Resource vendor must be fully qualified and cannot contain regexes.');
    expect(messageOf(withStatement({ Resource: 'arn:aws:iam:us-east-1:111111111111:user/x' }))).toBe(
      'IAM resource arn:aws:iam:us-east-1:111111111111:user/x cannot contain region information.',
    );
    expect(messageOf(withStatement({ Resource: 'arn:aws:iam::111111111111:person/x' }))).toBe(
      'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.',
    );
    expect(messageOf(withStatement({ Resource: 'arn:aws:s3:us-east-1::bucket' }))).toBe('Resource arn:aws:s3:us-east-1::bucket can not contain region information.');
    expect(messageOf(withStatement({ Resource: ['bucket-b', 'bucket-a'] }))).toBe('Resource bucket-a must be in ARN format or "*".');
    for (const resource of ['*', 'arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::${aws:PrincipalAccount}:user/x', 'arn:*:iam::*:*', 'arn:aws:s3:::b/*'])
      expect(messageOf(withStatement({ Resource: resource }))).toBe('ok');
  });

  it('action vendors', () => {
    expect(messageOf(withStatement({ Action: 'GetUser' }))).toBe('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    expect(messageOf(withStatement({ Action: 'iam:Get:User' }))).toBe('Actions/Condition can contain only one colon.');
    expect(messageOf(withStatement({ NotAction: 'i am:GetUser' }, ['Action']))).toBe('Vendor i am is not valid');
    expect(messageOf(withStatement({ Action: ['*', 'iam:*', 'iam:Get?ser'] }))).toBe('ok');
  });

  it('every statement has resources', () => {
    expect(messageOf(withStatement({}, ['Resource']))).toBe('Policy statement must contain resources.');
    expect(messageOf(withStatement({ NotResource: [] }, ['Resource']))).toBe('Policy statement must contain resources.');
  });

  it('IAM reports the first failing stage', () => {
    // Syntax before version, version before principal, principal before actions, actions before resources.
    expect(messageOf(doc({ Statement: [{ Effect: 'x' }] }))).toBe('Syntax errors in policy.');
    expect(messageOf(doc({ Statement: [{ Effect: 'Allow', Principal: '*' }] }))).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(messageOf(withStatement({ Principal: '*' }, ['Action']))).toBe('Policy document should not specify a principal.');
    expect(messageOf(withStatement({}, ['Action', 'Resource']))).toBe('Policy statement must contain actions.');
    expect(messageOf(withStatement({ Resource: 'bucket' }, ['Action']))).toBe('Policy statement must contain actions.');
    expect(messageOf(withStatement({ Resource: 'bucket', Action: 'x' }))).toBe('Resource bucket must be in ARN format or "*".');
  });
});

describe('parsePolicyDocument: what a parsed document holds', () => {
  it('a single statement object, lists or strings, Sid and Id; actions lower-cased for matching; condition operators decoded', () => {
    const parsed = parsePolicyDocument(
      doc({
        Version: '2012-10-17',
        Id: 'doc',
        Statement: {
          Sid: 'S1',
          Effect: 'Deny',
          NotAction: ['IAM:Create*'],
          NotResource: 'arn:aws:iam::*:user/${aws:username}',
          Condition: { 'ForAnyValue:StringLikeIfExists': { 'AWS:TagKeys': ['a', 1, true] }, Null: { 'aws:SourceIp': false } },
        },
      }),
    )._unsafeUnwrap();
    expect(parsed).toEqual({
      version: '2012-10-17',
      id: 'doc',
      statements: [
        {
          sid: 'S1',
          effect: 'Deny',
          action: { negated: true, patterns: ['IAM:Create*'], lowerCasePatterns: ['iam:create*'] },
          resource: {
            negated: true,
            patterns: [
              {
                raw: 'arn:aws:iam::*:user/${aws:username}',
                parts: [
                  { kind: 'text', text: 'arn:aws:iam::*:user/' },
                  { kind: 'variable', key: 'aws:username' },
                ],
              },
            ],
          },
          conditions: [
            {
              operator: 'ForAnyValue:StringLikeIfExists',
              base: 'StringLike',
              set: 'ForAnyValue',
              ifExists: true,
              key: 'AWS:TagKeys',
              lowerCaseKey: 'aws:tagkeys',
              values: [{ raw: 'a' }, { raw: '1' }, { raw: 'true' }],
            },
            { operator: 'Null', base: 'Null', ifExists: false, key: 'aws:SourceIp', lowerCaseKey: 'aws:sourceip', values: [{ raw: 'false' }] },
          ],
        },
      ],
    });
  });

  it('templates: defaults, escapes, and text that only looks like a variable', () => {
    const resourceOf = (resource: string) =>
      parsePolicyDocument(withStatement({ Resource: `arn:aws:s3:::b/${resource}` }))._unsafeUnwrap().statements[0]?.resource.patterns[0];
    expect(resourceOf("${aws:username, 'nobody'}")?.parts).toEqual([
      { kind: 'text', text: 'arn:aws:s3:::b/' },
      { kind: 'variable', key: 'aws:username', fallback: 'nobody' },
    ]);
    expect(resourceOf('${*}${?}${$}')?.parts).toEqual([
      { kind: 'text', text: 'arn:aws:s3:::b/' },
      { kind: 'literal', text: '*' },
      { kind: 'literal', text: '?' },
      { kind: 'literal', text: '$' },
    ]);
    expect(resourceOf('${a b}x')).toEqual({ raw: 'arn:aws:s3:::b/${a b}x' });
    expect(resourceOf('${unclosed')).toEqual({ raw: 'arn:aws:s3:::b/${unclosed' });
    expect(resourceOf('plain')).toEqual({ raw: 'arn:aws:s3:::b/plain' });
  });
});

describe('accessDeniedMessage and AccessDenied', () => {
  const req = request(user('alice'), 'iam:CreateServiceSpecificCredential', userArn('bob'));
  it('words an implicit deny as AWS does', () => {
    expect(accessDeniedMessage(req, { decision: 'implicit-deny', deciding: [] })).toBe(
      'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential on resource: arn:aws:iam::111111111111:user/bob because no identity-based policy allows the iam:CreateServiceSpecificCredential action',
    );
  });
  it('words an explicit deny as AWS does', () => {
    const deciding = [{ source: { kind: 'user-inline', userName: 'alice', policyName: 'p' } as const, statementIndex: 0 }];
    expect(accessDeniedMessage(req, { decision: 'explicit-deny', deciding })).toBe(
      'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential on resource: arn:aws:iam::111111111111:user/bob with an explicit deny in an identity-based policy',
    );
  });
  it('AccessDenied is a 403 Sender error', () => {
    expect(accessDenied('m')).toEqual({ code: 'AccessDenied', message: 'm', httpStatus: 403, type: 'Sender' });
  });
});

describe('the legacy parser, value by value', () => {
  const dateVerdict = (value: string) => messageOf(withStatement({ Condition: { DateGreaterThan: { 'aws:CurrentTime': value } } }));
  it.each([
    '2020',
    '2020-01',
    '2020-01-01',
    '2020-12-31T23',
    '2020-01-01T10:59',
    '2020-01-01T10:00:59',
    '2020-01-01t10:00:00z',
    '2020-01-01T10:00:00.999999999Z',
    '2020-01-01T10:00:00+23',
    '2020-01-01T10:00:00+01:59',
    '-2020-01-01',
    '0',
    '+5',
    ' 12 ',
    '292278994',
  ])('reads the date %j', (value) => {
    expect(dateVerdict(value)).toBe('ok');
  });
  it.each([
    '2020-13',
    '2020-00',
    '2020-01-32',
    '2020-01-00',
    '2020-01-01-01',
    '2020-01-01T24',
    '2020-01-01T10:60',
    '2020-01-01T10:00:60',
    '2020-01-01T10:00:-1',
    '2020-01-01T10:00:00Zx',
    '2020-01-01T10:00:00+1',
    '2020-01-01T10:00:00+24',
    '2020-01-01T10:00:00+01:3',
    '2020-01-01T10:00:00+01:60',
    '2020-01-01T10:00:00.x',
    '2020-01-01T10:00:00.1000000000',
    '1.5',
    '-',
    'T10:00',
    '292278994-01-01',
    '-292275055-01-01',
    'x2020',
  ])('refuses the date %j', (value) => {
    expect(dateVerdict(value)).toBe('The policy failed legacy parsing');
  });

  it('resources: the format checks and their messages', () => {
    const resourceVerdict = (resource: string) => messageOf(withStatement({ Resource: resource }));
    expect(resourceVerdict('arn:aws:s3:us-east-1:111111111111:accesspoint/x')).toBe('ok');
    expect(resourceVerdict('arn:aws:s3:us-east-1:111111111111:x/accesspoint/')).toBe('Resource arn:aws:s3:us-east-1:111111111111:x/accesspoint/ can not contain region information.');
    expect(resourceVerdict('arn:aws:s3:::bucket')).toBe('ok');
    expect(resourceVerdict('arn:aws:sqs:us-east-1:111111111111:queue')).toBe('ok');
    expect(resourceVerdict('arn:aws2:iam')).toBe('Partition "aws2" is not valid for resource "arn:aws2:iam:*:*:*".');
    expect(resourceVerdict('arn:aws2::')).toBe('Partition "aws2" is not valid for resource "arn:aws2:::*:*".');
    expect(resourceVerdict('arn:aws2:a:b:c:d:e')).toBe('Partition "aws2" is not valid for resource "arn:aws2:a:b:c:d:e".');
    expect(resourceVerdict('arn:aws:iam:::user/x')).toBe('ok');
    expect(resourceVerdict('arn:aws:iam::1')).toBe('IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.');
    expect(resourceVerdict('arn:aws:ec2::1')).toBe('The policy failed legacy parsing');
    expect(resourceVerdict('arn:aws:ec2:us-east-1:1')).toBe('ok');
    expect(resourceVerdict('arn:aws:')).toBe('The policy failed legacy parsing');
    expect(messageOf(withStatement({ Resource: ['*', 'arn:aws:s3:::b', ''] }))).toBe('ok');
  });

  it('a Condition must be an object of objects', () => {
    expect(messageOf(withStatement({ Condition: [] }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ Condition: null }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ Condition: { StringEquals: [] } }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ Condition: { StringEquals: { k: [{}] } } }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ Condition: { StringEquals: { k: null } } }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ Resource: 1 }))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ NotResource: [1] }, ['Resource']))).toBe('Syntax errors in policy.');
    expect(messageOf(withStatement({ NotAction: {} }, ['Action']))).toBe('Syntax errors in policy.');
  });
});
