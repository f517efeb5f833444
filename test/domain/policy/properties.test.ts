import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, evaluatePreparedPolicies, PreparedPolicies } from '../../../src/domain/policy/index.js';
import type { AttachedPolicy, AuthorizationRequest, ConditionContext } from '../../../src/domain/policy/index.js';
import { starSegments, starSegmentsMatch, wildcardMatch, wildcardMatchText } from '../../../src/domain/policy/wildcard.js';
import { conditionBlock, generatedRequest, policyJson, statementJson, type GeneratedRequest, type StatementJson } from './arbitraries.js';
import { conditionHolds, policy, propertyRuns, request, user } from './support.js';

const RUNS = propertyRuns(300);

const toRequest = (generated: GeneratedRequest): AuthorizationRequest =>
  request(user(generated.userName, generated.accountId), generated.action, generated.resource, generated.context);

const attach = (documents: readonly unknown[]): AttachedPolicy[] =>
  documents.map((document, index) => policy(document, { kind: 'managed', policyArn: `arn:aws:iam::111111111111:policy/P${index}`, policyName: `P${index}` }));

const policies = fc.array(policyJson, { maxLength: 4 });

const decidingKeys = (req: AuthorizationRequest, attached: readonly AttachedPolicy[]): string[] =>
  evaluatePolicies(req, attached)
    .deciding.map((d) => `${d.source.policyName}/${d.sid ?? ''}`)
    .sort();

