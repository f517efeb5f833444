/**
 * The AWS request and response shapes of the model (PascalCase members, `Date` timestamps, optional members absent rather than
 * undefined), so values typed by the AWS SDK pass straight in and our answers compare equal to what the SDK parses.
 */
export type StatusType = 'Active' | 'Inactive' | 'Expired';

export interface CreateServiceSpecificCredentialRequest {
  UserName: string;
  ServiceName: string;
  CredentialAgeDays?: number;
}

export interface ListServiceSpecificCredentialsRequest {
  UserName?: string;
  ServiceName?: string;
  AllUsers?: boolean;
  Marker?: string;
  MaxItems?: number;
}

export interface ResetServiceSpecificCredentialRequest {
  ServiceSpecificCredentialId: string;
  UserName?: string;
}

export interface UpdateServiceSpecificCredentialRequest {
  ServiceSpecificCredentialId: string;
  Status: StatusType;
  UserName?: string;
}

export interface DeleteServiceSpecificCredentialRequest {
  ServiceSpecificCredentialId: string;
  UserName?: string;
}

export interface ServiceSpecificCredential {
  CreateDate: Date;
  ExpirationDate?: Date;
  ServiceName: string;
  ServiceUserName?: string;
  ServicePassword?: string;
  ServiceCredentialAlias?: string;
  ServiceCredentialSecret?: string;
  ServiceSpecificCredentialId: string;
  UserName: string;
  Status: StatusType;
}

export interface ServiceSpecificCredentialMetadata {
  UserName: string;
  Status: StatusType;
  ServiceUserName?: string;
  ServiceCredentialAlias?: string;
  CreateDate: Date;
  ExpirationDate?: Date;
  ServiceSpecificCredentialId: string;
  ServiceName: string;
}

export interface CreateServiceSpecificCredentialResponse {
  ServiceSpecificCredential: ServiceSpecificCredential;
}

export interface ResetServiceSpecificCredentialResponse {
  ServiceSpecificCredential: ServiceSpecificCredential;
}

export interface ListServiceSpecificCredentialsResponse {
  ServiceSpecificCredentials: ServiceSpecificCredentialMetadata[];
  Marker?: string;
  IsTruncated: boolean;
}

/** Update and Delete have no output in the model. */
export type EmptyResponse = Record<string, never>;

export interface CreateUserRequest {
  UserName: string;
  Path?: string;
}

export interface GetUserRequest {
  UserName?: string;
}

export interface DeleteUserRequest {
  UserName: string;
}

export interface ListUsersRequest {
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface User {
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: Date;
}

export interface CreateUserResponse {
  User: User;
}

export interface GetUserResponse {
  User: User;
}

export interface ListUsersResponse {
  Users: User[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface AuthenticateRequest {
  ServiceName: string;
  ServiceUserName: string;
  ServicePassword: string;
}

export interface AuthenticateApiKeyRequest {
  ServiceName: string;
  ApiKey: string;
}

export interface AuthenticatedPrincipal {
  AccountId: string;
  UserName: string;
  ServiceSpecificCredentialId: string;
}

// Policies and groups (inline, customer managed, AWS managed, attachments).

export interface PutUserPolicyRequest {
  UserName: string;
  PolicyName: string;
  PolicyDocument: string;
}

export interface GetUserPolicyRequest {
  UserName: string;
  PolicyName: string;
}

export interface GetUserPolicyResponse {
  UserName: string;
  PolicyName: string;
  /** URL-encoded, as IAM returns it. */
  PolicyDocument: string;
}

export interface DeleteUserPolicyRequest {
  UserName: string;
  PolicyName: string;
}

export interface ListUserPoliciesRequest {
  UserName: string;
  Marker?: string;
  MaxItems?: number;
}

export interface ListPolicyNamesResponse {
  PolicyNames: string[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface PutGroupPolicyRequest {
  GroupName: string;
  PolicyName: string;
  PolicyDocument: string;
}

export interface GetGroupPolicyRequest {
  GroupName: string;
  PolicyName: string;
}

export interface GetGroupPolicyResponse {
  GroupName: string;
  PolicyName: string;
  /** URL-encoded, as IAM returns it. */
  PolicyDocument: string;
}

export interface DeleteGroupPolicyRequest {
  GroupName: string;
  PolicyName: string;
}

export interface ListGroupPoliciesRequest {
  GroupName: string;
  Marker?: string;
  MaxItems?: number;
}

export interface CreatePolicyRequest {
  PolicyName: string;
  Path?: string;
  PolicyDocument: string;
  Description?: string;
}

export interface ManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  PermissionsBoundaryUsageCount: number;
  IsAttachable: boolean;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
}

export interface CreatePolicyResponse {
  Policy: ManagedPolicy;
}

export interface GetPolicyRequest {
  PolicyArn: string;
}

export interface GetPolicyResponse {
  Policy: ManagedPolicy;
}

export interface GetPolicyVersionRequest {
  PolicyArn: string;
  VersionId: string;
}

export interface ManagedPolicyVersion {
  /** URL-encoded, as IAM returns it. */
  Document: string;
  VersionId: string;
  IsDefaultVersion: boolean;
  CreateDate: Date;
}

export interface GetPolicyVersionResponse {
  PolicyVersion: ManagedPolicyVersion;
}

export type PolicyScopeType = 'All' | 'AWS' | 'Local';

export type PolicyUsageType = 'PermissionsPolicy' | 'PermissionsBoundary';

export interface ListPoliciesRequest {
  Scope?: PolicyScopeType;
  OnlyAttached?: boolean;
  PathPrefix?: string;
  PolicyUsageFilter?: PolicyUsageType;
  Marker?: string;
  MaxItems?: number;
}

export interface ListPoliciesResponse {
  Policies: ManagedPolicy[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface DeletePolicyRequest {
  PolicyArn: string;
}

export interface AttachUserPolicyRequest {
  UserName: string;
  PolicyArn: string;
}

export interface DetachUserPolicyRequest {
  UserName: string;
  PolicyArn: string;
}

export interface AttachGroupPolicyRequest {
  GroupName: string;
  PolicyArn: string;
}

export interface DetachGroupPolicyRequest {
  GroupName: string;
  PolicyArn: string;
}

export interface ListAttachedUserPoliciesRequest {
  UserName: string;
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface ListAttachedGroupPoliciesRequest {
  GroupName: string;
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface AttachedManagedPolicy {
  PolicyName: string;
  PolicyArn: string;
}

export interface ListAttachedPoliciesResponse {
  AttachedPolicies: AttachedManagedPolicy[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface Group {
  Path: string;
  GroupName: string;
  GroupId: string;
  Arn: string;
  CreateDate: Date;
}

export interface CreateGroupRequest {
  GroupName: string;
  Path?: string;
}

export interface CreateGroupResponse {
  Group: Group;
}

export interface GetGroupRequest {
  GroupName: string;
  Marker?: string;
  MaxItems?: number;
}

export interface GetGroupResponse {
  Group: Group;
  Users: User[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface ListGroupsRequest {
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface ListGroupsResponse {
  Groups: Group[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface DeleteGroupRequest {
  GroupName: string;
}

export interface AddUserToGroupRequest {
  GroupName: string;
  UserName: string;
}

export interface RemoveUserFromGroupRequest {
  GroupName: string;
  UserName: string;
}

export interface ListGroupsForUserRequest {
  UserName: string;
  Marker?: string;
  MaxItems?: number;
}
