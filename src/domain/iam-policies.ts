import { err, ok, type Result } from 'neverthrow';
import type { AttachedManagedPolicy, Group, ManagedPolicy, ManagedPolicyVersion } from './shapes.js';

/**
 * Policies and groups as IAM keeps them: inline policies (a name and a document, held by a user or a group), customer managed
 * policies (an account's own, with an ARN), AWS managed policies (`arn:aws:iam::aws:policy/…`, the same in every account) and
 * groups. Names of groups and policies are unique within their scope without regard to case, as user names are; answers carry a
 * name as it was given.
 */
export const nameKey = (name: string): string => name.toLowerCase();

/** Who holds inline policies and attachments: a user (by UserId) or a group (by GroupId). Ids are never reused. */
export interface PolicyHolder {
  readonly kind: 'user' | 'group';
  readonly id: string;
}

export interface InlinePolicyRecord {
  readonly policyName: string;
  /** The document as the client sent it. */
  readonly document: string;
}

export interface ManagedPolicyRecord {
  /** The owning account, or `aws` for an AWS managed policy. */
  readonly accountId: string;
  readonly policyName: string;
  readonly policyId: string;
  readonly path: string;
  readonly description?: string | undefined;
  readonly document: string;
  readonly defaultVersionId: string;
  readonly createDate: Date;
  readonly updateDate: Date;
}

export interface GroupRecord {
  readonly accountId: string;
  readonly groupName: string;
  readonly groupId: string;
  readonly path: string;
  readonly createDate: Date;
}

export interface GroupMember {
  readonly userId: string;
  readonly userName: string;
}

/** The account of AWS managed policies, as their ARNs spell it. */
export const AWS_MANAGED_ACCOUNT = 'aws';

export const policyArn = (accountId: string, path: string, policyName: string): string => `arn:aws:iam::${accountId}:policy${path}${policyName}`;

export const groupArn = (record: GroupRecord): string => `arn:aws:iam::${record.accountId}:group${record.path}${record.groupName}`;

/** A policy ARN taken apart: its account (12 digits or `aws`), path and name. */
export interface PolicyArnParts {
  readonly accountId: string;
  readonly path: string;
  readonly policyName: string;
}

const POLICY_ARN = /^arn:aws:iam::(\d{12}|aws):policy((?:\/[\u0021-\u007E]+)?\/)([\w+=,.@-]{1,128})$/u;

/** The parts of a policy ARN; anything that is not one names no policy (NoSuchEntity at the caller). */
export const parsePolicyArn = (arn: string): Result<PolicyArnParts, 'not a policy arn'> => {
  const match = POLICY_ARN.exec(arn);
  if (match === null) return err('not a policy arn');
  return ok({ accountId: match[1] as string, path: match[2] as string, policyName: match[3] as string });
};

/** ARN of a stored managed policy record. */
export const arnOfPolicy = (record: ManagedPolicyRecord): string => policyArn(record.accountId, record.path, record.policyName);

/**
 * A policy's size as IAM's quotas count it: characters other than white space ("IAM doesn't count white space when calculating
 * the size of a policy against these limits", IAM quotas page).
 */
export const policySize = (document: string): number => document.replace(WHITE_SPACE, '').length;

const WHITE_SPACE = /\s+/gu;

/**
 * Documents in answers are URL-encoded (RFC 3986), as IAM returns them from GetUserPolicy, GetGroupPolicy and GetPolicyVersion;
 * the AWS CLI decodes them, the SDKs do not.
 */
export const encodePolicyDocument = (document: string): string => encodeURIComponent(document);

export const toManagedPolicy = (record: ManagedPolicyRecord, attachmentCount: number): ManagedPolicy => {
  const policy: ManagedPolicy = {
    PolicyName: record.policyName,
    PolicyId: record.policyId,
    Arn: arnOfPolicy(record),
    Path: record.path,
    DefaultVersionId: record.defaultVersionId,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: new Date(record.createDate),
    UpdateDate: new Date(record.updateDate),
  };
  if (record.description !== undefined) policy.Description = record.description;
  return policy;
};

export const toPolicyVersion = (record: ManagedPolicyRecord): ManagedPolicyVersion => ({
  Document: encodePolicyDocument(record.document),
  VersionId: record.defaultVersionId,
  IsDefaultVersion: true,
  CreateDate: new Date(record.updateDate),
});

export const toAttachedPolicy = (arn: string): AttachedManagedPolicy => {
  const parts = parsePolicyArn(arn);
  return { PolicyName: parts.isOk() ? parts.value.policyName : arn, PolicyArn: arn };
};

export const toGroup = (record: GroupRecord): Group => ({
  Path: record.path,
  GroupName: record.groupName,
  GroupId: record.groupId,
  Arn: groupArn(record),
  CreateDate: new Date(record.createDate),
});

/** Limits of IAM's quotas page (defaults; adjustable ones at their default). */
export const POLICY_LIMITS = {
  /** Aggregate size of a user's inline policies. */
  userInlineSize: 2048,
  /** Aggregate size of a group's inline policies. */
  groupInlineSize: 5120,
  /** Size of one managed policy. */
  managedSize: 6144,
  /** Managed policies attached to one user or one group. */
  attachedPerHolder: 10,
  groupsPerUser: 10,
  groupsPerAccount: 300,
  customerManagedPerAccount: 1500,
} as const;
