/**
 * What each IAM action this engine answers is authorised on, as the Service Authorization Reference for IAM lists it: the ARN of the
 * user, group or policy the request names, or `*` for the actions that list an account's entities. Pure: the caller fills in the
 * account and the entities' paths.
 */
export type ActionResource =
  /** The user the member names; the caller's own user when the member is absent (AWS's default for these actions). */
  | { readonly kind: 'user'; readonly member: 'UserName' }
  /** ListServiceSpecificCredentials: the caller's or the named user, every user with AllUsers. */
  | { readonly kind: 'user-or-all-users' }
  /** A user the request creates, at the Path it gives. */
  | { readonly kind: 'new-user' }
  | { readonly kind: 'group' }
  | { readonly kind: 'new-group' }
  /** The PolicyArn the request names. */
  | { readonly kind: 'policy-arn' }
  | { readonly kind: 'new-policy' }
  | { readonly kind: 'all' };

const USER: ActionResource = { kind: 'user', member: 'UserName' };
const GROUP: ActionResource = { kind: 'group' };
const ALL: ActionResource = { kind: 'all' };

export const ACTION_RESOURCES: Readonly<Record<string, ActionResource>> = {
  CreateServiceSpecificCredential: USER,
  ListServiceSpecificCredentials: { kind: 'user-or-all-users' },
  ResetServiceSpecificCredential: USER,
  UpdateServiceSpecificCredential: USER,
  DeleteServiceSpecificCredential: USER,
  CreateUser: { kind: 'new-user' },
  GetUser: USER,
  DeleteUser: USER,
  ListUsers: ALL,
  CreateAccessKey: USER,
  ListAccessKeys: USER,
  UpdateAccessKey: USER,
  DeleteAccessKey: USER,
  PutUserPolicy: USER,
  GetUserPolicy: USER,
  ListUserPolicies: USER,
  DeleteUserPolicy: USER,
  AttachUserPolicy: USER,
  DetachUserPolicy: USER,
  ListAttachedUserPolicies: USER,
  ListGroupsForUser: USER,
  CreatePolicy: { kind: 'new-policy' },
  GetPolicy: { kind: 'policy-arn' },
  GetPolicyVersion: { kind: 'policy-arn' },
  DeletePolicy: { kind: 'policy-arn' },
  ListPolicies: ALL,
  CreateGroup: { kind: 'new-group' },
  GetGroup: GROUP,
  DeleteGroup: GROUP,
  ListGroups: ALL,
  AddUserToGroup: GROUP,
  RemoveUserFromGroup: GROUP,
  PutGroupPolicy: GROUP,
  GetGroupPolicy: GROUP,
  ListGroupPolicies: GROUP,
  DeleteGroupPolicy: GROUP,
  AttachGroupPolicy: GROUP,
  DetachGroupPolicy: GROUP,
  ListAttachedGroupPolicies: GROUP,
};

/** The resource of an action this table does not know: `*`. */
export const resourceOf = (action: string): ActionResource => (Object.hasOwn(ACTION_RESOURCES, action) ? (ACTION_RESOURCES[action] as ActionResource) : ALL);

/** A path as an ARN carries it: the request's text when it is a string, `/` otherwise. */
const pathOf = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '/');

export const userArn = (accountId: string, path: unknown, userName: string): string => `arn:aws:iam::${accountId}:user${pathOf(path)}${userName}`;

export const groupArn = (accountId: string, path: unknown, groupName: string): string => `arn:aws:iam::${accountId}:group${pathOf(path)}${groupName}`;

export const policyArn = (accountId: string, path: unknown, policyName: string): string => `arn:aws:iam::${accountId}:policy${pathOf(path)}${policyName}`;
