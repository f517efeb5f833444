import type { ResultAsync } from 'neverthrow';
import type {
  AttachedManagedPolicy,
  CredentialEngine,
  Group,
  IamError,
  ListAttachedPoliciesResponse,
  ListGroupsResponse,
  ListPolicyNamesResponse,
  ManagedPolicy,
  ManagedPolicyVersion,
  RequestContext,
  User,
} from '../../index.js';
import { type XmlElement, xmlBoolean, xmlTimestamp } from './xml.js';

type MemberKind = 'string' | 'integer' | 'boolean';

/** The table's own constructor of an operation (operations.ts), handed in so that this file does not import the table. */
export type OperationOf<Op> = <T>(
  members: Readonly<Record<string, MemberKind>>,
  call: (engine: CredentialEngine, input: Record<string, unknown>, ctx: RequestContext) => ResultAsync<T, IamError>,
  result: (value: T) => XmlElement | undefined,
) => Op;

const optional = <T>(value: T | undefined, render: (value: T) => string): string | undefined => (value === undefined ? undefined : render(value));
const text = (value: string): string => value;
const noResult = (): undefined => undefined;

type Loose = never;
const asRequest = (input: Record<string, unknown>): Loose => input as Loose;

/** Member order of IAM's GetGroup/ListGroups examples. */
const groupXml = (g: Group): XmlElement => ({
  Path: g.Path,
  GroupName: g.GroupName,
  GroupId: g.GroupId,
  Arn: g.Arn,
  CreateDate: xmlTimestamp(g.CreateDate),
});

const userXml = (u: User): XmlElement => ({
  UserId: u.UserId,
  Path: u.Path,
  UserName: u.UserName,
  Arn: u.Arn,
  CreateDate: xmlTimestamp(u.CreateDate),
});

/** Member order of IAM's CreatePolicy/GetPolicy examples. */
const policyXml = (p: ManagedPolicy): XmlElement => ({
  PolicyName: p.PolicyName,
  DefaultVersionId: p.DefaultVersionId,
  PolicyId: p.PolicyId,
  Path: p.Path,
  Arn: p.Arn,
  AttachmentCount: String(p.AttachmentCount),
  PermissionsBoundaryUsageCount: String(p.PermissionsBoundaryUsageCount),
  IsAttachable: xmlBoolean(p.IsAttachable),
  Description: optional(p.Description, text),
  CreateDate: xmlTimestamp(p.CreateDate),
  UpdateDate: xmlTimestamp(p.UpdateDate),
});

const policyVersionXml = (v: ManagedPolicyVersion): XmlElement => ({
  Document: v.Document,
  VersionId: v.VersionId,
  IsDefaultVersion: xmlBoolean(v.IsDefaultVersion),
  CreateDate: xmlTimestamp(v.CreateDate),
});

const attachedPolicyXml = (a: AttachedManagedPolicy): XmlElement => ({ PolicyName: a.PolicyName, PolicyArn: a.PolicyArn });

/** A list of plain strings (`<PolicyNames><member>name</member></PolicyNames>`), rendered as the element lists are. */
const stringList = (values: readonly string[]): { member: readonly XmlElement[] } => ({ member: values as unknown as readonly XmlElement[] });

const policyNamesXml = (out: ListPolicyNamesResponse): XmlElement => ({
  PolicyNames: stringList(out.PolicyNames),
  IsTruncated: xmlBoolean(out.IsTruncated),
  Marker: optional(out.Marker, text),
});

const attachedPoliciesXml = (out: ListAttachedPoliciesResponse): XmlElement => ({
  AttachedPolicies: { member: out.AttachedPolicies.map(attachedPolicyXml) },
  IsTruncated: xmlBoolean(out.IsTruncated),
  Marker: optional(out.Marker, text),
});

const groupsXml = (out: ListGroupsResponse): XmlElement => ({
  Groups: { member: out.Groups.map(groupXml) },
  IsTruncated: xmlBoolean(out.IsTruncated),
  Marker: optional(out.Marker, text),
});

const USER_POLICY = { UserName: 'string', PolicyName: 'string' } as const;
const GROUP_POLICY = { GroupName: 'string', PolicyName: 'string' } as const;
const PAGE = { Marker: 'string', MaxItems: 'integer' } as const;