describe('evaluatePolicies: the rules, as properties', () => {
  it('no policy means an implicit deny', () => {
    fc.assert(
      fc.property(generatedRequest, (generated) => {
        expect(evaluatePolicies(toRequest(generated), [])).toEqual({ decision: 'implicit-deny', deciding: [] });
      }),
      RUNS,
    );
  });

  it('an applicable Deny overrides everything, and is among the deciding statements', () => {
    fc.assert(
      fc.property(generatedRequest, policies, (generated, documents) => {
        const attached = attach([...documents, { Version: '2012-10-17', Statement: [{ Sid: 'Stop', Effect: 'Deny', Action: '*', Resource: '*' }] }]);
        const decision = evaluatePolicies(toRequest(generated), attached);
        expect(decision.decision).toBe('explicit-deny');
        expect(decision.deciding).toContainEqual({ source: attached.at(-1)?.source, sid: 'Stop', statementIndex: 0 });
      }),
      RUNS,
    );
  });

  it('the decision is what the statements decide one by one: any Deny that applies alone denies, else any Allow allows', () => {
    fc.assert(
      fc.property(generatedRequest, policies, (generated, documents) => {
        const req = toRequest(generated);
        const attached = attach(documents);
        const applying = attached.flatMap((p) =>
          p.document.statements.flatMap((statement) =>
            evaluatePolicies(req, [{ source: p.source, document: { ...p.document, statements: [statement] } }]).decision === 'implicit-deny'
              ? []
              : [{ effect: statement.effect, key: `${p.source.policyName}/${statement.sid ?? ''}` }],
          ),
        );
        const denies = applying.filter((a) => a.effect === 'Deny').map((a) => a.key);
        const allows = applying.filter((a) => a.effect === 'Allow').map((a) => a.key);
        const expected = denies.length > 0 ? 'explicit-deny' : allows.length > 0 ? 'allow' : 'implicit-deny';
        expect(evaluatePolicies(req, attached).decision).toBe(expected);
        expect(decidingKeys(req, attached)).toEqual((denies.length > 0 ? denies : allows).sort());
      }),
      RUNS,
    );
  });

  it('adding an Allow never turns a deny into an allow of an explicit deny, nor an allow into a deny', () => {
    fc.assert(
      fc.property(generatedRequest, policies, statementJson, (generated, documents, extra) => {
        const req = toRequest(generated);
        const before = evaluatePolicies(req, attach(documents)).decision;
        const after = evaluatePolicies(req, attach([...documents, { Version: '2012-10-17', Statement: [{ ...extra, Effect: 'Allow' }] }])).decision;
        if (before === 'explicit-deny') expect(after).toBe('explicit-deny');
        if (before === 'allow') expect(after).toBe('allow');
      }),
      RUNS,
    );
  });

  it('adding a policy never lifts an explicit deny; adding only Denies never grants', () => {
    fc.assert(
      fc.property(generatedRequest, policies, policyJson, (generated, documents, extra) => {
        const req = toRequest(generated);
        const before = evaluatePolicies(req, attach(documents)).decision;
        if (before === 'explicit-deny') expect(evaluatePolicies(req, attach([...documents, extra])).decision).toBe('explicit-deny');
        const denies = { ...extra, Statement: extra.Statement.map((s) => ({ ...s, Effect: 'Deny' })) };
        const after = evaluatePolicies(req, attach([...documents, denies])).decision;
        if (before !== 'allow') expect(after).not.toBe('allow');
      }),
      RUNS,
    );
  });

  it('the order of policies and of their statements never changes the decision or what decided it', () => {
    fc.assert(
      fc.property(
        generatedRequest,
        policies.chain((documents) =>
          fc.tuple(
            fc.constant(documents),
            fc.shuffledSubarray(
              documents.map((_, index) => index),
              { minLength: documents.length, maxLength: documents.length },
            ),
            fc.array(fc.nat(), { minLength: documents.length, maxLength: documents.length }),
          ),
        ),
        (generated, [documents, order, seeds]) => {
          const req = toRequest(generated);
          const attached = attach(documents);
          const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length] as T);
          const permuted = order.map((index) => {
            const p = attached[index] as AttachedPolicy;
            return { ...p, document: { ...p.document, statements: rotate(p.document.statements, seeds[index] ?? 0) } };
          });
          expect(evaluatePolicies(req, permuted).decision).toBe(evaluatePolicies(req, attached).decision);
          expect(decidingKeys(req, permuted)).toEqual(decidingKeys(req, attached));
        },
      ),
      RUNS,
    );
  });

  it('actions compare without regard to case', () => {
    fc.assert(
      fc.property(generatedRequest, policies, fc.boolean(), (generated, documents, upper) => {
        const attached = attach(documents);
        const recased = { ...generated, action: upper ? generated.action.toUpperCase() : generated.action.toLowerCase() };
        expect(evaluatePolicies(toRequest(recased), attached)).toEqual(evaluatePolicies(toRequest(generated), attached));
      }),
      RUNS,
    );
  });

  it('evaluation is pure: it changes neither its inputs nor its answer when asked again', () => {
    fc.assert(
      fc.property(generatedRequest, policies, (generated, documents) => {
        const req = toRequest(generated);
        const attached = attach(documents);
        const snapshot = structuredClone({ req, attached });
        const first = evaluatePolicies(req, attached);
        expect(evaluatePolicies(req, attached)).toEqual(first);
        expect({ req, attached }).toEqual(snapshot);
      }),
      propertyRuns(100),
    );
  });
});

describe('prepared policies', () => {
  it('prepared once and asked about many requests, in any order, decide as policies prepared for each request alone', () => {
    fc.assert(
      fc.property(policies, fc.array(generatedRequest, { minLength: 1, maxLength: 8 }), fc.boolean(), (documents, generated, shout) => {
        const attached = attach(documents);
        const prepared = new PreparedPolicies(attached);
        for (const one of generated) {
          // The same action spelled in another case is another entry of the prepared statements by action; it decides alike.
          const req = toRequest(shout ? { ...one, action: one.action.toUpperCase() } : one);
          expect(evaluatePreparedPolicies(req, prepared)).toEqual(evaluatePolicies(req, attached));
          expect(evaluatePreparedPolicies(toRequest(one), prepared)).toEqual(evaluatePolicies(toRequest(one), attached));
        }
      }),
      RUNS,
    );
  });
});

