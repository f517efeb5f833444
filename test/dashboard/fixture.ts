import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import type { Browser } from 'playwright-core';
import { type ManualClock, createManualClock } from '../../src/index.js';
import { type IamEndpoint, startIamEndpoint } from '../../src/protocol/query/index.js';

const run = promisify(execFile);

/** Debian's Chromium, which `.ci/run` installs (Playwright's own browser download is not reachable here). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

/** Headless Chromium as this machine allows it: no sandbox (root), no background network (the machine has none). */
export const launchChromium = async (): Promise<Browser> => {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
};

/** Every secret the fixture was shown: none of them may reach the page. */
export interface DashboardFixture {
  readonly endpoint: IamEndpoint;
  readonly iam: IAMClient;
  readonly clock: ManualClock;
  readonly gitUrl: string;
  readonly secrets: readonly string[];
  /** A refused `git ls-remote` of the demo repository (wrong password for `user`). */
  refusedGitLogin(user: string): Promise<void>;
  /** An accepted `git ls-remote` with a real credential. */
  acceptedGitLogin(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The endpoint with the git and Bedrock doors, a manual clock, and users made through the AWS SDK as a test suite would: alice with
 * two CodeCommit passwords (a `+1` family) and a Bedrock key for 1 day, bob with an Inactive Keyspaces password.
 */
export const startDashboardFixture = async (): Promise<DashboardFixture> => {
  const root = await mkdtemp(join(tmpdir(), 'iam-ssc-dashboard-'));
  await run('git', ['init', '--bare', '--quiet', join(root, 'demo')]);
  const clock = createManualClock(new Date());
  const endpoint = await startIamEndpoint({ clock, frontDoors: { git: { port: 0, root }, bedrock: { port: 0 } } });
  const iam = new IAMClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDDASHBOARD', secretAccessKey: 'dashboard' },
    maxAttempts: 1,
  });
  const secrets: string[] = [];
  const create = async (UserName: string, ServiceName: string, CredentialAgeDays?: number) => {
    const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName, ServiceName, ...(CredentialAgeDays === undefined ? {} : { CredentialAgeDays }) }));
    const credential = created.ServiceSpecificCredential!;
    for (const secret of [credential.ServicePassword, credential.ServiceCredentialSecret]) if (secret !== undefined) secrets.push(secret);
    return credential;
  };
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  const git = await create('alice', 'codecommit.amazonaws.com');
  await create('alice', 'codecommit.amazonaws.com');
  await create('alice', 'bedrock.amazonaws.com', 1);
  const keyspaces = await create('bob', 'cassandra.amazonaws.com');
  await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: keyspaces.ServiceSpecificCredentialId!, Status: 'Inactive' }));
  // Permissions: an access key, an inline policy, an AWS managed policy, a group with a policy of its own.
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  secrets.push(key.AccessKey!.SecretAccessKey!);
  const denyCodeCommit = { Version: '2012-10-17', Statement: [{ Sid: 'NoCodeCommitPasswords', Effect: 'Deny', Action: 'iam:CreateServiceSpecificCredential', Resource: '*', Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } } }] };
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'no-codecommit', PolicyDocument: JSON.stringify(denyCodeCommit) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'bob' }));
  const readUsers = { Version: '2012-10-17', Statement: [{ Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' }] };
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'read-users', PolicyDocument: JSON.stringify(readUsers) }));
  const gitUrl = endpoint.frontDoors.git!.url;
  const lsRemote = async (user: string, password: string): Promise<void> => {
    const url = gitUrl.replace('http://', `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`);
    await run('git', ['-c', 'credential.helper=', 'ls-remote', `${url}/v1/repos/demo`], {
      env: { PATH: process.env['PATH'], HOME: root, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    }).catch(() => undefined);
  };
  return {
    endpoint,
    iam,
    clock,
    gitUrl,
    secrets,
    refusedGitLogin: (user) => lsRemote(user, 'not-the-password'),
    acceptedGitLogin: () => lsRemote(git.ServiceUserName!, git.ServicePassword!),
    close: async () => {
      iam.destroy();
      await endpoint.close(0);
      await rm(root, { recursive: true, force: true });
    },
  };
};
