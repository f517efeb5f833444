import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allUsersSpec,
  compileValidator,
  credentialAgeDaysSpec,
  credentialIdSpec,
  markerSpec,
  maxItemsSpec,
  type MemberSpec,
  pathPrefixSpec,
  pathSpec,
  serviceNameSpec,
  statusSpec,
  userNameSpec,
} from '../../src/domain/validation.js';

/**
 * Request validation against a small reference model of what IAM does: phase one reports every generic violation of the model's
 * constraints (null for a required member; else the type; else enum, pattern, minimum length, maximum length / minimum, maximum), in
 * member order, in one message; phase two, only when phase one found nothing, IAM's own pattern message of the first member that
 * breaks it. Lengths count code points (a surrogate pair is one, a lone surrogate is one). A valid request comes back with its null
 * members read as absent.
 */
const SPECS: readonly MemberSpec[] = [
  userNameSpec(true),
  userNameSpec(false),
  credentialIdSpec,
  serviceNameSpec(true),
  serviceNameSpec(false),
  markerSpec,
  maxItemsSpec,
  statusSpec,
  credentialAgeDaysSpec,
  allUsersSpec,
  pathSpec,
  pathPrefixSpec,
  // Specs no operation has (yet): a member with no bounds, only one bound, every kind of constraint at once.
  { member: 'Count', kind: 'integer' },
  { member: 'Floor', kind: 'integer', required: true, min: -3 },
  { member: 'Ceiling', kind: 'integer', max: 2 },
  { member: 'Note', kind: 'string' },
  { member: 'Short', kind: 'string', maxLength: 3 },
  { member: 'Long', kind: 'string', required: true, minLength: 2 },
  { member: 'Flag', kind: 'boolean', required: true },
  {
    member: 'Code',
    kind: 'string',
    enumValues: ['ab', 'a b', 'a/', '/a/', 'AAA'],
    pattern: { source: '[a-z/]+', regex: /^(?:[a-z/]+)$/u },
    minLength: 2,
    maxLength: 3,
    customPattern: { regex: /^\/.*\/$/, message: 'Code must begin and end with /.' },
  },
];

const wire = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);
const codePoints = (text: string): number => [...text].length;