describe('policy variables, as properties', () => {
  const substitute = (document: unknown, name: string, value: string): unknown => JSON.parse(JSON.stringify(document).split(name).join(value));

  it('${aws:username} and ${aws:PrincipalAccount} decide as the literal values written in their place', () => {
    fc.assert(
      fc.property(generatedRequest, policies, (generated, documents) => {
        const req = toRequest(generated);
        const literal = documents.map((d) => substitute(substitute(d, '${aws:username}', generated.userName), '${aws:PrincipalAccount}', generated.accountId));
        expect(evaluatePolicies(req, attach(literal)).decision).toBe(evaluatePolicies(req, attach(documents)).decision);
      }),
      RUNS,
    );
  });

  it("a default ${key, 'd'} is d when the key is absent and the key's value when present", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    fc.assert(
      fc.property(name, name, fc.option(name, { nil: undefined }), (fallback, target, tag) => {
        const context: ConditionContext = tag === undefined ? {} : { 'aws:PrincipalTag/x': tag };
        const req = request(user('alice'), 'iam:GetUser', `arn:aws:iam::111111111111:user/${target}`, context);
        const withDefault = attach([{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: `arn:aws:iam::*:user/\${aws:PrincipalTag/x, '${fallback}'}` }] }]);
        expect(evaluatePolicies(req, withDefault).decision === 'allow').toBe(target === (tag ?? fallback));
      }),
      RUNS,
    );
  });

  it('a variable whose key is absent makes its Resource match nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom('*', 'x', 'alice'), (target) => {
        const req = request(user('alice'), 'iam:GetUser', `arn:aws:iam::111111111111:user/${target}`);
        const p = attach([{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:user/${aws:PrincipalTag/absent}' }] }]);
        expect(evaluatePolicies(req, p).decision).toBe('implicit-deny');
      }),
    );
  });
});

/** One condition operator applied to one key, over values drawn so that they sometimes match. */
const operatorCase = fc.oneof(
  fc.record({
    base: fc.constantFrom('StringEquals', 'StringLike', 'StringEqualsIgnoreCase'),
    key: fc.constant('x:s'),
    values: fc.array(fc.constantFrom('a', 'A', 'ab', 'a*', '?b', 'b'), { minLength: 1, maxLength: 3 }),
    requestValue: fc.constantFrom('a', 'A', 'ab', 'b', 'ba', ''),
  }),
  fc.record({
    base: fc.constantFrom('NumericEquals', 'NumericLessThan', 'NumericGreaterThanEquals'),
    key: fc.constant('x:n'),
    values: fc.array(fc.constantFrom('1', '2', '2.5', '-1'), { minLength: 1, maxLength: 3 }),
    requestValue: fc.constantFrom('1', '2', '3', '2.5', '-1'),
  }),
  fc.record({
    base: fc.constantFrom('DateEquals', 'DateLessThan', 'DateGreaterThan'),
    key: fc.constant('x:d'),
    values: fc.array(fc.constantFrom('2026-01-01T00:00:00Z', '1767225600', '2026-06-01'), { minLength: 1, maxLength: 2 }),
    requestValue: fc.constantFrom('2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', '1780272000'),
  }),
  fc.record({
    base: fc.constant('IpAddress'),
    key: fc.constant('x:ip'),
    values: fc.array(fc.constantFrom('10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32'), { minLength: 1, maxLength: 2 }),
    requestValue: fc.constantFrom('10.1.2.3', '10.2.0.1', '11.0.0.1', '2001:db8::1'),
  }),
  fc.record({
    base: fc.constantFrom('ArnLike', 'ArnEquals'),
    key: fc.constant('x:arn'),
    values: fc.array(fc.constantFrom('arn:aws:iam::*:user/a*', 'arn:aws:iam::111111111111:user/alice', 'arn:aws:s3:::*'), { minLength: 1, maxLength: 2 }),
    requestValue: fc.constantFrom('arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::222222222222:user/bob', 'arn:aws:s3:::b'),
  }),
);

const NEGATION: Record<string, string> = {
  StringEquals: 'StringNotEquals',
  StringLike: 'StringNotLike',
  StringEqualsIgnoreCase: 'StringNotEqualsIgnoreCase',
  NumericEquals: 'NumericNotEquals',
  DateEquals: 'DateNotEquals',
  IpAddress: 'NotIpAddress',
  ArnLike: 'ArnNotLike',
  ArnEquals: 'ArnNotEquals',
};

