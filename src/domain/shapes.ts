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