/** The Query actions of policies and groups, spread into the table of operations.ts. */
export const policyOperations = <Op>(operation: OperationOf<Op>): Readonly<Record<string, Op>> => ({
  PutUserPolicy: operation(
    { ...USER_POLICY, PolicyDocument: 'string' },
    (engine, input, ctx) => engine.putUserPolicy(asRequest(input), ctx),
    noResult,
  ),
  GetUserPolicy: operation(
    USER_POLICY,
    (engine, input, ctx) => engine.getUserPolicy(asRequest(input), ctx),
    (out) => ({ UserName: out.UserName, PolicyName: out.PolicyName, PolicyDocument: out.PolicyDocument }),
  ),
  ListUserPolicies: operation({ UserName: 'string', ...PAGE }, (engine, input, ctx) => engine.listUserPolicies(asRequest(input), ctx), policyNamesXml),
  DeleteUserPolicy: operation(USER_POLICY, (engine, input, ctx) => engine.deleteUserPolicy(asRequest(input), ctx), noResult),
  CreatePolicy: operation(
    { PolicyName: 'string', Path: 'string', PolicyDocument: 'string', Description: 'string' },
    (engine, input, ctx) => engine.createPolicy(asRequest(input), ctx),
    (out) => ({ Policy: policyXml(out.Policy) }),
  ),
  GetPolicy: operation({ PolicyArn: 'string' }, (engine, input, ctx) => engine.getPolicy(asRequest(input), ctx), (out) => ({ Policy: policyXml(out.Policy) })),
  GetPolicyVersion: operation(
    { PolicyArn: 'string', VersionId: 'string' },
    (engine, input, ctx) => engine.getPolicyVersion(asRequest(input), ctx),
    (out) => ({ PolicyVersion: policyVersionXml(out.PolicyVersion) }),
  ),
  ListPolicies: operation(
    { Scope: 'string', OnlyAttached: 'boolean', PathPrefix: 'string', PolicyUsageFilter: 'string', ...PAGE },
    (engine, input, ctx) => engine.listPolicies(asRequest(input), ctx),
    (out) => ({ Policies: { member: out.Policies.map(policyXml) }, IsTruncated: xmlBoolean(out.IsTruncated), Marker: optional(out.Marker, text) }),
  ),
  DeletePolicy: operation({ PolicyArn: 'string' }, (engine, input, ctx) => engine.deletePolicy(asRequest(input), ctx), noResult),
  AttachUserPolicy: operation(
    { UserName: 'string', PolicyArn: 'string' },
    (engine, input, ctx) => engine.attachUserPolicy(asRequest(input), ctx),
    noResult,
  ),
  DetachUserPolicy: operation(
    { UserName: 'string', PolicyArn: 'string' },
    (engine, input, ctx) => engine.detachUserPolicy(asRequest(input), ctx),
    noResult,
  ),
  ListAttachedUserPolicies: operation(
    { UserName: 'string', PathPrefix: 'string', ...PAGE },
    (engine, input, ctx) => engine.listAttachedUserPolicies(asRequest(input), ctx),
    attachedPoliciesXml,
  ),
  CreateGroup: operation(
    { Path: 'string', GroupName: 'string' },
    (engine, input, ctx) => engine.createGroup(asRequest(input), ctx),
    (out) => ({ Group: groupXml(out.Group) }),
  ),
  GetGroup: operation({ GroupName: 'string', ...PAGE }, (engine, input, ctx) => engine.getGroup(asRequest(input), ctx), (out) => ({
    Group: groupXml(out.Group),
    Users: { member: out.Users.map(userXml) },
    IsTruncated: xmlBoolean(out.IsTruncated),
    Marker: optional(out.Marker, text),
  })),
  ListGroups: operation({ PathPrefix: 'string', ...PAGE }, (engine, input, ctx) => engine.listGroups(asRequest(input), ctx), groupsXml),
  DeleteGroup: operation({ GroupName: 'string' }, (engine, input, ctx) => engine.deleteGroup(asRequest(input), ctx), noResult),
  AddUserToGroup: operation(
    { GroupName: 'string', UserName: 'string' },
    (engine, input, ctx) => engine.addUserToGroup(asRequest(input), ctx),
    noResult,
  ),
  RemoveUserFromGroup: operation(
    { GroupName: 'string', UserName: 'string' },
    (engine, input, ctx) => engine.removeUserFromGroup(asRequest(input), ctx),
    noResult,
  ),
  ListGroupsForUser: operation({ UserName: 'string', ...PAGE }, (engine, input, ctx) => engine.listGroupsForUser(asRequest(input), ctx), groupsXml),
  PutGroupPolicy: operation(
    { ...GROUP_POLICY, PolicyDocument: 'string' },
    (engine, input, ctx) => engine.putGroupPolicy(asRequest(input), ctx),
    noResult,
  ),
  GetGroupPolicy: operation(
    GROUP_POLICY,
    (engine, input, ctx) => engine.getGroupPolicy(asRequest(input), ctx),
    (out) => ({ GroupName: out.GroupName, PolicyName: out.PolicyName, PolicyDocument: out.PolicyDocument }),
  ),
  ListGroupPolicies: operation({ GroupName: 'string', ...PAGE }, (engine, input, ctx) => engine.listGroupPolicies(asRequest(input), ctx), policyNamesXml),
  DeleteGroupPolicy: operation(GROUP_POLICY, (engine, input, ctx) => engine.deleteGroupPolicy(asRequest(input), ctx), noResult),
  AttachGroupPolicy: operation(
    { GroupName: 'string', PolicyArn: 'string' },
    (engine, input, ctx) => engine.attachGroupPolicy(asRequest(input), ctx),
    noResult,
  ),
  DetachGroupPolicy: operation(
    { GroupName: 'string', PolicyArn: 'string' },
    (engine, input, ctx) => engine.detachGroupPolicy(asRequest(input), ctx),
    noResult,
  ),
  ListAttachedGroupPolicies: operation(
    { GroupName: 'string', PathPrefix: 'string', ...PAGE },
    (engine, input, ctx) => engine.listAttachedGroupPolicies(asRequest(input), ctx),
    attachedPoliciesXml,
  ),
});
