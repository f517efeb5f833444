import { type Err, type Result, err, ok } from 'neverthrow';
import { type IamError, validationError } from './iam-error.js';

/**
 * Request validation in two phases, as IAM does it: first the model's constraints (presence, type, length, range, enum, pattern),
 * reported together in AWS's generic form ("N validation errors detected: ...; ..."); then IAM's own checks whose messages are
 * hand-written (the user-name and path patterns), reported one at a time. IAM leaves the offending value out of the generic
 * message (`Value at 'status'`), so we do too.
 */
export interface MemberSpec {
  /** PascalCase member name of the request shape. */
  readonly member: string;
  readonly required?: boolean;
  readonly kind: 'string' | 'integer' | 'boolean';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: { readonly source: string; readonly regex: RegExp };
  readonly enumValues?: readonly string[];
  /** Message used, on its own, when the value breaks `customPattern` (and no generic constraint failed). */
  readonly customPattern?: { readonly regex: RegExp; readonly message: string };
}

const wholeMatch = (source: string): { source: string; regex: RegExp } => ({ source, regex: new RegExp(`^(?:${source})$`, 'u') });

const USER_NAME_PATTERN = wholeMatch('[\\w+=,.@-]+');
const CREDENTIAL_ID_PATTERN = wholeMatch('[\\w]+');
const MARKER_PATTERN = wholeMatch('[\\u0020-\\u00FF]+');
const PATH_PATTERN = wholeMatch('(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
const PATH_PREFIX_PATTERN = wholeMatch('\\u002F[\\u0021-\\u007E]*');

const userNameMessage =
  'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-';

export const userNameSpec = (required: boolean): MemberSpec => ({
  member: 'UserName',
  required,
  kind: 'string',
  minLength: 1,
  maxLength: 64,
  customPattern: { regex: USER_NAME_PATTERN.regex, message: userNameMessage },
});

export const credentialIdSpec: MemberSpec = {
  member: 'ServiceSpecificCredentialId',
  required: true,
  kind: 'string',
  minLength: 20,
  maxLength: 128,
  pattern: CREDENTIAL_ID_PATTERN,
};

export const serviceNameSpec = (required: boolean): MemberSpec => ({ member: 'ServiceName', required, kind: 'string' });

export const markerSpec: MemberSpec = { member: 'Marker', kind: 'string', minLength: 1, maxLength: 320, pattern: MARKER_PATTERN };

export const maxItemsSpec: MemberSpec = { member: 'MaxItems', kind: 'integer', min: 1, max: 1000 };

const STATUS_VALUES = ['Active', 'Inactive', 'Expired'] as const;

export const statusSpec: MemberSpec = { member: 'Status', required: true, kind: 'string', enumValues: STATUS_VALUES };

export const credentialAgeDaysSpec: MemberSpec = { member: 'CredentialAgeDays', kind: 'integer', min: 1, max: 36600 };

export const allUsersSpec: MemberSpec = { member: 'AllUsers', kind: 'boolean' };

export const pathSpec: MemberSpec = {
  member: 'Path',
  kind: 'string',
  minLength: 1,
  maxLength: 512,
  customPattern: {
    regex: PATH_PATTERN.regex,
    message:
      'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
  },
};

export const pathPrefixSpec: MemberSpec = {
  member: 'PathPrefix',
  kind: 'string',
  minLength: 1,
  maxLength: 512,
  pattern: PATH_PREFIX_PATTERN,
};

/** AWS names members in messages by their wire name with the first letter lowered (`serviceSpecificCredentialId`). */
const wireMemberName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

/** Length in code points, as the model's length constraints count it: a surrogate pair is one, a lone surrogate is one. */
const codePointLength = (value: string): number => {
  let length = value.length;
  for (let index = 0; index < value.length - 1; index += 1) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length -= 1;
        index += 1;
      }
    }
  }
  return length;
};

/** One generic constraint of a member, and the message AWS gives when a value breaks it. */
interface Constraint {
  readonly holds: (value: unknown) => boolean;
  readonly message: string;
}

/** A member spec compiled: its constraints in AWS's order, the type check first (nothing else is checked when it fails). */
interface CompiledMember {
  readonly member: string;
  /** Whether a present value satisfies every constraint of the member, IAM's own pattern included: the common case, in one call. */
  readonly accepts: (value: unknown) => boolean;
  readonly nullMessage: string | undefined;
  readonly type: Constraint;
  readonly constraints: readonly Constraint[];
  readonly customPattern: MemberSpec['customPattern'];
}

// A code point is one or two code units: `length` decides most strings without counting.
const hasMinLength = (value: string, min: number): boolean => value.length >= 2 * min || (value.length >= min && codePointLength(value) >= min);
const hasMaxLength = (value: string, max: number): boolean => value.length <= max || codePointLength(value) <= max;

/** Number.isSafeInteger is false for anything but a number (it does not convert): it is the whole type check of an integer. */
export const isSafeInteger = (value: unknown): value is number => Number.isSafeInteger(value);

