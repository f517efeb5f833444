import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../../src/domain/policy/index.js';
import { parseConditionDate, parseConditionNumber } from '../../../src/domain/policy/conditions.js';
import { blockContains, parseIpAddress, parseIpBlock } from '../../../src/domain/policy/ip.js';
import { starSegments, starSegmentsMatch, wildcardMatch, wildcardMatchRange, wildcardMatchText } from '../../../src/domain/policy/wildcard.js';
import { ACCOUNT, conditionHolds, decide, request, statementPolicy, user, userArn } from './support.js';

const bytes = (address: string): number[] | undefined => {
  const parsed = parseIpAddress(address);
  return parsed === undefined ? undefined : [...parsed];
};
const v4 = (a: number, b: number, c: number, d: number): number[] => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d];

describe('IP addresses and blocks', () => {
  it('reads IPv4 as its IPv4-mapped IPv6 form, IPv6 in every spelling', () => {
    expect(bytes('10.1.2.255')).toEqual(v4(10, 1, 2, 255));
    expect(bytes('0.0.0.0')).toEqual(v4(0, 0, 0, 0));
    expect(bytes('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bytes('2001:DB8:0:0:0:0:0:1')).toEqual(bytes('2001:db8::1'));
    expect(bytes('::')).toEqual(new Array(16).fill(0));
    expect(bytes('::1')).toEqual([...new Array(15).fill(0), 1]);
    expect(bytes('1::')).toEqual([0, 1, ...new Array(14).fill(0)]);
    expect(bytes('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toEqual([...new Array(15).fill(0xff), 0xfe]);
    expect(bytes('::ffff:10.1.2.3')).toEqual(v4(10, 1, 2, 3));
    expect(bytes('1:2:3:4:5:6:10.1.2.3')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 10, 1, 2, 3]);
    expect(bytes('1:2:3:4:5:6:7::')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]);
    expect(bytes('::2:3:4:5:6:7:8')).toEqual([0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '1.2.3.a', '1.2.3.1000', ' 1.2.3.4', '1.2.3.4 ', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '1:2:3:4:5:6:7::8', 'g::1', '12345::1', '::1.2.3', '::1.2.3.256', '1:2:3:4:5:6:7:1.2.3.4', 'x'])(
    'refuses %j as an address',
    (address) => {
      expect(parseIpAddress(address)).toBeUndefined();
    },
  );

  it('blocks: a CIDR, or a single address (its full length); IPv4 lengths count within the mapped form', () => {
    expect(parseIpBlock('10.0.0.0/8')?.prefixLength).toBe(104);
    expect(parseIpBlock('10.0.0.1')?.prefixLength).toBe(128);
    expect(parseIpBlock('2001:db8::/32')?.prefixLength).toBe(32);
    expect(parseIpBlock('10.0.0.0/32')?.prefixLength).toBe(128);
    expect(parseIpBlock('::/128')?.prefixLength).toBe(128);
    expect(parseIpBlock('10.0.0.0/0')?.prefixLength).toBe(96);
    expect(parseIpBlock('10.0.0.1')?.bytes).toEqual(parseIpAddress('10.0.0.1'));
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0.0/', '10.0.0.0/1000', '10.0.0.0/ 8', '10.0.0/8', 'x/8', '10.0.0.0/8/8'])
      expect(parseIpBlock(bad), bad).toBeUndefined();
  });

  it('containment is bit by bit, also inside a byte', () => {
    const contains = (block: string, address: string) => blockContains(parseIpBlock(block) ?? { bytes: new Uint8Array(16), prefixLength: 200 }, parseIpAddress(address) ?? new Uint8Array(16));
    expect(contains('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(contains('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(contains('10.128.0.0/9', '10.128.0.1')).toBe(true);
    expect(contains('10.128.0.0/9', '10.127.255.255')).toBe(false);
    expect(contains('10.0.0.0/7', '11.1.1.1')).toBe(true);
    expect(contains('10.0.0.0/7', '12.1.1.1')).toBe(false);
    expect(contains('192.168.1.1', '192.168.1.1')).toBe(true);
    expect(contains('192.168.1.1', '192.168.1.0')).toBe(false);
    expect(contains('0.0.0.0/0', '255.255.255.255')).toBe(true);
    expect(contains('0.0.0.0/0', '::1')).toBe(false);
    expect(contains('::/0', '::1')).toBe(true);
    expect(contains('2001:db8::/127', '2001:db8::1')).toBe(true);
    expect(contains('2001:db8::/128', '2001:db8::1')).toBe(false);
    expect(contains('8000::/1', 'ffff::')).toBe(true);
    expect(contains('8000::/1', '7fff::')).toBe(false);
  });
});

describe('numbers and dates of conditions', () => {
  it('numbers are decimal', () => {
    expect(parseConditionNumber('90')).toBe(90);
    expect(parseConditionNumber('-1.5')).toBe(-1.5);
    expect(parseConditionNumber('+.5')).toBe(0.5);
    expect(parseConditionNumber('7.')).toBe(7);
    for (const bad of ['', '1e3', '0x10', ' 1', '1 ', '.', 'NaN', 'Infinity']) expect(parseConditionNumber(bad), bad).toBeUndefined();
  });

  it('dates: ISO 8601 with zone, offset and fraction, or epoch seconds', () => {
    const at = Date.UTC(2026, 5, 1, 12, 0, 0);
    expect(parseConditionDate('2026-06-01T12:00:00Z')).toBe(at);
    expect(parseConditionDate('2026-06-01t12:00:00z')).toBe(at);
    expect(parseConditionDate('2026-06-01T12:00:00')).toBe(at);
    expect(parseConditionDate('2026-06-01T12:00')).toBe(at);
    expect(parseConditionDate('2026-06-01')).toBe(Date.UTC(2026, 5, 1));
    expect(parseConditionDate('2026-06-01T14:30:00+02:30')).toBe(at);
    expect(parseConditionDate('2026-06-01T07:00:00-05:00')).toBe(at);
    expect(parseConditionDate('2026-06-01T07:00:00-0500')).toBe(at);
    expect(parseConditionDate('2026-06-01T13:00:00+01')).toBe(at);
    expect(parseConditionDate('2026-06-01T12:00:00.5Z')).toBe(at + 500);
    expect(parseConditionDate('2026-06-01T12:00:00.123456Z')).toBe(at + 123);
    expect(parseConditionDate('1780315200')).toBe(at);
    expect(parseConditionDate('0')).toBe(0);
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-06-01T24:00:00Z', '2026-06-01T12:60:00Z', '2026-06-01T12:00:60Z', '2026-6-1', 'soon', '', '-1', '2026-06-01T12:00:00+2'])
      expect(parseConditionDate(bad), bad).toBeUndefined();
  });

  it('each numeric and date operator at, below and above its value', () => {
    const cases: [string, [boolean, boolean, boolean]][] = [
      ['Equals', [false, true, false]],
      ['NotEquals', [true, false, true]],
      ['LessThan', [true, false, false]],
      ['LessThanEquals', [true, true, false]],
      ['GreaterThan', [false, false, true]],
      ['GreaterThanEquals', [false, true, true]],
    ];
    for (const [suffix, expected] of cases) {
      expect(['9', '10', '11'].map((n) => conditionHolds({ [`Numeric${suffix}`]: { 'x:n': '10' } }, { 'x:n': n })), suffix).toEqual(expected);
      const dates = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'];
      expect(dates.map((d) => conditionHolds({ [`Date${suffix}`]: { 'x:d': '2026-01-01T00:00:01Z' } }, { 'x:d': d })), suffix).toEqual(expected);
    }
  });

  it('a request value of another type is read by no date or numeric operator, positive or negated', () => {
    expect(conditionHolds({ DateEquals: { 'x:d': '2026-01-01' } }, { 'x:d': 'soon' })).toBe(false);
    expect(conditionHolds({ DateNotEquals: { 'x:d': '2026-01-01' } }, { 'x:d': 'soon' })).toBe(false);
    expect(conditionHolds({ NumericNotEquals: { 'x:n': '1' } }, { 'x:n': 'one' })).toBe(false);
  });
});

describe('documents built without the parser', () => {
  it('a policy date or number that cannot be read matches under no operator, positive or negated', () => {
    const clause = (operator: 'DateEquals' | 'DateNotEquals' | 'NumericEquals' | 'NumericNotEquals' | 'IpAddress' | 'NotIpAddress', key: string, value: string) =>
      evaluatePolicies(request(user('alice'), 'iam:GetUser', userArn('alice'), { [key]: key === 'x:ip' ? '10.0.0.1' : key === 'x:d' ? '2026-01-01' : '1' }), [
        {
          source: { kind: 'user-inline', userName: 'alice', policyName: 'built' },
          document: {
            version: '2012-10-17',
            statements: [
              {
                effect: 'Allow',
                action: { negated: false, patterns: ['*'], lowerCasePatterns: ['*'] },
                resource: { negated: false, patterns: [{ raw: '*' }] },
                conditions: [{ operator, base: operator, ifExists: false, key, lowerCaseKey: key, values: [{ raw: value }] }],
              },
            ],
          },
        },
      ]).decision;
    expect(clause('DateEquals', 'x:d', 'soon')).toBe('implicit-deny');
    expect(clause('DateNotEquals', 'x:d', 'soon')).toBe('implicit-deny');
    expect(clause('DateNotEquals', 'x:d', '2027-01-01')).toBe('allow');
    expect(clause('NumericNotEquals', 'x:n', 'one')).toBe('implicit-deny');
    expect(clause('NotIpAddress', 'x:ip', 'ten')).toBe('implicit-deny');
    expect(clause('NotIpAddress', 'x:ip', '11.0.0.0/8')).toBe('allow');
  });
});

describe('Bool, Null, ARNs and sets: edges', () => {
  it('Bool reads only true and false, on either side', () => {
    expect(conditionHolds({ Bool: { 'x:b': 'false' } }, { 'x:b': 'False' })).toBe(true);
    expect(conditionHolds({ Bool: { 'x:b': 'true' } }, { 'x:b': 'yes' })).toBe(false);
    expect(conditionHolds({ Bool: { 'x:b': 'maybe' } }, { 'x:b': 'maybe' })).toBe(false);
    expect(conditionHolds({ Bool: { 'x:b': 'true' } }, { 'x:b': 'false' })).toBe(false);
    expect(conditionHolds({ Bool: { 'x:b': ['maybe', 'true'] } }, { 'x:b': 'true' })).toBe(true);
  });

  it('Null: several values are ORed; case does not matter', () => {
    expect(conditionHolds({ Null: { 'x:k': ['true', 'false'] } }, {})).toBe(true);
    expect(conditionHolds({ Null: { 'x:k': ['true', 'false'] } }, { 'x:k': 'v' })).toBe(true);
    expect(conditionHolds({ Null: { 'x:k': 'TRUE' } }, {})).toBe(true);
    expect(conditionHolds({ Null: { 'x:k': ['false', 'x'] } }, {})).toBe(false);
  });

  it('ARN parts: each compared on its own; the last holds the rest of the ARN, colons included', () => {
    const arn = 'arn:aws:s3:us-east-1:111111111111:bucket:key:more';
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:aws:s3:us-east-1:111111111111:bucket:*' } }, { 'x:a': arn })).toBe(true);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:aws:s3:us-east-1:111111111111:bucket:key:more' } }, { 'x:a': arn })).toBe(true);
    for (const pattern of ['arx:aws:s3:us-east-1:111111111111:*', 'arn:aw:s3:us-east-1:111111111111:*', 'arn:aws:s4:us-east-1:111111111111:*', 'arn:aws:s3:us-east-2:111111111111:*', 'arn:aws:s3:us-east-1:111111111112:*', 'arn:aws:s3:us-east-1:111111111111:bucket'])
      expect(conditionHolds({ ArnLike: { 'x:a': pattern } }, { 'x:a': arn }), pattern).toBe(false);
    // A * stays inside its part.
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:*:111111111111:bucket:key:more' } }, { 'x:a': arn })).toBe(false);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:aws:s3:us-east-1:111111111111' } }, { 'x:a': arn })).toBe(false);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:*:*:*:*:*' } }, { 'x:a': 'arn:aws:s3:::' })).toBe(true);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:*:*:*:*:*' } }, { 'x:a': 'arn:aws:s3::' })).toBe(false);
  });

  it('ARN and StringLike values with variables: the substituted value is literal', () => {
    const tag = { 'aws:PrincipalTag/p': 'a*' };
    expect(conditionHolds({ StringLike: { 'x:s': '${aws:PrincipalTag/p}' } }, { ...tag, 'x:s': 'a*' })).toBe(true);
    expect(conditionHolds({ StringLike: { 'x:s': '${aws:PrincipalTag/p}' } }, { ...tag, 'x:s': 'ab' })).toBe(false);
    expect(conditionHolds({ StringLike: { 'x:s': '${aws:PrincipalTag/p}*' } }, { ...tag, 'x:s': 'a*b' })).toBe(true);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:aws:iam::*:user/${aws:PrincipalTag/p}' } }, { ...tag, 'x:a': 'arn:aws:iam::1:user/ab' })).toBe(false);
    expect(conditionHolds({ ArnLike: { 'x:a': 'arn:aws:iam::*:user/${aws:PrincipalTag/p}' } }, { ...tag, 'x:a': 'arn:aws:iam::1:user/a*' })).toBe(true);
    expect(conditionHolds({ ArnEquals: { 'x:a': '${aws:PrincipalArn}' } }, { 'x:a': userArn('alice') })).toBe(true);
  });

  it('a set operator with a negated operator on a missing key: ForAllValues holds, ForAnyValue does not', () => {
    expect(conditionHolds({ 'ForAnyValue:StringNotEquals': { 'x:s': 'a' } }, {})).toBe(false);
    expect(conditionHolds({ 'ForAllValues:StringNotEquals': { 'x:s': 'a' } }, {})).toBe(true);
    expect(conditionHolds({ 'ForAnyValue:NotIpAddress': { 'x:ip': '10.0.0.0/8' } }, {})).toBe(false);
  });
});

