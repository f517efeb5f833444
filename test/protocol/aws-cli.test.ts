import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './helpers.js';

/**
 * The AWS CLI is optional on a developer's machine: this suite runs when `aws` is on the PATH and is skipped, saying so, when it is
 * not. In CI it is never skipped: .ci/run installs the CLI when missing, and a missing CLI fails the run.
 */
const awsPath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'aws'))
  .find((candidate) => existsSync(candidate));
if (awsPath === undefined && process.env.CI) throw new Error('aws-cli.test.ts: the AWS CLI (`aws`) must be installed in CI; .ci/run installs it');
if (awsPath === undefined) console.log('aws-cli.test.ts: skipped because the AWS CLI (`aws`) is not installed on this machine');

let endpoint: TestServer;

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

describe.skipIf(awsPath === undefined)('the AWS CLI against the endpoint', () => {
  beforeAll(async () => {
    endpoint = await startTestServer();
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it('drives the whole lifecycle', async () => {
    const user = await ok(['create-user', '--user-name', 'cli-dev']);
    expect(user).toHaveProperty('User.Arn', 'arn:aws:iam::123456789012:user/cli-dev');

    const created = await ok(['create-service-specific-credential', '--user-name', 'cli-dev', '--service-name', 'codecommit.amazonaws.com']);
    expect(created).toHaveProperty('ServiceSpecificCredential.ServiceUserName', 'cli-dev-at-123456789012');
    expect(created).toHaveProperty('ServiceSpecificCredential.Status', 'Active');
    const credential = created['ServiceSpecificCredential'] as Record<string, string>;
    const id = credential['ServiceSpecificCredentialId'] ?? '';
    expect(id).toMatch(/^ACCA[A-Z0-9]{17}$/);

    await ok(['update-service-specific-credential', '--user-name', 'cli-dev', '--service-specific-credential-id', id, '--status', 'Inactive']);
    const listed = await ok(['list-service-specific-credentials', '--user-name', 'cli-dev']);
    expect(listed['ServiceSpecificCredentials']).toEqual([
      expect.objectContaining({ ServiceSpecificCredentialId: id, Status: 'Inactive', ServiceName: 'codecommit.amazonaws.com' }),
    ]);
    const reset = await ok(['reset-service-specific-credential', '--user-name', 'cli-dev', '--service-specific-credential-id', id]);
    expect(reset).toHaveProperty('ServiceSpecificCredential.ServiceSpecificCredentialId', id);
    expect((reset['ServiceSpecificCredential'] as Record<string, string>)['ServicePassword']).not.toBe(credential['ServicePassword']);

    const conflict = await aws(['delete-user', '--user-name', 'cli-dev']);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr.trim()).toBe(
      'An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must remove referenced objects first.',
    );
    await ok(['delete-service-specific-credential', '--user-name', 'cli-dev', '--service-specific-credential-id', id]);
    await ok(['delete-user', '--user-name', 'cli-dev']);
    const gone = await aws(['get-user', '--user-name', 'cli-dev']);
    expect(gone.stderr.trim()).toBe('An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name cli-dev cannot be found.');
  });
});
