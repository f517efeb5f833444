import { type Result, err, ok } from 'neverthrow';
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

/**
 * Whether a present ServiceSpecificCredentialId satisfies every constraint of `credentialIdSpec`: the common case, decided without
 * the generic machinery (its characters are ASCII, so its length in code points is its `length`).
 */
export const isValidCredentialId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 20 && value.length <= 128 && CREDENTIAL_ID_PATTERN.regex.test(value);

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

const violation = (spec: MemberSpec, constraint: string): string =>
  `Value at '${wireMemberName(spec.member)}' failed to satisfy constraint: ${constraint}`;

/** Appends to `found` every generic constraint `value` breaks (nothing, and no allocation, when it satisfies them all). */
const collectGenericViolations = (spec: MemberSpec, value: unknown, found: string[]): void => {
  if (value === undefined || value === null) {
    if (spec.required === true) {
      found.push(`Value null at '${wireMemberName(spec.member)}' failed to satisfy constraint: Member must not be null`);
    }
    return;
  }
  switch (spec.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') found.push(violation(spec, 'Member must be a boolean'));
      return;
    case 'integer': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        found.push(violation(spec, 'Member must be an integer'));
        return;
      }
      if (spec.min !== undefined && value < spec.min)
        found.push(violation(spec, `Member must have value greater than or equal to ${spec.min}`));
      if (spec.max !== undefined && value > spec.max)
        found.push(violation(spec, `Member must have value less than or equal to ${spec.max}`));
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        found.push(violation(spec, 'Member must be a string'));
        return;
      }
      if (spec.enumValues !== undefined && !spec.enumValues.includes(value)) {
        found.push(violation(spec, 'Member must satisfy enum value set'));
      }
      if (spec.pattern !== undefined && !spec.pattern.regex.test(value)) {
        found.push(violation(spec, `Member must satisfy regular expression pattern: ${spec.pattern.source}`));
      }
      if (spec.minLength === undefined && spec.maxLength === undefined) return;
      const length = codePointLength(value);
      if (spec.minLength !== undefined && length < spec.minLength)
        found.push(violation(spec, `Member must have length greater than or equal to ${spec.minLength}`));
      if (spec.maxLength !== undefined && length > spec.maxLength)
        found.push(violation(spec, `Member must have length less than or equal to ${spec.maxLength}`));
      return;
    }
  }
};

/** Joins violations the way AWS does: "1 validation error detected: a" / "2 validation errors detected: a; b". */
export const formatValidationMessage = (violations: readonly string[]): string =>
  `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`;

/**
 * Checks `input` against `specs` (in the order given, which is the order the message lists them) and returns the input narrowed to
 * `T` when every constraint holds.
 */
export const validateRequest = <T>(input: unknown, specs: readonly MemberSpec[]): Result<T, IamError> => {
  const record: Record<string, unknown> = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const generic: string[] = [];
  for (const spec of specs) collectGenericViolations(spec, record[spec.member], generic);
  if (generic.length > 0) return err(validationError(formatValidationMessage(generic)));
  // Only the members of the shape, and null as absent: an operation can then test `=== undefined` and never meets a null.
  const members: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = record[spec.member];
    if (spec.customPattern !== undefined && typeof value === 'string' && !spec.customPattern.regex.test(value)) {
      return err(validationError(spec.customPattern.message));
    }
    if (value !== undefined && value !== null) members[spec.member] = value;
  }
  return ok(members as T);
};
