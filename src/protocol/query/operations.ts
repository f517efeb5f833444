import type { ResultAsync } from 'neverthrow';
import type {
  CredentialEngine,
  IamError,
  RequestContext,
  ServiceSpecificCredential,
  ServiceSpecificCredentialMetadata,
  User,
} from '../../index.js';
import { ACCESS_KEY_OPERATIONS } from './operations-access-keys.js';
import { policyOperations } from './operations-policies.js';
import { type XmlElement, xmlBoolean, xmlTimestamp } from './xml.js';

/** How a Query parameter's text becomes a request member (the model's shape type). */
export type MemberKind = 'string' | 'integer' | 'boolean';

/**
 * One Query action: its input members (the ones we read; any other parameter is ignored, as AWS ignores unknown ones), the engine
 * call, and the Result element of its answer (undefined for operations without output, which answer only ResponseMetadata).
 */
export interface QueryOperation {
  readonly members: Readonly<Record<string, MemberKind>>;
  /** `members` as a list, in order. */
  readonly memberList: readonly (readonly [string, MemberKind])[];
  readonly call: (engine: CredentialEngine, input: Record<string, unknown>, ctx: RequestContext) => ResultAsync<unknown, IamError>;
  readonly result: (value: unknown) => XmlElement | undefined;
}

const operation = <T>(
  members: Readonly<Record<string, MemberKind>>,
  call: (engine: CredentialEngine, input: Record<string, unknown>, ctx: RequestContext) => ResultAsync<T, IamError>,
  result: (value: T) => XmlElement | undefined,
): QueryOperation => ({ members, memberList: Object.entries(members), call, result: result as (value: unknown) => XmlElement | undefined });

const optional = <T>(value: T | undefined, render: (value: T) => string): string | undefined =>
  value === undefined ? undefined : render(value);
const text = (value: string): string => value;

/** Member order of the API reference example (Create) and the model (others); the SDK does not depend on it. */
const credentialXml = (c: ServiceSpecificCredential): XmlElement => ({
  ServicePassword: c.ServicePassword,
  ServiceCredentialSecret: c.ServiceCredentialSecret,
  ServiceName: c.ServiceName,
  UserName: c.UserName,
  ServiceUserName: c.ServiceUserName,
  ServiceCredentialAlias: c.ServiceCredentialAlias,
  ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
  Status: c.Status,
  CreateDate: xmlTimestamp(c.CreateDate),
  ExpirationDate: optional(c.ExpirationDate, xmlTimestamp),
});

const credentialMetadataXml = (c: ServiceSpecificCredentialMetadata): XmlElement => ({
  UserName: c.UserName,
  Status: c.Status,
  ServiceUserName: c.ServiceUserName,
  ServiceCredentialAlias: c.ServiceCredentialAlias,
  CreateDate: xmlTimestamp(c.CreateDate),
  ExpirationDate: optional(c.ExpirationDate, xmlTimestamp),
  ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
  ServiceName: c.ServiceName,
});

/** Member order of IAM's GetUser/ListUsers examples. */
const userXml = (u: User): XmlElement => ({
  UserId: u.UserId,
  Path: u.Path,
  UserName: u.UserName,
  Arn: u.Arn,
  CreateDate: xmlTimestamp(u.CreateDate),
});

const noResult = (): undefined => undefined;

/**
 * The engine's request types are what a well-formed request holds; the Query layer hands over what the client sent (a string where
 * an integer was due, say) and lets the engine's validation report it, so every violation lands in one AWS-style message.
 */
type Loose = never;
const asRequest = (input: Record<string, unknown>): Loose => input as Loose;

export const QUERY_OPERATIONS: Readonly<Record<string, QueryOperation>> = {
  CreateServiceSpecificCredential: operation(
    { UserName: 'string', ServiceName: 'string', CredentialAgeDays: 'integer' },
    (engine, input, ctx) => engine.createServiceSpecificCredential(asRequest(input), ctx),
    (out) => ({ ServiceSpecificCredential: credentialXml(out.ServiceSpecificCredential) }),
  ),
  ListServiceSpecificCredentials: operation(
    { UserName: 'string', ServiceName: 'string', AllUsers: 'boolean', Marker: 'string', MaxItems: 'integer' },
    (engine, input, ctx) => engine.listServiceSpecificCredentials(asRequest(input), ctx),
    (out) => ({
      ServiceSpecificCredentials: { member: out.ServiceSpecificCredentials.map(credentialMetadataXml) },
      IsTruncated: xmlBoolean(out.IsTruncated),
      Marker: optional(out.Marker, text),
    }),
  ),
  ResetServiceSpecificCredential: operation(
    { ServiceSpecificCredentialId: 'string', UserName: 'string' },
    (engine, input, ctx) => engine.resetServiceSpecificCredential(asRequest(input), ctx),
    (out) => ({ ServiceSpecificCredential: credentialXml(out.ServiceSpecificCredential) }),
  ),
  UpdateServiceSpecificCredential: operation(
    { ServiceSpecificCredentialId: 'string', Status: 'string', UserName: 'string' },
    (engine, input, ctx) => engine.updateServiceSpecificCredential(asRequest(input), ctx),
    noResult,
  ),
  DeleteServiceSpecificCredential: operation(
    { ServiceSpecificCredentialId: 'string', UserName: 'string' },
    (engine, input, ctx) => engine.deleteServiceSpecificCredential(asRequest(input), ctx),
    noResult,
  ),
  CreateUser: operation(
    { UserName: 'string', Path: 'string' },
    (engine, input, ctx) => engine.createUser(asRequest(input), ctx),
    (out) => ({ User: userXml(out.User) }),
  ),
  GetUser: operation(
    { UserName: 'string' },
    (engine, input, ctx) => engine.getUser(asRequest(input), ctx),
    (out) => ({ User: userXml(out.User) }),
  ),
  DeleteUser: operation({ UserName: 'string' }, (engine, input, ctx) => engine.deleteUser(asRequest(input), ctx), noResult),
  ListUsers: operation(
    { PathPrefix: 'string', Marker: 'string', MaxItems: 'integer' },
    (engine, input, ctx) => engine.listUsers(asRequest(input), ctx),
    (out) => ({
      Users: { member: out.Users.map(userXml) },
      IsTruncated: xmlBoolean(out.IsTruncated),
      Marker: optional(out.Marker, text),
    }),
  ),
  ...ACCESS_KEY_OPERATIONS,
  ...policyOperations(operation),
};

/** The Query actions this endpoint answers, in the order documented. */
export const SUPPORTED_ACTIONS: readonly string[] = Object.keys(QUERY_OPERATIONS);

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * Query text to a member value: integers and booleans are converted when they are well-formed; otherwise the text itself is passed
 * on, which the engine reports as "Member must be an integer" / "Member must be a boolean".
 */
export const convertMember = (kind: MemberKind, value: string): unknown => {
  switch (kind) {
    case 'string':
      return value;
    // Digits too many for a safe integer become a number that is not one: the engine reports it as it reports text.
    case 'integer':
      return INTEGER_TEXT.test(value) ? Number(value) : value;
    case 'boolean': {
      const lower = value.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : value;
    }
  }
};
