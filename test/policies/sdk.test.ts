import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteConflictException,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  LimitExceededException,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListUserPoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  EntityAlreadyExistsException,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamClient, rejection, startTestServer, type TestServer } from '../protocol/helpers.js';

const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['iam:GetUser'], Resource: '*' }] }, null, 2);
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';

let endpoint: TestServer;
let iam: IAMClient;

beforeAll(async () => {
  endpoint = await startTestServer();
  iam = iamClient(endpoint.url);
});
afterAll(async () => {
  iam.destroy();
  await endpoint.close();
});

describe('policies and groups through the AWS SDK v3 over HTTP', () => {
  it('inline user policies: put, get (URL-encoded document), list, delete, and their errors', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'sdk-alice' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'sdk-alice', PolicyName: 'Read', PolicyDocument: DOC }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'sdk-alice', PolicyName: 'Read' }));
    expect({ UserName: got.UserName, PolicyName: got.PolicyName, PolicyDocument: got.PolicyDocument }).toEqual({
      UserName: 'sdk-alice',
      PolicyName: 'Read',
      PolicyDocument: encodeURIComponent(DOC),
    });
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(DOC);
    const listed = await iam.send(new ListUserPoliciesCommand({ UserName: 'sdk-alice' }));
    expect([listed.PolicyNames, listed.IsTruncated]).toEqual([['Read'], false]);
    const malformed = await rejection(iam.send(new PutUserPolicyCommand({ UserName: 'sdk-alice', PolicyName: 'x', PolicyDocument: 'nope' })));
    expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(malformed.$metadata.httpStatusCode).toBe(400);
    const conflict = await rejection(iam.send(new DeleteUserCommand({ UserName: 'sdk-alice' })));
    expect(conflict).toBeInstanceOf(DeleteConflictException);
    expect(conflict.message).toBe('Cannot delete entity, must delete policies first.');
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'sdk-alice', PolicyName: 'Read' }));
    const missing = await rejection(iam.send(new GetUserPolicyCommand({ UserName: 'sdk-alice', PolicyName: 'Read' })));
    expect(missing).toBeInstanceOf(NoSuchEntityException);
    expect(missing.message).toBe('The user policy with name Read cannot be found.');
    await iam.send(new DeleteUserCommand({ UserName: 'sdk-alice' }));
  });

  it('managed policies: create, get, version, list by scope, attach, counts, DeletePolicy conflict', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'sdk-bob' }));
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'SdkPolicy', PolicyDocument: DOC, Description: 'mine' }));
    expect(Policy).toMatchObject({
      PolicyName: 'SdkPolicy',
      Arn: 'arn:aws:iam::123456789012:policy/SdkPolicy',
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      Description: 'mine',
    });
    expect(Policy?.CreateDate).toBeInstanceOf(Date);
    const duplicate = await rejection(iam.send(new CreatePolicyCommand({ PolicyName: 'sdkpolicy', PolicyDocument: DOC })));
    expect(duplicate).toBeInstanceOf(EntityAlreadyExistsException);
    const arn = Policy?.Arn as string;
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(version.PolicyVersion?.Document ?? '')).toBe(DOC);
    expect(version.PolicyVersion?.IsDefaultVersion).toBe(true);
    await iam.send(new AttachUserPolicyCommand({ UserName: 'sdk-bob', PolicyArn: arn }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'sdk-bob', PolicyArn: SELF_MANAGE }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'sdk-bob' }));
    expect(attached.AttachedPolicies).toEqual([
      { PolicyName: 'IAMSelfManageServiceSpecificCredentials', PolicyArn: SELF_MANAGE },
      { PolicyName: 'SdkPolicy', PolicyArn: arn },
    ]);
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies?.map((p) => p.Arn)).toEqual([arn]);
    const onlyAttached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
    expect(onlyAttached.Policies?.map((p) => p.Arn)).toEqual([arn, SELF_MANAGE]);
    const awsPage = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 5 }));
    expect(awsPage.Policies).toHaveLength(5);
    expect(awsPage.IsTruncated).toBe(true);
    const next = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 5, Marker: awsPage.Marker }));
    expect((next.Policies?.[0]?.Arn ?? '') > (awsPage.Policies?.[4]?.Arn ?? '')).toBe(true);
    const conflict = await rejection(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect(conflict).toBeInstanceOf(DeleteConflictException);
    expect(conflict.message).toBe('Cannot delete a policy attached to entities.');
    const userConflict = await rejection(iam.send(new DeleteUserCommand({ UserName: 'sdk-bob' })));
    expect(userConflict.message).toBe('Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachUserPolicyCommand({ UserName: 'sdk-bob', PolicyArn: arn }));
    await iam.send(new DetachUserPolicyCommand({ UserName: 'sdk-bob', PolicyArn: SELF_MANAGE }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    const gone = await rejection(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
    await iam.send(new DeleteUserCommand({ UserName: 'sdk-bob' }));
  });

  it('AWS managed policies carry their current document', async () => {
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: SELF_MANAGE, VersionId: 'v1' }));
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? '')) as { Statement: { Resource: string }[] };
    expect(document.Statement[0]?.Resource).toBe('arn:aws:iam::*:user/${aws:username}');
  });

  it('groups: create, members, inline and attached policies, lists, conflicts, quota', async () => {
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'sdk-carol' }));
    const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'SdkDevs', Path: '/eng/' }));
    expect(Group).toMatchObject({ GroupName: 'SdkDevs', Path: '/eng/', Arn: 'arn:aws:iam::123456789012:group/eng/SdkDevs' });
    expect(Group?.GroupId).toMatch(/^AGPA[A-Z0-9]{17}$/);
    await iam.send(new AddUserToGroupCommand({ GroupName: 'SdkDevs', UserName: 'sdk-carol' }));
    const got = await iam.send(new GetGroupCommand({ GroupName: 'SdkDevs' }));
    expect(got.Group).toEqual(Group);
    expect(got.Users).toEqual([User]);
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'sdk-carol' }))).Groups).toEqual([Group]);
    expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([Group]);
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'SdkDevs', PolicyName: 'GroupRead', PolicyDocument: DOC }));
    const inline = await iam.send(new GetGroupPolicyCommand({ GroupName: 'SdkDevs', PolicyName: 'GroupRead' }));
    expect(decodeURIComponent(inline.PolicyDocument ?? '')).toBe(DOC);
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'SdkDevs' }))).PolicyNames).toEqual(['GroupRead']);
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'SdkDevs', PolicyArn: SELF_MANAGE }));
    expect((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'SdkDevs' }))).AttachedPolicies).toEqual([
      { PolicyName: 'IAMSelfManageServiceSpecificCredentials', PolicyArn: SELF_MANAGE },
    ]);
    const members = await rejection(iam.send(new DeleteGroupCommand({ GroupName: 'SdkDevs' })));
    expect(members).toBeInstanceOf(DeleteConflictException);
    expect(members.message).toBe('Cannot delete entity, must remove users from group first.');
    const userInGroup = await rejection(iam.send(new DeleteUserCommand({ UserName: 'sdk-carol' })));
    expect(userInGroup.message).toBe('Cannot delete entity, must remove users from group first.');
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'SdkDevs', UserName: 'sdk-carol' }));
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'SdkDevs', PolicyName: 'GroupRead' }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'SdkDevs', PolicyArn: SELF_MANAGE }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'SdkDevs' }));
    const gone = await rejection(iam.send(new GetGroupCommand({ GroupName: 'SdkDevs' })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
    expect(gone.message).toBe('The group with name SdkDevs cannot be found.');
    for (let index = 0; index < 11; index += 1) await iam.send(new CreateGroupCommand({ GroupName: `sdk-g${index}` }));
    for (let index = 0; index < 10; index += 1) await iam.send(new AddUserToGroupCommand({ GroupName: `sdk-g${index}`, UserName: 'sdk-carol' }));
    const limit = await rejection(iam.send(new AddUserToGroupCommand({ GroupName: 'sdk-g10', UserName: 'sdk-carol' })));
    expect(limit).toBeInstanceOf(LimitExceededException);
    expect(limit.$metadata.httpStatusCode).toBe(409);
    expect(limit.message).toBe('Cannot exceed quota for GroupsPerUser: 10');
  });
});
