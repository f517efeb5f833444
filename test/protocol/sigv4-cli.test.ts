import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/protocol/cli/serve-options.js';
import { listeningUrl, runCommand } from '../support/serve-process.js';
import { type TestServer, startTestServer } from './helpers.js';
import { KEY_A, SECRETS } from './sigv4-support.js';

const noFile = (): string => {
  throw new Error('no file expected');
};

describe('--access-key, secrets in --account-map-file, --verify-signatures', () => {
  it('reads keys with secrets, mapping those that name an account', () => {
    const file = JSON.stringify({ AKIDFILE: { secretAccessKey: 'file/Secret+1', accountId: '333333333333', userName: 'carol' }, AKIDMAPONLY: '444444444444' });
    const parsed = parseCommand(
      ['serve', '--verify-signatures', '--access-key', 'AKIDA=secretA', '--access-key', 'AKIDB=secret/B+:222222222222:bob', '--account-map-file', 'm.json'],
      {},
      () => file,
    );
    expect(parsed.kind).toBe('serve');
    if (parsed.kind !== 'serve') return;
    expect(parsed.config.verifySignatures).toBe(true);
    expect(parsed.config.secretAccessKeys).toEqual(new Map([['AKIDFILE', 'file/Secret+1'], ['AKIDA', 'secretA'], ['AKIDB', 'secret/B+']]));
    expect(parsed.config.accountMap).toEqual(
      new Map([
        ['AKIDFILE', { accountId: '333333333333', userName: 'carol' }],
        ['AKIDMAPONLY', { accountId: '444444444444' }],
        ['AKIDB', { accountId: '222222222222', userName: 'bob' }],
      ]),
    );
  });

  it('leaves the configuration exactly as before when none of them is given', () => {
    const parsed = parseCommand(['serve'], {}, noFile);
    expect(parsed.kind === 'serve' && 'secretAccessKeys' in parsed.config).toBe(false);
    expect(parsed.kind === 'serve' && 'verifySignatures' in parsed.config).toBe(false);
  });

  it('refuses bad values with a message that never echoes a secret', () => {
    const cases: [string[], RegExp][] = [
      [['--verify-signatures'], /--verify-signatures: give at least one key with its secret/],
      [['--verify-signatures', '--account-map', 'AKIDA=111111111111'], /--verify-signatures: give at least one key/],
      [['--access-key', 'AKIDA'], /--access-key: expected AKID=SECRET/],
      [['--access-key', 'AK-ID=TOPSECRET'], /--access-key: expected AKID=SECRET/],
      [['--access-key', 'AKIDA='], /the secret of AKIDA must be/],
      [['--access-key', 'AKIDA=TOP SECRET'], /the secret of AKIDA must be/],
      [['--access-key', 'AKIDA=TOPSECRET:12'], /the account for AKIDA must be 12 digits/],
      [['--access-key', 'AKIDA=TOPSECRET:111111111111:alice:mallory'], /more ':' parts/],
      [['--access-key', 'AKIDA=TOPSECRET', '--access-key', 'AKIDA=TOPSECRET2'], /given a secret more than once/],
      [['--account-map', 'AKIDA=111111111111', '--access-key', 'AKIDA=TOPSECRET:222222222222'], /already mapped/],
    ];
    for (const [args, message] of cases) {
      const parsed = parseCommand(['serve', ...args], {}, noFile);
      expect(parsed.kind, args.join(' ')).toBe('error');
      if (parsed.kind !== 'error') continue;
      expect(parsed.message).toMatch(message);
      expect(parsed.message).not.toContain('TOPSECRET');
      expect(parsed.message).not.toContain('TOP SECRET');
    }
    const file = JSON.stringify({ AKIDF: { secretAccessKey: 42, accountId: '333333333333' } });
    const parsed = parseCommand(['serve', '--account-map-file', 'm.json'], {}, () => file);
    expect(parsed).toEqual({ kind: 'error', message: "--account-map-file: the secret of AKIDF must be 1 to 256 printable characters without spaces or ':'" });
  });
});

