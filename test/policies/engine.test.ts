import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createPGliteRunner } from '../../src/adapters/pglite/pglite-runner.js';
import { createSqlAdapters } from '../../src/adapters/postgres/sql-adapters.js';
import { createInMemoryPolicyStore, createInMemoryStore, createInMemoryUserDirectory, type CredentialEngineOptions } from '../../src/index.js';
import { errOf, expectError, okOf, setup, T0 } from '../engine/support.js';

// The same operations over the SQL adapter (PGlite driver): one embedded database for the file, a fresh schema per test.
const dir = mkdtempSync(join(tmpdir(), 'iam-policies-pglite-'));
let database: Promise<PGlite> | undefined;
afterAll(async () => {
  if (database !== undefined) await (await database).close();
  rmSync(dir, { recursive: true, force: true });
});
const pgliteOptions = async (): Promise<CredentialEngineOptions> => {
  const runner = createPGliteRunner(await (database ??= PGlite.create(join(dir, 'pgdata'))));
  const adapters = createSqlAdapters(runner, { schema: `test_policies_${randomBytes(5).toString('hex')}` }, 'policies engine test');
  await adapters.migrate();
  return { store: adapters.store, users: adapters.users, accessKeys: adapters.accessKeys, policies: adapters.policies };
};

const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';

/** A document of exactly `size` non-white-space characters (a Sid padded out), with white space that does not count. */
const documentOfSize = (size: number): string => {
  const shell = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: '', Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
  return `  ${shell.replace('"Sid":""', `"Sid":"${'a'.repeat(size - shell.length)}"`)}\n\n`;
};

const faces: [string, () => Promise<CredentialEngineOptions>][] = [
  ['synchronous in-memory face', async () => ({})],
  ['async ports', async () => ({ store: createInMemoryStore(), users: createInMemoryUserDirectory(), policies: createInMemoryPolicyStore() })],
  ['PGlite', pgliteOptions],
];

