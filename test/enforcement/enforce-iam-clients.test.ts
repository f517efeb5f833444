import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandProcess, listeningUrl, runCommand } from '../support/serve-process.js';

// The done-when scenarios with the AWS CLI and boto3, against `serve --verify-signatures --enforce-iam on` (and soft).

const ACCOUNT = '111111111111';
const ROOT = { accessKeyId: 'AKIDCLIROOT', secretAccessKey: 'cli-root-secret/0000000000000000000000+0' };

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
if (awsPath === undefined && process.env.CI) throw new Error('enforce-iam-clients.test.ts: the AWS CLI must be installed in CI');
const python = onPath('python3');
const hasBoto3 = python !== undefined && (await execute(python, ['-c', 'import boto3'], {})).code === 0;
if (!hasBoto3 && process.env.CI) throw new Error('enforce-iam-clients.test.ts: python3 with boto3 must be installed in CI');

const env = (key: { accessKeyId: string; secretAccessKey: string }): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: key.accessKeyId,
  AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
  AWS_MAX_ATTEMPTS: '1',
});

const serve = async (mode: 'on' | 'soft'): Promise<{ server: CommandProcess; url: string }> => {
  const server = runCommand([
    'serve',
    '--port',
    '0',
    '--account-id',
    ACCOUNT,
    '--verify-signatures',
    '--access-key',
    `${ROOT.accessKeyId}=${ROOT.secretAccessKey}:${ACCOUNT}`,
    '--enforce-iam',
    mode,
  ]);
  return { server, url: await listeningUrl(server) };
};

describe('the command line', () => {
  it('refuses --enforce-iam without --verify-signatures, and a mode it does not know, with a clear message', async () => {
    const without = runCommand(['serve', '--port', '0', '--enforce-iam', 'on']);
    expect((await without.exit).code).not.toBe(0);
    expect(without.stderr()).toContain('--enforce-iam needs --verify-signatures');
    const unknown = runCommand(['serve', '--port', '0', '--verify-signatures', '--access-key', 'AKIDX=secret', '--enforce-iam', 'maybe']);
    expect((await unknown.exit).code).not.toBe(0);
    expect(unknown.stderr()).toContain('--enforce-iam: expected on, soft or off, got "maybe"');
  }, 30_000);
});

describe.skipIf(awsPath === undefined)('the AWS CLI against serve --verify-signatures --enforce-iam on', () => {
  let served: { server: CommandProcess; url: string };
  const dir = mkdtempSync(join(tmpdir(), 'enforce-iam-cli-'));
  beforeAll(async () => {
    served = await serve('on');
  }, 30_000);
  afterAll(async () => {
    served.server.child.kill('SIGTERM');
    await served.server.exit;
    rmSync(dir, { recursive: true, force: true });
  });
  const aws = (key: { accessKeyId: string; secretAccessKey: string }, args: string[]) =>
    execute(awsPath ?? 'aws', ['--endpoint-url', served.url, '--output', 'json', 'iam', ...args], env(key));

  it('put-user-policy --policy-document file://, attach-user-policy, create-access-key, then calls signed with the new key', async () => {
    expect((await aws(ROOT, ['create-user', '--user-name', 'alice'])).code).toBe(0);
    const created = await aws(ROOT, ['create-access-key', '--user-name', 'alice']);
    const { AccessKey } = JSON.parse(created.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const alice = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    const denied = await aws(alice, ['create-service-specific-credential', '--user-name', 'alice', '--service-name', 'codecommit.amazonaws.com']);
    expect(denied.stderr).toContain(
      `An error occurred (AccessDenied) when calling the CreateServiceSpecificCredential operation: User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:CreateServiceSpecificCredential on resource: arn:aws:iam::${ACCOUNT}:user/alice because no identity-based policy allows the iam:CreateServiceSpecificCredential action`,
    );
    expect((await aws(ROOT, ['attach-user-policy', '--user-name', 'alice', '--policy-arn', 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials'])).code).toBe(0);
    const file = join(dir, 'deny-codecommit.json');
    writeFileSync(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'NoCodeCommit', Effect: 'Deny', Action: 'iam:CreateServiceSpecificCredential', Resource: '*', Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } } }],
      }),
    );
    const put = await aws(ROOT, ['put-user-policy', '--user-name', 'alice', '--policy-name', 'no-codecommit', '--policy-document', `file://${file}`]);
    expect(put.stderr).toBe('');
    const codecommit = await aws(alice, ['create-service-specific-credential', '--user-name', 'alice', '--service-name', 'codecommit.amazonaws.com']);
    expect(codecommit.stderr).toContain('with an explicit deny in an identity-based policy');
    const bedrock = await aws(alice, ['create-service-specific-credential', '--user-name', 'alice', '--service-name', 'bedrock.amazonaws.com', '--credential-age-days', '30']);
    expect(bedrock.stderr).toBe('');
    expect(JSON.parse(bedrock.stdout)).toHaveProperty('ServiceSpecificCredential.ServiceName', 'bedrock.amazonaws.com');
    // The decision lines name the deciding policy and Sid, and never a secret.
    expect(served.server.stdout()).toContain('decision=explicit-deny outcome=denied deciding=inline:user/alice/no-codecommit#NoCodeCommit');
    expect(served.server.stdout()).not.toContain(alice.secretAccessKey);
  });
});

