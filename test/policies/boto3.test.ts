import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../protocol/helpers.js';

// boto3 drives the policy and group actions: documents decoded by the caller, conflicts as botocore's ClientError codes.
const python = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'python3'))
  .find((candidate) => existsSync(candidate));

const execute = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      python ?? 'python3',
      args,
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'not-checked',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const hasBoto3 = python !== undefined && (await execute(['-c', 'import boto3'])).code === 0;
if (!hasBoto3 && process.env.CI) throw new Error('policies/boto3.test.ts: python3 with boto3 must be installed in CI');
if (!hasBoto3) console.log('policies/boto3.test.ts: skipped because python3 with boto3 is not installed on this machine');

const SCRIPT = `
import json, sys, boto3, botocore.exceptions
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1')
def code(call, **kwargs):
    try:
        call(**kwargs)
        return 'ok'
    except botocore.exceptions.ClientError as e:
        return e.response['Error']['Code'] + ': ' + e.response['Error']['Message']
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'iam:GetUser', 'Resource': '*'}]})
out = {}
iam.create_user(UserName='py-alice')
iam.put_user_policy(UserName='py-alice', PolicyName='read', PolicyDocument=doc)
# botocore URL-decodes and parses the document itself, as it does for AWS's answers.
out['document'] = iam.get_user_policy(UserName='py-alice', PolicyName='read')['PolicyDocument']
arn = iam.create_policy(PolicyName='py-policy', PolicyDocument=doc)['Policy']['Arn']
iam.attach_user_policy(UserName='py-alice', PolicyArn=arn)
iam.create_group(GroupName='py-devs')
iam.attach_group_policy(GroupName='py-devs', PolicyArn='arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials')
iam.add_user_to_group(GroupName='py-devs', UserName='py-alice')
out['groups'] = [g['GroupName'] for g in iam.list_groups_for_user(UserName='py-alice')['Groups']]
out['attachmentCount'] = iam.get_policy(PolicyArn=arn)['Policy']['AttachmentCount']
out['deletePolicy'] = code(iam.delete_policy, PolicyArn=arn)
out['deleteUser'] = code(iam.delete_user, UserName='py-alice')
iam.delete_user_policy(UserName='py-alice', PolicyName='read')
out['deleteUserAttached'] = code(iam.delete_user, UserName='py-alice')
iam.detach_user_policy(UserName='py-alice', PolicyArn=arn)
out['deleteUserGroups'] = code(iam.delete_user, UserName='py-alice')
out['deleteGroup'] = code(iam.delete_group, GroupName='py-devs')
iam.remove_user_from_group(GroupName='py-devs', UserName='py-alice')
out['deleteUserDone'] = code(iam.delete_user, UserName='py-alice')
out['deletePolicyDone'] = code(iam.delete_policy, PolicyArn=arn)
print(json.dumps(out))
`;

let endpoint: TestServer;

describe.skipIf(!hasBoto3)('boto3: policies and groups', () => {
  beforeAll(async () => {
    endpoint = await startTestServer();
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it('puts, attaches and groups, and meets the DeleteUser, DeleteGroup and DeletePolicy conflicts as IAM words them', async () => {
    const result = await execute(['-c', SCRIPT, endpoint.url]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] },
      groups: ['py-devs'],
      attachmentCount: 1,
      deletePolicy: 'DeleteConflict: Cannot delete a policy attached to entities.',
      deleteUser: 'DeleteConflict: Cannot delete entity, must delete policies first.',
      deleteUserAttached: 'DeleteConflict: Cannot delete entity, must detach all policies first.',
      deleteUserGroups: 'DeleteConflict: Cannot delete entity, must remove users from group first.',
      deleteGroup: 'DeleteConflict: Cannot delete entity, must remove users from group first.',
      deleteUserDone: 'ok',
      deletePolicyDone: 'ok',
    });
  });
});
