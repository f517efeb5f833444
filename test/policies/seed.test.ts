import { GetGroupCommand, ListGroupsCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand, ListGroupsForUserCommand, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { type SeedDocument, startIamEndpoint } from '../../src/protocol/query/index.js';
import { iamClient } from '../protocol/helpers.js';

const ACCOUNT = '123456789012';
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';
const READ = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] };

const failure = async (seed: unknown): Promise<Error> => {
  try {
    const endpoint = await startIamEndpoint({ seed: seed as SeedDocument });
    await endpoint.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected startup to fail');
};

describe('--seed: policies and groups', () => {
  it("creates the account's managed policies and groups, then each user's inline policies, attachments and memberships", async () => {
    const endpoint = await startIamEndpoint({
      seed: {
        accounts: {
          [ACCOUNT]: {
            policies: [{ PolicyName: 'TeamRead', PolicyDocument: JSON.stringify(READ) }],
            groups: [{ GroupName: 'devs', policies: { 'group-read': JSON.stringify(READ) }, attachedPolicies: [SELF_MANAGE] }],
            users: [
              {
                UserName: 'alice',
                policies: { own: JSON.stringify(READ) },
                attachedPolicies: [`arn:aws:iam::${ACCOUNT}:policy/TeamRead`],
                groups: ['devs'],
              },
            ],
          },
        },
      } as unknown as SeedDocument,
    });
    const iam = iamClient(endpoint.url);
    try {
      const inline = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'own' }));
      expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? ''))).toEqual(READ);
      expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))).AttachedPolicies).toEqual([
        { PolicyName: 'TeamRead', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/TeamRead` },
      ]);
      expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups?.map((g) => g.GroupName)).toEqual(['devs']);
      expect((await iam.send(new GetGroupCommand({ GroupName: 'devs' }))).Users?.map((u) => u.UserName)).toEqual(['alice']);
      expect((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies?.map((p) => p.PolicyName)).toEqual([
        'TeamRead',
        'IAMSelfManageServiceSpecificCredentials',
      ]);
      // The reset control path empties policies and groups with the users.
      expect((await fetch(`${endpoint.url}/_iam-service-credentials/reset`, { method: 'POST' })).status).toBe(200);
      expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies).toEqual([]);
      expect((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies).toEqual([]);
      expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([]);
    } finally {
      iam.destroy();
      await endpoint.close();
    }
  });

  it('refuses a seed whose policy the engine refuses, naming the entry, and a malformed field', async () => {
    const malformed = await failure({ accounts: { [ACCOUNT]: { users: [{ UserName: 'alice', policies: { bad: '{"Version":' } }] } } });
    expect(malformed.message).toBe(
      `seed: accounts.${ACCOUNT}.users[0] (alice).policies.bad: MalformedPolicyDocument: Syntax errors in policy.`,
    );
    const missingGroup = await failure({ accounts: { [ACCOUNT]: { users: [{ UserName: 'alice', groups: ['nobody'] }] } } });
    expect(missingGroup.message).toBe(`seed: accounts.${ACCOUNT}.users[0] (alice).groups (nobody): NoSuchEntity: The group with name nobody cannot be found.`);
    const wrongType = await failure({ accounts: { [ACCOUNT]: { users: [{ UserName: 'alice', attachedPolicies: 'arn' }] } } });
    expect(wrongType.message).toContain(`accounts.${ACCOUNT}.users[0]: attachedPolicies must be an array of policy ARNs`);
  });
});