describe('condition operators, as laws', () => {
  it('Not-X is the negation of X when the key is present; a missing key fails X and satisfies Not-X', () => {
    fc.assert(
      fc.property(
        operatorCase.filter((c) => NEGATION[c.base] !== undefined),
        ({ base, key, values, requestValue }) => {
          const negated = NEGATION[base] as string;
          expect(conditionHolds({ [negated]: { [key]: values } }, { [key]: requestValue })).toBe(!conditionHolds({ [base]: { [key]: values } }, { [key]: requestValue }));
          expect(conditionHolds({ [base]: { [key]: values } }, {})).toBe(false);
          expect(conditionHolds({ [negated]: { [key]: values } }, {})).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('…IfExists is true on a missing key and is X on a present one', () => {
    fc.assert(
      fc.property(operatorCase, ({ base, key, values, requestValue }) => {
        expect(conditionHolds({ [`${base}IfExists`]: { [key]: values } }, {})).toBe(true);
        expect(conditionHolds({ [`${base}IfExists`]: { [key]: values } }, { [key]: requestValue })).toBe(conditionHolds({ [base]: { [key]: values } }, { [key]: requestValue }));
      }),
      RUNS,
    );
  });

  it('several values are ORed for X and ANDed for Not-X', () => {
    fc.assert(
      fc.property(operatorCase, ({ base, key, values, requestValue }) => {
        const each = values.map((value) => conditionHolds({ [base]: { [key]: [value] } }, { [key]: requestValue }));
        expect(conditionHolds({ [base]: { [key]: values } }, { [key]: requestValue })).toBe(each.some(Boolean));
        const negated = NEGATION[base];
        if (negated === undefined) return;
        const eachNot = values.map((value) => conditionHolds({ [negated]: { [key]: [value] } }, { [key]: requestValue }));
        expect(conditionHolds({ [negated]: { [key]: values } }, { [key]: requestValue })).toBe(eachNot.every(Boolean));
      }),
      RUNS,
    );
  });

  it('several keys and several operators are ANDed', () => {
    fc.assert(
      fc.property(operatorCase, operatorCase, fc.boolean(), (first, second, present) => {
        const context: ConditionContext = present ? { [first.key]: first.requestValue, [second.key]: second.requestValue } : { [first.key]: first.requestValue };
        const firstBlock = { [first.base]: { [first.key]: first.values } };
        const secondBlock = { [second.base]: { [second.key]: second.values } };
        const together =
          first.base === second.base ? { [first.base]: { ...firstBlock[first.base], ...secondBlock[second.base] } } : { ...firstBlock, ...secondBlock };
        fc.pre(first.key !== second.key);
        expect(conditionHolds(together, context)).toBe(conditionHolds(firstBlock, context) && conditionHolds(secondBlock, context));
      }),
      RUNS,
    );
  });

  it('ForAllValues holds when every request value satisfies X (so on an empty or missing set); ForAnyValue when some does (never on an empty set)', () => {
    fc.assert(
      fc.property(operatorCase, fc.array(fc.nat(), { maxLength: 3 }), ({ base, key, values, requestValue }, picks) => {
        const pool = [requestValue, values[0] ?? requestValue, `${requestValue}z`];
        const requestValues = picks.map((pick) => pool[pick % pool.length] as string);
        const each = requestValues.map((value) => conditionHolds({ [base]: { [key]: values } }, { [key]: value }));
        expect(conditionHolds({ [`ForAllValues:${base}`]: { [key]: values } }, { [key]: requestValues })).toBe(each.every(Boolean));
        expect(conditionHolds({ [`ForAnyValue:${base}`]: { [key]: values } }, { [key]: requestValues })).toBe(each.some(Boolean));
        expect(conditionHolds({ [`ForAllValues:${base}`]: { [key]: values } }, {})).toBe(true);
        expect(conditionHolds({ [`ForAnyValue:${base}`]: { [key]: values } }, {})).toBe(false);
        expect(conditionHolds({ [`ForAllValues:${base}`]: { [key]: values } }, { [key]: [] })).toBe(true);
        expect(conditionHolds({ [`ForAnyValue:${base}`]: { [key]: values } }, { [key]: [] })).toBe(false);
        // A single value is a set of one.
        expect(conditionHolds({ [`ForAnyValue:${base}`]: { [key]: values } }, { [key]: requestValue })).toBe(conditionHolds({ [base]: { [key]: values } }, { [key]: requestValue }));
      }),
      RUNS,
    );
  });

  it('StringEqualsIgnoreCase is StringEquals on lower-cased sides; condition keys are case-insensitive', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'A', 'b', 'aB'), { minLength: 1, maxLength: 3 }), fc.constantFrom('a', 'A', 'ab', 'AB'), fc.boolean(), (values, value, upperKey) => {
        const key = upperKey ? 'X:KEY' : 'x:key';
        expect(conditionHolds({ StringEqualsIgnoreCase: { [key]: values } }, { 'x:Key': value })).toBe(
          conditionHolds({ StringEquals: { 'x:key': values.map((v) => v.toLowerCase()) } }, { 'x:key': value.toLowerCase() }),
        );
      }),
      RUNS,
    );
  });

  it('Null is "the key is absent" for true and "present" for false', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (present, wantsAbsent) => {
        expect(conditionHolds({ Null: { 'x:k': String(wantsAbsent) } }, present ? { 'x:k': 'v' } : {})).toBe(wantsAbsent !== present);
      }),
    );
  });

  it('a generated condition never makes a statement apply where the same statement without it does not', () => {
    fc.assert(
      fc.property(generatedRequest, statementJson, conditionBlock, (generated, statement, block) => {
        const req = toRequest(generated);
        const bare: StatementJson = { ...statement };
        delete bare.Condition;
        const conditioned = { ...bare, Condition: block };
        const without = evaluatePolicies(req, attach([{ Version: '2012-10-17', Statement: [bare] }])).decision;
        const withCondition = evaluatePolicies(req, attach([{ Version: '2012-10-17', Statement: [conditioned] }])).decision;
        if (without === 'implicit-deny') expect(withCondition).toBe('implicit-deny');
      }),
      RUNS,
    );
  });
});