describe.each(faces)('policies and groups (%s)', (_face, options) => {
  const fresh = async () => setup(await options());

  it('puts, gets (URL-encoded), lists and deletes a user inline policy; names are case-insensitive', async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    expect(await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'Read', PolicyDocument: DOC }))).toEqual({});
    expect(await okOf(engine.getUserPolicy({ UserName: 'ALICE', PolicyName: 'read' }))).toEqual({
      UserName: 'alice',
      PolicyName: 'Read',
      PolicyDocument: encodeURIComponent(DOC),
    });
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'another', PolicyDocument: DOC }));
    expect(await okOf(engine.listUserPolicies({ UserName: 'alice' }))).toEqual({ PolicyNames: ['another', 'Read'], IsTruncated: false });
    const first = await okOf(engine.listUserPolicies({ UserName: 'alice', MaxItems: 1 }));
    expect(first).toEqual({ PolicyNames: ['another'], IsTruncated: true, Marker: expect.any(String) });
    expect(await okOf(engine.listUserPolicies({ UserName: 'alice', Marker: first.Marker as string }))).toEqual({ PolicyNames: ['Read'], IsTruncated: false });
    await okOf(engine.deleteUserPolicy({ UserName: 'alice', PolicyName: 'READ' }));
    await expectError(engine.getUserPolicy({ UserName: 'alice', PolicyName: 'Read' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user policy with name Read cannot be found.',
    });
    await expectError(engine.deleteUserPolicy({ UserName: 'alice', PolicyName: 'Read' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user policy with name Read cannot be found.',
    });
    await expectError(engine.listUserPolicies({ UserName: 'alice', Marker: 'bogus' }), { code: 'ValidationError', httpStatus: 400, message: 'Invalid Marker.' });
  });

  it('refuses a malformed document and a user that does not exist', async () => {
    const { engine } = await fresh();
    await expectError(engine.putUserPolicy({ UserName: 'ghost', PolicyName: 'p', PolicyDocument: DOC }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name ghost cannot be found.',
    });
    await okOf(engine.createUser({ UserName: 'alice' }));
    const error = await errOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'p', PolicyDocument: '{not json' }));
    expect([error.code, error.httpStatus]).toEqual(['MalformedPolicyDocument', 400]);
    const invalid = await errOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'bad name', PolicyDocument: DOC }));
    expect(invalid.message).toBe(
      "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  it("counts a user's inline policies together against 2,048 characters, white space not counted", async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'a', PolicyDocument: documentOfSize(1000) }));
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'b', PolicyDocument: documentOfSize(1048) }));
    await expectError(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'c', PolicyDocument: documentOfSize(200) }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Maximum policy size of 2048 bytes exceeded for user alice',
    });
    // replacing a policy counts its new size, not both
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'B', PolicyDocument: documentOfSize(1048) }));
    await expectError(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'b', PolicyDocument: documentOfSize(1049) }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Maximum policy size of 2048 bytes exceeded for user alice',
    });
  });

  it('creates, gets, versions, lists and deletes customer managed policies', async () => {
    const { engine } = await fresh();
    const { Policy } = await okOf(engine.createPolicy({ PolicyName: 'Mine', Path: '/team/', PolicyDocument: DOC, Description: 'd' }));
    expect(Policy).toEqual({
      PolicyName: 'Mine',
      PolicyId: expect.stringMatching(/^ANPA[A-Z0-9]{17}$/),
      Arn: 'arn:aws:iam::123456789012:policy/team/Mine',
      Path: '/team/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      Description: 'd',
      CreateDate: T0,
      UpdateDate: T0,
    });
    expect(await okOf(engine.getPolicy({ PolicyArn: Policy.Arn }))).toEqual({ Policy });
    expect(await okOf(engine.getPolicyVersion({ PolicyArn: Policy.Arn, VersionId: 'v1' }))).toEqual({
      PolicyVersion: { Document: encodeURIComponent(DOC), VersionId: 'v1', IsDefaultVersion: true, CreateDate: T0 },
    });
    await expectError(engine.getPolicyVersion({ PolicyArn: Policy.Arn, VersionId: 'v2' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: `Policy ${Policy.Arn} version v2 does not exist or is not attachable.`,
    });
    await expectError(engine.createPolicy({ PolicyName: 'MINE', PolicyDocument: DOC }), {
      code: 'EntityAlreadyExists',
      httpStatus: 409,
      message: 'A policy called MINE already exists. Duplicate names are not allowed.',
    });
    await expectError(engine.getPolicy({ PolicyArn: 'arn:aws:iam::123456789012:policy/Mine' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'Policy arn:aws:iam::123456789012:policy/Mine was not found.',
    });
    const local = await okOf(engine.listPolicies({ Scope: 'Local' }));
    expect(local).toEqual({ Policies: [Policy], IsTruncated: false });
    expect(await okOf(engine.deletePolicy({ PolicyArn: Policy.Arn }))).toEqual({});
    expect((await okOf(engine.listPolicies({ Scope: 'Local' }))).Policies).toEqual([]);
  });

  it('refuses a managed policy over 6,144 characters', async () => {
    const { engine } = await fresh();
    await okOf(engine.createPolicy({ PolicyName: 'fits', PolicyDocument: documentOfSize(6144) }));
    await expectError(engine.createPolicy({ PolicyName: 'big', PolicyDocument: documentOfSize(6145) }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Cannot exceed quota for PolicySize: 6144',
    });
  });

  it('serves the AWS managed policies with their current documents, and lists them under Scope=AWS with paging', async () => {
    const { engine } = await fresh();
    const { Policy } = await okOf(engine.getPolicy({ PolicyArn: SELF_MANAGE }));
    expect(Policy).toMatchObject({ PolicyName: 'IAMSelfManageServiceSpecificCredentials', Path: '/', DefaultVersionId: 'v1', AttachmentCount: 0 });
    const version = await okOf(engine.getPolicyVersion({ PolicyArn: SELF_MANAGE, VersionId: 'v1' }));
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion.Document)) as { Statement: { Resource: string; Action: string[] }[] };
    expect(document.Statement[0]?.Resource).toBe('arn:aws:iam::*:user/${aws:username}');
    expect(document.Statement[0]?.Action).toContain('iam:CreateServiceSpecificCredential');
    const seen = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await okOf(engine.listPolicies({ Scope: 'AWS', MaxItems: 1000, ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const policy of page.Policies) seen.add(policy.Arn);
      marker = page.Marker;
      pages += 1;
    } while (marker !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBeGreaterThan(1000);
    expect(seen.has(SELF_MANAGE)).toBe(true);
    expect(seen.has('arn:aws:iam::aws:policy/service-role/AWSLambdaRole')).toBe(true);
  });

  it('attaches AWS and customer managed policies, counts attachments, refuses DeletePolicy while attached, and OnlyAttached lists them', async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const { Policy } = await okOf(engine.createPolicy({ PolicyName: 'Mine', PolicyDocument: DOC }));
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: SELF_MANAGE }));
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
    expect(await okOf(engine.listAttachedUserPolicies({ UserName: 'alice' }))).toEqual({
      AttachedPolicies: [
        { PolicyName: 'IAMSelfManageServiceSpecificCredentials', PolicyArn: SELF_MANAGE },
        { PolicyName: 'Mine', PolicyArn: Policy.Arn },
      ],
      IsTruncated: false,
    });
    expect((await okOf(engine.getPolicy({ PolicyArn: Policy.Arn }))).Policy.AttachmentCount).toBe(1);
    const attached = await okOf(engine.listPolicies({ OnlyAttached: true }));
    expect(attached.Policies.map((p) => p.Arn)).toEqual([Policy.Arn, SELF_MANAGE]);
    await expectError(engine.deletePolicy({ PolicyArn: Policy.Arn }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete a policy attached to entities.',
    });
    await expectError(engine.deleteUser({ UserName: 'alice' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await okOf(engine.detachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
    await expectError(engine.detachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: `Policy ${Policy.Arn} was not found.`,
    });
    await okOf(engine.deletePolicy({ PolicyArn: Policy.Arn }));
    await expectError(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: `Policy ${Policy.Arn} does not exist or is not attachable.`,
    });
    await expectError(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicyAtAll' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'Policy arn:aws:iam::aws:policy/NoSuchPolicyAtAll does not exist or is not attachable.',
    });
    await expectError(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: 'arn:aws:iam::210987654321:policy/Mine' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'Policy arn:aws:iam::210987654321:policy/Mine does not exist or is not attachable.',
    });
  });

  it('allows 10 attached policies per user and per group', async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    await okOf(engine.createGroup({ GroupName: 'devs' }));
    const arns = (await okOf(engine.listPolicies({ Scope: 'AWS', MaxItems: 11 }))).Policies.map((p) => p.Arn);
    for (const arn of arns.slice(0, 10)) {
      await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: arn }));
      await okOf(engine.attachGroupPolicy({ GroupName: 'devs', PolicyArn: arn }));
    }
    await expectError(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: arns[10] as string }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Cannot exceed quota for PoliciesPerUser: 10',
    });
    await expectError(engine.attachGroupPolicy({ GroupName: 'devs', PolicyArn: arns[10] as string }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Cannot exceed quota for PoliciesPerGroup: 10',
    });
  });

  it('creates groups, adds members, lists both ways, and refuses DeleteGroup and DeleteUser while they hold anything', async () => {
    const { engine } = await fresh();
    const { User } = await okOf(engine.createUser({ UserName: 'alice' }));
    const { Group } = await okOf(engine.createGroup({ GroupName: 'Devs', Path: '/eng/' }));
    expect(Group).toEqual({
      Path: '/eng/',
      GroupName: 'Devs',
      GroupId: expect.stringMatching(/^AGPA[A-Z0-9]{17}$/),
      Arn: 'arn:aws:iam::123456789012:group/eng/Devs',
      CreateDate: T0,
    });
    await expectError(engine.createGroup({ GroupName: 'devs' }), { code: 'EntityAlreadyExists', httpStatus: 409, message: 'Group with name devs already exists.' });
    await okOf(engine.addUserToGroup({ GroupName: 'devs', UserName: 'ALICE' }));
    await okOf(engine.addUserToGroup({ GroupName: 'devs', UserName: 'alice' }));
    expect(await okOf(engine.getGroup({ GroupName: 'devs' }))).toEqual({ Group, Users: [User], IsTruncated: false });
    expect(await okOf(engine.listGroupsForUser({ UserName: 'alice' }))).toEqual({ Groups: [Group], IsTruncated: false });
    expect(await okOf(engine.listGroups({ PathPrefix: '/eng/' }))).toEqual({ Groups: [Group], IsTruncated: false });
    expect(await okOf(engine.listGroups({ PathPrefix: '/other/' }))).toEqual({ Groups: [], IsTruncated: false });
    await expectError(engine.deleteUser({ UserName: 'alice' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must remove users from group first.',
    });
    await expectError(engine.deleteGroup({ GroupName: 'devs' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must remove users from group first.',
    });
    await okOf(engine.removeUserFromGroup({ GroupName: 'devs', UserName: 'alice' }));
    await expectError(engine.removeUserFromGroup({ GroupName: 'devs', UserName: 'alice' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name alice cannot be found.',
    });
    await okOf(engine.putGroupPolicy({ GroupName: 'devs', PolicyName: 'inline', PolicyDocument: DOC }));
    expect(await okOf(engine.getGroupPolicy({ GroupName: 'devs', PolicyName: 'inline' }))).toEqual({
      GroupName: 'Devs',
      PolicyName: 'inline',
      PolicyDocument: encodeURIComponent(DOC),
    });
    expect(await okOf(engine.listGroupPolicies({ GroupName: 'devs' }))).toEqual({ PolicyNames: ['inline'], IsTruncated: false });
    await expectError(engine.deleteGroup({ GroupName: 'devs' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must delete policies first.',
    });
    await okOf(engine.deleteGroupPolicy({ GroupName: 'devs', PolicyName: 'inline' }));
    await okOf(engine.attachGroupPolicy({ GroupName: 'devs', PolicyArn: SELF_MANAGE }));
    expect((await okOf(engine.listAttachedGroupPolicies({ GroupName: 'devs' }))).AttachedPolicies).toEqual([
      { PolicyName: 'IAMSelfManageServiceSpecificCredentials', PolicyArn: SELF_MANAGE },
    ]);
    await expectError(engine.deleteGroup({ GroupName: 'devs' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await okOf(engine.detachGroupPolicy({ GroupName: 'devs', PolicyArn: SELF_MANAGE }));
    await okOf(engine.deleteGroup({ GroupName: 'devs' }));
    await expectError(engine.getGroup({ GroupName: 'devs' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The group with name devs cannot be found.' });
    await okOf(engine.deleteUser({ UserName: 'alice' }));
  });

  it('refuses DeleteUser while an inline policy remains, and a user of the same name made again starts with nothing', async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'p', PolicyDocument: DOC }));
    await expectError(engine.deleteUser({ UserName: 'alice' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must delete policies first.',
    });
    await okOf(engine.deleteUserPolicy({ UserName: 'alice', PolicyName: 'p' }));
    await okOf(engine.deleteUser({ UserName: 'alice' }));
    await okOf(engine.createUser({ UserName: 'alice' }));
    expect(await okOf(engine.listUserPolicies({ UserName: 'alice' }))).toEqual({ PolicyNames: [], IsTruncated: false });
  });

  it('allows 10 groups per user', async () => {
    const { engine } = await fresh();
    await okOf(engine.createUser({ UserName: 'alice' }));
    for (let index = 0; index < 11; index += 1) await okOf(engine.createGroup({ GroupName: `g${index}` }));
    for (let index = 0; index < 10; index += 1) await okOf(engine.addUserToGroup({ GroupName: `g${index}`, UserName: 'alice' }));
    await expectError(engine.addUserToGroup({ GroupName: 'g10', UserName: 'alice' }), {
      code: 'LimitExceeded',
      httpStatus: 409,
      message: 'Cannot exceed quota for GroupsPerUser: 10',
    });
    const page = await okOf(engine.listGroupsForUser({ UserName: 'alice', MaxItems: 4 }));
    expect(page.Groups.map((g) => g.GroupName)).toEqual(['g0', 'g1', 'g2', 'g3']);
    const next = await okOf(engine.listGroupsForUser({ UserName: 'alice', Marker: page.Marker as string }));
    expect(next.Groups.map((g) => g.GroupName)).toEqual(['g4', 'g5', 'g6', 'g7', 'g8', 'g9']);
  });

  it('validates group names with IAM message', async () => {
    const { engine } = await fresh();
    await expectError(engine.createGroup({ GroupName: 'bad name' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: 'The specified value for groupName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    });
  });
});
