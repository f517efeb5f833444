import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../protocol/helpers.js';

// boto3 and the AWS CLI: a user's new access key signs their calls at once, as on AWS.

const ACCOUNT = '111111111111';
const ROOT = { accessKeyId: 'AKIDROOTCLI', secretAccessKey: 'root/secret+for/the+cli/tests00000000000' };

const onPath = (name: string): string | undefined =>
  (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((candidate) => existsSync(candidate));

const execute = (file: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(file, args, { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const awsPath = onPath('aws');
if (awsPath === undefined && process.env.CI) throw new Error('access-keys-clients.test.ts: the AWS CLI must be installed in CI');
const python = onPath('python3');
const hasBoto3 = python !== undefined && (await execute(python, ['-c', 'import boto3'], {})).code === 0;
if (!hasBoto3 && process.env.CI) throw new Error('access-keys-clients.test.ts: python3 with boto3 must be installed in CI');

let endpoint: TestServer;
beforeAll(async () => {
  endpoint = await startTestServer(
    { accountId: ACCOUNT },
    { accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } }, signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } } },
  );
});
afterAll(async () => {
  await endpoint?.close();
});

const env = (key: { accessKeyId: string; secretAccessKey: string }): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: key.accessKeyId,
  AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
  AWS_MAX_ATTEMPTS: '1',
});

const BOTO3 = `
import json, sys, boto3, botocore.exceptions
url, root_id, root_secret = sys.argv[1:4]
def client(key_id, secret):
    return boto3.client('iam', endpoint_url=url, region_name='us-east-1', aws_access_key_id=key_id, aws_secret_access_key=secret)
def code(call):
    try:
        call()
        return None
    except botocore.exceptions.ClientError as error:
        return [error.response['Error']['Code'], error.response['Error']['Message'], error.response['ResponseMetadata']['HTTPStatusCode']]
root = client(root_id, root_secret)
root.create_user(UserName='boto-user')
key = root.create_access_key(UserName='boto-user')['AccessKey']
user = client(key['AccessKeyId'], key['SecretAccessKey'])
out = {
  'id': key['AccessKeyId'], 'secretLength': len(key['SecretAccessKey']), 'status': key['Status'],
  'me': user.get_user()['User']['UserName'],
  'listed': [[k['AccessKeyId'], k['Status'], 'SecretAccessKey' in k] for k in user.list_access_keys()['AccessKeyMetadata']],
}
root.create_access_key(UserName='boto-user')
out['third'] = code(lambda: root.create_access_key(UserName='boto-user'))
root.update_access_key(UserName='boto-user', AccessKeyId=key['AccessKeyId'], Status='Inactive')
out['inactive'] = code(lambda: user.get_user())
out['deleteUser'] = code(lambda: root.delete_user(UserName='boto-user'))
print(json.dumps(out))
`;

describe.skipIf(!hasBoto3)('boto3', () => {
  it('creates a key, signs with it at once, lists without secrets, meets the quota, is refused once Inactive', async () => {
    const result = await execute(python ?? 'python3', ['-c', BOTO3, endpoint.url, ROOT.accessKeyId, ROOT.secretAccessKey], env(ROOT));
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out['id']).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(out).toMatchObject({
      secretLength: 40,
      status: 'Active',
      me: 'boto-user',
      listed: [[out['id'], 'Active', false]],
      third: ['LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409],
      inactive: ['InvalidClientTokenId', 'The security token included in the request is invalid.', 403],
      deleteUser: ['DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409],
    });
  });
});

describe.skipIf(awsPath === undefined)('the AWS CLI', () => {
  const aws = (key: { accessKeyId: string; secretAccessKey: string }, args: string[]) =>
    execute(awsPath ?? 'aws', ['--endpoint-url', endpoint.url, '--output', 'json', 'iam', ...args], env(key));

  it('create-access-key, then calls signed with the new key act as its user', async () => {
    expect((await aws(ROOT, ['create-user', '--user-name', 'cli-user'])).code).toBe(0);
    const created = await aws(ROOT, ['create-access-key', '--user-name', 'cli-user']);
    expect(created.stderr).toBe('');
    const { AccessKey } = JSON.parse(created.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const key = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    const me = await aws(key, ['get-user']);
    expect(me.stderr).toBe('');
    expect(JSON.parse(me.stdout)).toHaveProperty('User.Arn', `arn:aws:iam::${ACCOUNT}:user/cli-user`);
    const deleted = await aws(key, ['delete-access-key', '--access-key-id', key.accessKeyId]);
    expect(deleted.code).toBe(0);
    const refused = await aws(key, ['get-user']);
    expect(refused.stderr).toMatch(/An error occurred \(InvalidClientTokenId\) when calling the GetUser operation: The security token included in the request is invalid\./);
  });
});