const referenceViolations = (spec: MemberSpec, value: unknown): string[] => {
  const at = `Value at '${wire(spec.member)}' failed to satisfy constraint: `;
  if (value === undefined || value === null) return spec.required === true ? [`Value null at '${wire(spec.member)}' failed to satisfy constraint: Member must not be null`] : [];
  const out: string[] = [];
  switch (spec.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}Member must be a boolean`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) out.push(`${at}Member must be an integer`);
      else {
        if (spec.min !== undefined && value < spec.min) out.push(`${at}Member must have value greater than or equal to ${spec.min}`);
        if (spec.max !== undefined && value > spec.max) out.push(`${at}Member must have value less than or equal to ${spec.max}`);
      }
      break;
    case 'string':
      if (typeof value !== 'string') out.push(`${at}Member must be a string`);
      else {
        if (spec.enumValues !== undefined && !spec.enumValues.includes(value)) out.push(`${at}Member must satisfy enum value set`);
        if (spec.pattern !== undefined && !spec.pattern.regex.test(value)) {
          out.push(`${at}Member must satisfy regular expression pattern: ${spec.pattern.source}`);
        }
        if (spec.minLength !== undefined && codePoints(value) < spec.minLength) out.push(`${at}Member must have length greater than or equal to ${spec.minLength}`);
        if (spec.maxLength !== undefined && codePoints(value) > spec.maxLength) out.push(`${at}Member must have length less than or equal to ${spec.maxLength}`);
      }
      break;
  }
  return out;
};

/** What IAM answers for a request: the message of its ValidationError, or undefined when it is valid. */
const referenceMessage = (specs: readonly MemberSpec[], record: Record<string, unknown>): string | undefined => {
  const violations = specs.flatMap((spec) => referenceViolations(spec, record[spec.member]));
  if (violations.length === 1) return `1 validation error detected: ${violations[0]}`;
  if (violations.length > 1) return `${violations.length} validation errors detected: ${violations.join('; ')}`;
  const broken = specs.find(
    (spec) => spec.customPattern !== undefined && record[spec.member] != null && !spec.customPattern.regex.test(record[spec.member] as string),
  );
  return broken?.customPattern?.message;
};

/** Text built from pieces that sit on every boundary: astral characters, lone surrogates, Latin-1, ASCII, path and name characters. */
const PIECES = ['a', 'Z', '9', '_', '+', '=', ',', '.', '@', '-', '/', ' ', '~', '!', 'é', 'ÿ', 'Ā', '\u{1F600}', '\uD800', '\uDC00', '\u0000', ':'];
const textOf = (length: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...PIECES), { minLength: length, maxLength: length }).map((parts) => parts.join(''));

/** Strings around a member's length bounds (in code points), plus short arbitrary ones. */
const stringFor = (spec: MemberSpec): fc.Arbitrary<string> => {
  const lengths = [0, 1, 2, 3, 19, 20, 21, 63, 64, 65, 127, 128, 129, 319, 320, 321].filter((n) => n <= (spec.maxLength ?? 64) + 1);
  const valid = spec.enumValues ?? [];
  return fc.oneof(
    fc.constantFrom(...lengths).chain(textOf),
    fc.nat({ max: 6 }).chain(textOf),
    // Pure \w text of a given length, so that length alone decides (and the pattern passes).
    fc.constantFrom(...lengths).map((n) => 'A'.repeat(n)),
    fc.constantFrom(...lengths).map((n) => '\u{1F600}'.repeat(n)),
    fc.constantFrom('/', '/a/', '/a', 'a/', '//', '/\u007F/', '/~/', ...valid),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
};

const integerFor = (spec: MemberSpec): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, 1, 2, 999, 1000, 1001, 36_599, 36_600, 36_601, -1, spec.min ?? 0, spec.max ?? 0),
    fc.integer(),
    fc.constantFrom(1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER),
  );

const valueFor = (spec: MemberSpec): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: spec.kind === 'string' ? stringFor(spec) : spec.kind === 'integer' ? integerFor(spec) : fc.boolean() },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, true, 7, '7', 'true', {}, [] as unknown[]) },
  );

/** A request for a list of members: each member absent, null, or a value of any type. */
const requestFor = (specs: readonly MemberSpec[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(...specs.map((spec) => fc.option(valueFor(spec), { nil: undefined }))).map((values) => {
    const record: Record<string, unknown> = {};
    specs.forEach((spec, index) => {
      if (values[index] !== undefined) record[spec.member] = values[index];
    });
    return record;
  });

/** Specs of distinct members, in any order (request-shape order is whatever the operation lists). */
const specList = fc.shuffledSubarray([...SPECS], { minLength: 1, maxLength: 6 }).map((specs) => specs.filter((spec, index) => specs.findIndex((s) => s.member === spec.member) === index));

describe('compileValidator agrees with the reference model of IAM validation', () => {
  it('answers every request as the model does: the same message, or the request with null members read as absent', () => {
    fc.assert(
      fc.property(
        specList.chain((specs) => fc.tuple(fc.constant(specs), requestFor(specs))),
        ([specs, record]) => {
          const outcome = compileValidator<Record<string, unknown>>(specs)(record);
          const expected = referenceMessage(specs, record);
          if (expected === undefined) {
            expect(outcome.isOk(), JSON.stringify(outcome)).toBe(true);
            const value = outcome._unsafeUnwrap();
            for (const { member } of specs) {
              if (record[member] === null || record[member] === undefined) expect(Object.hasOwn(value, member)).toBe(false);
              else expect(value[member]).toBe(record[member]);
            }
          } else {
            expect(outcome.isErr()).toBe(true);
            expect(outcome._unsafeUnwrapErr()).toEqual({ code: 'ValidationError', message: expected, httpStatus: 400, type: 'Sender' });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts a length in code points at each bound: a surrogate pair is one, a lone surrogate is one', () => {
    const bounded = (minLength: number, maxLength: number) => compileValidator<{ Text: string }>([{ member: 'Text', kind: 'string', minLength, maxLength }]);
    fc.assert(
      fc.property(fc.nat({ max: 6 }), fc.nat({ max: 6 }), fc.string({ unit: 'binary', maxLength: 14 }), (a, b, text) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const length = codePoints(text);
        expect(bounded(min, max)({ Text: text }).isOk()).toBe(length >= min && length <= max);
      }),
      { numRuns: 1000 },
    );
    const pair = '\u{1F600}';
    expect(bounded(2, 2)({ Text: pair + pair }).isOk()).toBe(true);
    expect(bounded(3, 3)({ Text: pair + pair }).isOk()).toBe(false);
    expect(bounded(1, 1)({ Text: pair + pair }).isOk()).toBe(false);
    expect(bounded(2, 2)({ Text: '\uD800\uD800' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: '\uDC00\uD800' }).isOk()).toBe(true);
    expect(bounded(1, 1)({ Text: '\uD800\uDC00' }).isOk()).toBe(true);
    // The last code point, U+10FFFF, is the pair at the top of both ranges: one as well.
    expect(bounded(1, 1)({ Text: '\u{10FFFF}' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: `a\u{10FFFF}` }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: `a${pair}` }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: `${pair}\uDC00` }).isOk()).toBe(true);
    expect(bounded(3, 3)({ Text: `\uD800${pair}` }).isOk()).toBe(false);
    // A high surrogate followed by a unit that is no low surrogate (below or above the range) is two.
    expect(bounded(2, 2)({ Text: '\uD800\uE000' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: '\uD800\uDBFF' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: `\uD800${pair}` }).isOk()).toBe(true);
    // Only a high surrogate starts a pair: a low one, or a unit above the surrogates, followed by a low surrogate is two.
    expect(bounded(2, 2)({ Text: '\uDC00\uDC00' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: '\uE000\uDC00' }).isOk()).toBe(true);
    expect(bounded(2, 2)({ Text: '\uFFFF\uDFFF' }).isOk()).toBe(true);
  });

  it('reads null members as absent: a valid request comes back without its null and its absent members', () => {
    const validate = compileValidator<Record<string, unknown>>([userNameSpec(true), markerSpec, maxItemsSpec, pathSpec]);
    const value = validate({ UserName: 'alice', Marker: null, Other: 'kept out' })._unsafeUnwrap();
    expect(value).toStrictEqual({ UserName: 'alice' });
    expect(Object.keys(validate({ UserName: 'bob', MaxItems: 3 })._unsafeUnwrap())).toEqual(['UserName', 'MaxItems']);
  });

  it('a value exactly at its bound breaks nothing, also when another member makes the message', () => {
    // The message lists every violation; the integers at their inclusive bounds are none of them.
    const validate = compileValidator([userNameSpec(true), maxItemsSpec, credentialAgeDaysSpec]);
    for (const [maxItems, credentialAgeDays] of [[1, 1], [1000, 36_600]]) {
      expect(validate({ UserName: '', MaxItems: maxItems, CredentialAgeDays: credentialAgeDays })._unsafeUnwrapErr().message).toBe(
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
  });

  it('an absent member breaks no pattern of IAM\'s own, wherever it stands in the request', () => {
    // Path is listed first and absent; the user name breaks IAM's user-name pattern: its message is the answer.
    const validate = compileValidator([pathSpec, userNameSpec(true)]);
    expect(validate({ UserName: 'a b' })._unsafeUnwrapErr().message).toBe(
      'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    );
    expect(validate({ UserName: 'a b', Path: null })._unsafeUnwrapErr().message).toBe(validate({ UserName: 'a b' })._unsafeUnwrapErr().message);
  });

  it('reads a request that is not an object as one with no members', () => {
    const validate = compileValidator([userNameSpec(true), maxItemsSpec]);
    const none = validate({});
    for (const request of [undefined, null, 'UserName=alice', 42, true]) expect(validate(request)).toEqual(none);
    expect(none._unsafeUnwrapErr().message).toBe("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
    expect(compileValidator([maxItemsSpec])(null).isOk()).toBe(true);
    // The spec of a user name, compiled here: a string of the name's characters, IAM's own message otherwise.
    const userName = compileValidator([userNameSpec(true)]);
    expect(userName({ UserName: 'alice' }).isOk()).toBe(true);
    expect(userName({ UserName: 'a b' })._unsafeUnwrapErr().message).toBe(
      'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    );
    expect(userName({ UserName: 7 })._unsafeUnwrapErr().message).toBe("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must be a string");
  });
});