describe('the principal keys', () => {
  it('a user: aws:PrincipalType User, aws:PrincipalArn, aws:PrincipalAccount, aws:username, aws:userid', () => {
    const alice = user('alice');
    const keys = { 'aws:PrincipalType': 'User', 'aws:PrincipalArn': alice.arn, 'aws:PrincipalAccount': ACCOUNT, 'aws:username': 'alice', 'aws:userid': alice.userId as string };
    for (const [key, value] of Object.entries(keys)) {
      expect(conditionHolds({ StringEquals: { [key]: value } }, {}, alice), key).toBe(true);
      expect(conditionHolds({ StringEquals: { [key]: '' } }, {}, alice), key).toBe(false);
    }
  });

  it('root: aws:PrincipalType Account, and no user name or id', () => {
    const root = { kind: 'root' as const, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` };
    expect(conditionHolds({ StringEquals: { 'aws:PrincipalType': 'Account' } }, {}, root)).toBe(true);
    expect(conditionHolds({ StringEquals: { 'aws:PrincipalArn': root.arn } }, {}, root)).toBe(true);
    expect(conditionHolds({ Null: { 'aws:username': 'true', 'aws:userid': 'true' } }, {}, root)).toBe(true);
    expect(conditionHolds({ Null: { 'aws:userid': 'true' } }, {}, { ...user('bob'), userId: undefined } as never)).toBe(true);
  });

  it('a key in the context wins over the derived one', () => {
    expect(conditionHolds({ StringEquals: { 'aws:username': 'carol' } }, { 'AWS:UserName': 'carol' })).toBe(true);
  });
});

describe('statements: NotResource with a variable, and what a deciding statement holds', () => {
  it('a NotResource whose variable has no value makes the statement not apply; in Resource only that pattern fails', () => {
    const req = request(user('alice'), 'iam:GetUser', userArn('bob'));
    expect(decide(req, statementPolicy({ Effect: 'Deny', Action: '*', NotResource: 'arn:aws:iam::*:user/${aws:PrincipalTag/x}' }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Deny', Action: '*', NotResource: ['arn:aws:iam::*:user/alice', 'arn:aws:iam::*:user/${aws:PrincipalTag/x}'] }))).toBe('implicit-deny');
    expect(decide(req, statementPolicy({ Effect: 'Allow', Action: '*', Resource: ['arn:aws:iam::*:user/${aws:PrincipalTag/x}', userArn('bob')] }))).toBe('allow');
    expect(decide(req, statementPolicy({ Effect: 'Deny', Action: '*', NotResource: [userArn('alice'), userArn('carol')] }))).toBe('explicit-deny');
  });

  it('a deciding statement without a Sid has no sid member at all', () => {
    const decision = evaluatePolicies(request(user('alice'), 'iam:GetUser', userArn('bob')), [statementPolicy({ Effect: 'Allow', Action: '*', Resource: '*' })]);
    expect(decision.deciding.map((d) => Object.keys(d).sort())).toEqual([['source', 'statementIndex']]);
  });
});

describe('wildcard edges', () => {
  it('ranges, trailing stars, literal stars at the end', () => {
    expect(wildcardMatchRange('xa*bx', undefined, 1, 4, 'yaZZby', 1, 5)).toBe(true);
    expect(wildcardMatchRange('xa*bx', undefined, 1, 4, 'yaZZby', 1, 4)).toBe(false);
    // What lies past the pattern's range is not part of it.
    expect(wildcardMatchRange('*a', undefined, 0, 1, 'xa', 0, 2)).toBe(true);
    expect(wildcardMatchRange('a*', undefined, 0, 1, 'a', 0, 1)).toBe(true);
    expect(wildcardMatchRange('a*', undefined, 0, 1, 'ab', 0, 2)).toBe(false);
    expect(wildcardMatchText('a**', 'a')).toBe(true);
    expect(wildcardMatchText('*a*b', 'xxaxxb')).toBe(true);
    expect(wildcardMatchText('*a*b', 'xxaxxbx')).toBe(false);
    expect(wildcardMatchText('a*b', 'ab')).toBe(true);
    expect(wildcardMatchText('a*b?', 'abbb')).toBe(true);
    expect(wildcardMatchText('*?', '')).toBe(false);
    expect(wildcardMatch({ text: 'a*', literal: Uint8Array.of(0, 1) }, 'a')).toBe(false);
    expect(wildcardMatch({ text: 'a*', literal: Uint8Array.of(0, 1) }, 'a*')).toBe(true);
    expect(wildcardMatch({ text: 'a**', literal: Uint8Array.of(0, 0, 1) }, 'ab*')).toBe(true);
    expect(wildcardMatch({ text: 'a**', literal: Uint8Array.of(0, 0, 1) }, 'ab')).toBe(false);
    expect(wildcardMatch({ text: '*?b', literal: Uint8Array.of(0, 1, 0) }, 'x?b')).toBe(true);
    expect(wildcardMatch({ text: '*?b', literal: Uint8Array.of(0, 1, 0) }, 'xyb')).toBe(false);
    expect(wildcardMatch({ text: '**b', literal: Uint8Array.of(0, 1, 0) }, 'x*b')).toBe(true);
    expect(wildcardMatch({ text: '**b', literal: Uint8Array.of(0, 1, 0) }, 'xyb')).toBe(false);
  });

  it('a pattern split at its stars: the pieces at either end never overlap; a middle piece lies between them', () => {
    const matches = (pattern: string, value: string): boolean => starSegmentsMatch(starSegments(pattern) as readonly string[], value);
    expect(matches('ab*ba', 'aba')).toBe(false);
    expect(matches('ab*ba', 'abba')).toBe(true);
    expect(matches('a*b*a', 'aba')).toBe(true);
    expect(matches('a*ab*b', 'aab')).toBe(false);
    expect(matches('a*ab*b', 'aabb')).toBe(true);
    expect(matches('arn:aws:iam::*:user/team1/*', 'arn:aws:iam::111111111111:user/alice')).toBe(false);
    expect(matches('arn:aws:iam::*:user/team1/*', 'arn:aws:iam::111111111111:user/team1/alice')).toBe(true);
    expect(matches('*', '')).toBe(true);
    expect(matches('', '')).toBe(true);
    expect(matches('', 'a')).toBe(false);
    expect(starSegments('a?b*')).toBeUndefined();
  });
});