/** The definition of `*` and `?` matching, written as plainly as possible: no regular expression, no cleverness. */
const referenceMatch = (pattern: string, value: string): boolean => {
  if (pattern === '') return value === '';
  const [head, rest] = [pattern[0], pattern.slice(1)];
  if (head === '*') return referenceMatch(rest, value) || (value !== '' && referenceMatch(pattern, value.slice(1)));
  if (value === '') return false;
  return (head === '?' || head === value[0]) && referenceMatch(rest, value.slice(1));
};

describe('wildcard matching', () => {
  const patternText = fc.string({ unit: fc.constantFrom('a', 'b', ':', '*', '?'), maxLength: 8 });
  const valueText = fc.string({ unit: fc.constantFrom('a', 'b', ':', '*', '?'), maxLength: 8 });

  it('agrees with the plain recursive definition', () => {
    fc.assert(
      fc.property(patternText, valueText, (pattern, value) => {
        expect(wildcardMatchText(pattern, value)).toBe(referenceMatch(pattern, value));
      }),
      propertyRuns(3000),
    );
  });

  it('a pattern without ?, split at its stars, matches as the general matcher does', () => {
    fc.assert(
      fc.property(patternText, valueText, (pattern, value) => {
        const segments = starSegments(pattern);
        if (pattern.includes('?')) expect(segments).toBeUndefined();
        else expect(starSegmentsMatch(segments as readonly string[], value)).toBe(referenceMatch(pattern, value));
      }),
      propertyRuns(3000),
    );
  });

  it('a literal character matches only itself, even a * or ?', () => {
    fc.assert(
      fc.property(patternText, valueText, fc.array(fc.boolean(), { maxLength: 8 }), (pattern, value, flags) => {
        const literal = Uint8Array.from(pattern, (_, i) => (flags[i] === true ? 1 : 0));
        // The reference: a literal * or ? becomes a character that is no wildcard and that only itself matches.
        const escape = (text: string, marks: (i: number) => boolean): string =>
          [...text].map((ch, i) => (marks(i) && ch === '*' ? '\u0001' : marks(i) && ch === '?' ? '\u0002' : ch)).join('');
        const expected = referenceMatch(escape(pattern, (i) => literal[i] === 1), escape(value, () => true));
        expect(wildcardMatch({ text: pattern, literal }, value)).toBe(expected);
      }),
      propertyRuns(3000),
    );
  });
});