const compileMember = (spec: MemberSpec): CompiledMember => {
  const prefix = `Value at '${wireMemberName(spec.member)}' failed to satisfy constraint: `;
  const constraint = (holds: (value: never) => boolean, message: string): Constraint => ({
    holds: holds as (value: unknown) => boolean,
    message: prefix + message,
  });
  const constraints: Constraint[] = [];
  const { customPattern } = spec;
  let type: Constraint;
  let accepts: (value: unknown) => boolean;
  switch (spec.kind) {
    case 'boolean':
      type = constraint((value: unknown) => typeof value === 'boolean', 'Member must be a boolean');
      accepts = type.holds;
      break;
    case 'integer': {
      const { min, max } = spec;
      type = constraint(isSafeInteger, 'Member must be an integer');
      if (min !== undefined) constraints.push(constraint((value: number) => value >= min, `Member must have value greater than or equal to ${min}`));
      if (max !== undefined) constraints.push(constraint((value: number) => value <= max, `Member must have value less than or equal to ${max}`));
      accepts = (value) => isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
      break;
    }
    case 'string': {
      const { enumValues, pattern, minLength, maxLength } = spec;
      type = constraint((value: unknown) => typeof value === 'string', 'Member must be a string');
      if (enumValues !== undefined) constraints.push(constraint((value: string) => enumValues.includes(value), 'Member must satisfy enum value set'));
      if (pattern !== undefined) {
        constraints.push(constraint((value: string) => pattern.regex.test(value), `Member must satisfy regular expression pattern: ${pattern.source}`));
      }
      if (minLength !== undefined) {
        constraints.push(constraint((value: string) => hasMinLength(value, minLength), `Member must have length greater than or equal to ${minLength}`));
      }
      if (maxLength !== undefined) {
        constraints.push(constraint((value: string) => hasMaxLength(value, maxLength), `Member must have length less than or equal to ${maxLength}`));
      }
      accepts = (value) =>
        typeof value === 'string' &&
        (enumValues === undefined || enumValues.includes(value)) &&
        (pattern === undefined || pattern.regex.test(value)) &&
        (minLength === undefined || hasMinLength(value, minLength)) &&
        (maxLength === undefined || hasMaxLength(value, maxLength)) &&
        (customPattern === undefined || customPattern.regex.test(value));
      break;
    }
  }
  return {
    member: spec.member,
    accepts,
    nullMessage: spec.required === true ? `Value null at '${wireMemberName(spec.member)}' failed to satisfy constraint: Member must not be null` : undefined,
    type,
    constraints,
    customPattern,
  };
};

/** Joins violations the way AWS does: "1 validation error detected: a" / "2 validation errors detected: a; b". */
export const formatValidationMessage = (violations: readonly string[]): string =>
  `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`;

/** Checks a request and answers it narrowed to the request's type, null members read as absent. */
export type Validator<T> = (request: unknown) => Result<T, IamError>;

/**
 * An operation's validator, built once from its member specs (listed in request-shape order, which is the order messages name
 * them). A valid request costs one check per constraint and one object; the generic messages come from the same specs.
 */
export const compileValidator = <T>(specs: readonly MemberSpec[]): Validator<T> => {
  const members = specs.map(compileMember);
  return (request) => {
    const record = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    let hasNull = false;
    for (const member of members) {
      const value = record[member.member];
      if (value === undefined || value === null) {
        if (member.nullMessage !== undefined) return explainViolations(members, record);
        hasNull ||= value === null;
      } else if (!member.accepts(value)) {
        return explainViolations(members, record);
      }
    }
    // The request itself, read once by the operation before it asks any port; copied only to drop the nulls a JavaScript caller
    // may send for absent members.
    return ok((hasNull ? withoutNulls(members, record) : record) as T);
  };
};

const withoutNulls = (members: readonly CompiledMember[], record: Record<string, unknown>): Record<string, unknown> => {
  const values: Record<string, unknown> = {};
  for (const { member } of members) if (record[member] !== undefined && record[member] !== null) values[member] = record[member];
  return values;
};

/**
 * Why a request is invalid, as IAM says it: first every generic violation, in member order, in one message; failing those, the
 * first of IAM's own pattern messages.
 */
const explainViolations = (members: readonly CompiledMember[], record: Record<string, unknown>): Err<never, IamError> => {
  const violations: string[] = [];
  for (const member of members) {
    const value = record[member.member];
    if (value === undefined || value === null) {
      if (member.nullMessage !== undefined) violations.push(member.nullMessage);
      continue;
    }
    if (!member.type.holds(value)) {
      violations.push(member.type.message);
      continue;
    }
    for (const constraint of member.constraints) if (!constraint.holds(value)) violations.push(constraint.message);
  }
  if (violations.length > 0) return err(validationError(formatValidationMessage(violations)));
  // An absent member breaks no pattern (a regular expression would test the text "undefined").
  const broken = members.find(
    ({ member, customPattern }) => customPattern !== undefined && record[member] != null && !customPattern.regex.test(record[member] as string),
  );
  return err(validationError(broken?.customPattern?.message ?? 'Invalid request.'));
};
