import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../protocol/helpers.js';

// As test/protocol/aws-cli.test.ts: runs where `aws` is installed, required in CI.
const awsPath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'aws'))
  .find((candidate) => existsSync(candidate));
if (awsPath === undefined && process.env.CI) throw new Error('policies/aws-cli.test.ts: the AWS CLI (`aws`) must be installed in CI');
if (awsPath === undefined) console.log('policies/aws-cli.test.ts: skipped because the AWS CLI (`aws`) is not installed on this machine');

let endpoint: TestServer;
let dir: string;

const aws = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      awsPath ?? 'aws',
      ['--endpoint-url', endpoint.url, '--output', 'json', 'iam', ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'not-checked',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const ok = async (args: string[]): Promise<Record<string, unknown>> => {
  const result = await aws(args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim() === '' ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
};

const DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'OwnCredentials', Effect: 'Allow', Action: 'iam:*ServiceSpecificCredential*', Resource: 'arn:aws:iam::*:user/${aws:username}' }],
};

describe.skipIf(awsPath === undefined)('the AWS CLI: policies and groups', () => {
  beforeAll(async () => {
    endpoint = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'policies-cli-'));
  });
  afterAll(async () => {
    await endpoint?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('put-user-policy from a file, get-user-policy decoded by the CLI, attach-user-policy, and the conflicts', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(DOCUMENT, null, 2));
    await ok(['create-user', '--user-name', 'cli-alice']);
    await ok(['put-user-policy', '--user-name', 'cli-alice', '--policy-name', 'own', '--policy-document', `file://${file}`]);
    const got = await ok(['get-user-policy', '--user-name', 'cli-alice', '--policy-name', 'own']);
    // The CLI URL-decodes the document and shows it parsed.
    expect(got).toEqual({ UserName: 'cli-alice', PolicyName: 'own', PolicyDocument: DOCUMENT });
    expect(await ok(['list-user-policies', '--user-name', 'cli-alice'])).toEqual({ PolicyNames: ['own'] });

    await ok(['attach-user-policy', '--user-name', 'cli-alice', '--policy-arn', 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials']);
    expect(await ok(['list-attached-user-policies', '--user-name', 'cli-alice'])).toEqual({
      AttachedPolicies: [{ PolicyName: 'IAMSelfManageServiceSpecificCredentials', PolicyArn: 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials' }],
    });
    const created = await ok(['create-policy', '--policy-name', 'cli-policy', '--policy-document', `file://${file}`]);
    const arn = (created['Policy'] as Record<string, string>)['Arn'] as string;
    expect(arn).toBe('arn:aws:iam::123456789012:policy/cli-policy');
    const version = await ok(['get-policy-version', '--policy-arn', arn, '--version-id', 'v1']);
    expect((version['PolicyVersion'] as Record<string, unknown>)['Document']).toEqual(DOCUMENT);
    await ok(['create-group', '--group-name', 'cli-devs']);
    await ok(['attach-group-policy', '--group-name', 'cli-devs', '--policy-arn', arn]);
    await ok(['add-user-to-group', '--group-name', 'cli-devs', '--user-name', 'cli-alice']);

    const policyConflict = await aws(['delete-policy', '--policy-arn', arn]);
    expect(policyConflict.stderr.trim()).toBe(
      'An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.',
    );
    const userConflict = await aws(['delete-user', '--user-name', 'cli-alice']);
    expect(userConflict.stderr.trim()).toBe(
      'An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete policies first.',
    );
    const malformed = await aws(['put-user-policy', '--user-name', 'cli-alice', '--policy-name', 'bad', '--policy-document', '{"Version":']);
    expect(malformed.stderr).toContain('An error occurred (MalformedPolicyDocument) when calling the PutUserPolicy operation');
  });
});
