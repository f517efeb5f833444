import type { MemberSpec } from './validation.js';

/**
 * The members of the policy and group operations, with the constraints of the IAM API reference (its data types: policyNameType,
 * groupNameType, policyDocumentType, arnType, policyPathType, policyVersionIdType, policyDescriptionType, policyScopeType,
 * PolicyUsageType).
 */
const wholeMatch = (source: string): { source: string; regex: RegExp } => ({ source, regex: new RegExp(`^(?:${source})$`, 'u') });

const NAME_PATTERN = wholeMatch('[\\w+=,.@-]+');

export const policyNameSpec: MemberSpec = { member: 'PolicyName', required: true, kind: 'string', minLength: 1, maxLength: 128, pattern: NAME_PATTERN };

/** Group names get IAM's own message, as user names do. */
export const groupNameSpec: MemberSpec = {
  member: 'GroupName',
  required: true,
  kind: 'string',
  minLength: 1,
  maxLength: 128,
  customPattern: {
    regex: NAME_PATTERN.regex,
    message: 'The specified value for groupName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
  },
};

export const policyDocumentSpec: MemberSpec = {
  member: 'PolicyDocument',
  required: true,
  kind: 'string',
  minLength: 1,
  maxLength: 131072,
  pattern: wholeMatch('[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+'),
};

export const policyArnSpec: MemberSpec = { member: 'PolicyArn', required: true, kind: 'string', minLength: 20, maxLength: 2048 };

const POLICY_PATH_PATTERN = wholeMatch('((/[A-Za-z0-9\\.,\\+@=_-]+)*)/');

export const policyPathSpec: MemberSpec = { member: 'Path', kind: 'string', minLength: 1, maxLength: 512, pattern: POLICY_PATH_PATTERN };

export const policyPathPrefixSpec: MemberSpec = { member: 'PathPrefix', kind: 'string', minLength: 1, maxLength: 512, pattern: POLICY_PATH_PATTERN };

export const policyDescriptionSpec: MemberSpec = { member: 'Description', kind: 'string', minLength: 0, maxLength: 1000 };

export const versionIdSpec: MemberSpec = { member: 'VersionId', required: true, kind: 'string', pattern: wholeMatch('v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?') };

export const scopeSpec: MemberSpec = { member: 'Scope', kind: 'string', enumValues: ['All', 'AWS', 'Local'] };

export const onlyAttachedSpec: MemberSpec = { member: 'OnlyAttached', kind: 'boolean' };

export const policyUsageFilterSpec: MemberSpec = { member: 'PolicyUsageFilter', kind: 'string', enumValues: ['PermissionsPolicy', 'PermissionsBoundary'] };