describe('the command with --verify-signatures', () => {
  it('says how many keys have secrets (never which, never a secret), and refuses an unsigned request', async () => {
    const server = runCommand(['serve', '--port', '0', '--verify-signatures', '--access-key', `${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}:111111111111`]);
    try {
      const url = await listeningUrl(server);
      expect(server.stdout()).toContain('1 mapped access key(s); signatures are verified, 1 access key(s) with secrets)');
      const unsigned = await fetch(url, { method: 'POST', body: 'Action=ListUsers&Version=2010-05-08' });
      expect(unsigned.status).toBe(403);
      const iam = new IAMClient({ region: 'us-east-1', endpoint: url, credentials: KEY_A, maxAttempts: 1 });
      expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([]);
      iam.destroy();
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exit).code).toBe(0);
    expect(server.stdout()).not.toContain(KEY_A.secretAccessKey);
    expect(server.stdout()).not.toContain(KEY_A.accessKeyId);
  }, 30_000);
});

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
if (awsPath === undefined && process.env.CI) throw new Error('sigv4-cli.test.ts: the AWS CLI must be installed in CI; .ci/run installs it');
if (awsPath === undefined) console.log('sigv4-cli.test.ts: the AWS CLI part is skipped because `aws` is not installed on this machine');

const python = onPath('python3');
const hasBoto3 = python !== undefined && (await execute(python, ['-c', 'import boto3'], {})).code === 0;
if (!hasBoto3 && process.env.CI) throw new Error('sigv4-cli.test.ts: python3 with boto3 must be installed in CI; .ci/run installs it');
if (!hasBoto3) console.log('sigv4-cli.test.ts: the boto3 part is skipped because python3 with boto3 is not installed on this machine');

let endpoint: TestServer;
beforeAll(async () => {
  endpoint = await startTestServer({}, { accountMap: { [KEY_A.accessKeyId]: { accountId: '111111111111' } }, signatures: { secretAccessKeys: SECRETS } });
});
afterAll(async () => {
  await endpoint?.close();
});

const credentialsEnv = (secretAccessKey: string): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: KEY_A.accessKeyId,
  AWS_SECRET_ACCESS_KEY: secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
  AWS_MAX_ATTEMPTS: '1',
});

describe.skipIf(awsPath === undefined)('the AWS CLI against --verify-signatures', () => {
  const aws = (secret: string, args: string[]) =>
    execute(awsPath ?? 'aws', ['--endpoint-url', endpoint.url, '--output', 'json', 'iam', ...args], credentialsEnv(secret));

  it('works with the right key and fails with the wrong one', async () => {
    const created = await aws(KEY_A.secretAccessKey, ['create-user', '--user-name', 'cli-signed']);
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout)).toHaveProperty('User.Arn', 'arn:aws:iam::111111111111:user/cli-signed');
    const refused = await aws('not-the-secret', ['get-user', '--user-name', 'cli-signed']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/An error occurred \(SignatureDoesNotMatch\) when calling the GetUser operation: The request signature we calculated does not match/);
  });
});

const BOTO3 = `
import json, sys, boto3, botocore.exceptions
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
try:
    print(json.dumps({'arn': iam.create_user(UserName=sys.argv[4])['User']['Arn']}))
except botocore.exceptions.ClientError as error:
    print(json.dumps({'code': error.response['Error']['Code'], 'status': error.response['ResponseMetadata']['HTTPStatusCode']}))
`;

describe.skipIf(!hasBoto3)('boto3 against --verify-signatures', () => {
  const boto3 = async (secret: string, userName: string): Promise<unknown> => {
    const result = await execute(python ?? 'python3', ['-c', BOTO3, endpoint.url, KEY_A.accessKeyId, secret, userName], credentialsEnv(secret));
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  };

  it('works with the right key and fails with the wrong one', async () => {
    expect(await boto3(KEY_A.secretAccessKey, 'boto-signed')).toEqual({ arn: 'arn:aws:iam::111111111111:user/boto-signed' });
    expect(await boto3('not-the-secret', 'boto-forged')).toEqual({ code: 'SignatureDoesNotMatch', status: 403 });
  });
});