const BOTO3 = `
import json, sys, boto3, botocore.exceptions
url, root_id, root_secret = sys.argv[1:4]
def client(key_id, secret):
    return boto3.client('iam', endpoint_url=url, region_name='us-east-1', aws_access_key_id=key_id, aws_secret_access_key=secret)
def code(call):
    try:
        call()
        return 'ok'
    except botocore.exceptions.ClientError as error:
        return error.response['Error']['Code'] + ': ' + error.response['Error']['Message']
root = client(root_id, root_secret)
def user(name):
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)['AccessKey']
    return client(key['AccessKeyId'], key['SecretAccessKey'])
out = {}
alice = user('alice'); root.create_user(UserName='bob')
out['noPolicy'] = code(lambda: alice.create_service_specific_credential(UserName='alice', ServiceName='bedrock.amazonaws.com'))
root.attach_user_policy(UserName='alice', PolicyArn='arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials')
out['own'] = code(lambda: alice.create_service_specific_credential(UserName='alice', ServiceName='bedrock.amazonaws.com', CredentialAgeDays=365))
out['others'] = code(lambda: alice.create_service_specific_credential(UserName='bob', ServiceName='bedrock.amazonaws.com'))
root.put_user_policy(UserName='alice', PolicyName='max-90-days', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
  {'Effect': 'Deny', 'Action': 'iam:CreateServiceSpecificCredential', 'Resource': '*',
   'Condition': {'NumericGreaterThan': {'iam:ServiceSpecificCredentialAgeDays': '90'}}}]}))
for c in alice.list_service_specific_credentials()['ServiceSpecificCredentials']:
    alice.delete_service_specific_credential(UserName='alice', ServiceSpecificCredentialId=c['ServiceSpecificCredentialId'])
out['days365'] = code(lambda: alice.create_service_specific_credential(UserName='alice', ServiceName='bedrock.amazonaws.com', CredentialAgeDays=365))
out['days30'] = code(lambda: alice.create_service_specific_credential(UserName='alice', ServiceName='bedrock.amazonaws.com', CredentialAgeDays=30))
carol = user('carol')
root.create_group(GroupName='builders')
root.attach_group_policy(GroupName='builders', PolicyArn='arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials')
out['beforeGroup'] = code(lambda: carol.create_service_specific_credential(UserName='carol', ServiceName='codecommit.amazonaws.com'))
root.add_user_to_group(GroupName='builders', UserName='carol')
out['inGroup'] = code(lambda: carol.create_service_specific_credential(UserName='carol', ServiceName='codecommit.amazonaws.com'))
arn = root.create_policy(PolicyName='p', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'iam:GetUser', 'Resource': '*'}]}))['Policy']['Arn']
root.attach_user_policy(UserName='bob', PolicyArn=arn)
out['deletePolicy'] = code(lambda: root.delete_policy(PolicyArn=arn))
out['deleteUser'] = code(lambda: root.delete_user(UserName='bob'))
out['rootCreates'] = code(lambda: root.create_service_specific_credential(UserName='bob', ServiceName='codecommit.amazonaws.com'))
print(json.dumps(out))
`;

describe.skipIf(!hasBoto3)('boto3 against serve --verify-signatures --enforce-iam', () => {
  it('on: the done-when scenarios', async () => {
    const { server, url } = await serve('on');
    try {
      const result = await execute(python ?? 'python3', ['-c', BOTO3, url, ROOT.accessKeyId, ROOT.secretAccessKey], env(ROOT));
      expect(result.stderr).toBe('');
      const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
      const implicit = (who: string, on: string) =>
        `AccessDenied: User: ${user(who)} is not authorized to perform: iam:CreateServiceSpecificCredential on resource: ${user(on)} because no identity-based policy allows the iam:CreateServiceSpecificCredential action`;
      expect(JSON.parse(result.stdout)).toEqual({
        noPolicy: implicit('alice', 'alice'),
        own: 'ok',
        others: implicit('alice', 'bob'),
        days365: `AccessDenied: User: ${user('alice')} is not authorized to perform: iam:CreateServiceSpecificCredential on resource: ${user('alice')} with an explicit deny in an identity-based policy`,
        days30: 'ok',
        beforeGroup: implicit('carol', 'carol'),
        inGroup: 'ok',
        deletePolicy: 'DeleteConflict: Cannot delete a policy attached to entities.',
        deleteUser: 'DeleteConflict: Cannot delete entity, must detach all policies first.',
        rootCreates: 'ok',
      });
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }, 60_000);

  it('soft: everything is allowed, and what would be denied is logged', async () => {
    const { server, url } = await serve('soft');
    try {
      const result = await execute(python ?? 'python3', ['-c', BOTO3, url, ROOT.accessKeyId, ROOT.secretAccessKey], env(ROOT));
      const out = JSON.parse(result.stdout) as Record<string, string>;
      expect(out['noPolicy']).toBe('ok');
      expect(out['others']).toBe('ok');
      expect(server.stdout()).toContain(
        `iam-authz principal=arn:aws:iam::${ACCOUNT}:user/alice action=iam:CreateServiceSpecificCredential resource=arn:aws:iam::${ACCOUNT}:user/bob decision=implicit-deny outcome=would-deny(soft)`,
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }, 60_000);
});
