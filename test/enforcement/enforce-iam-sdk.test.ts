import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  GetUserCommand,
  type IAMClient,
  ListServiceSpecificCredentialsCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createIamRequestHandler, type IamEndpoint, startIamEndpoint } from '../../src/protocol/query/index.js';
import { rejection } from '../protocol/helpers.js';
import { type Key, signedClient } from '../protocol/sigv4-support.js';

const ACCOUNT = '111111111111';
const ROOT: Key = { accessKeyId: 'AKIDENFORCEROOT', secretAccessKey: 'enforce-root-secret-00000000000000000000' };
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';
const BEDROCK = 'bedrock.amazonaws.com';
const CODECOMMIT = 'codecommit.amazonaws.com';

let endpoint: IamEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const start = async (enforceIam: 'on' | 'soft', lines: string[] = []): Promise<{ root: IAMClient; userClient: (name: string) => Promise<IAMClient> }> => {
  endpoint = await startIamEndpoint({
    accountId: ACCOUNT,
    accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } },
    signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } },
    enforceIam,
    log: (line) => lines.push(line),
  });
  const url = endpoint.url;
  const root = signedClient(url, ROOT);
  return {
    root,
    userClient: async (name) => {
      await root.send(new CreateUserCommand({ UserName: name }));
      const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: name }));
      return signedClient(url, { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' });
    },
  };
};

const denial = (user: string, action: string, resource: string, explicit = false): string =>
  `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: iam:${action} on resource: ${resource}` +
  (explicit ? ' with an explicit deny in an identity-based policy' : ` because no identity-based policy allows the iam:${action} action`);

const document = (statements: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('--enforce-iam on, with the AWS SDK v3', () => {
  it('a user with no policy is denied creating a credential for itself, with AWS wording; nothing is created', async () => {
    const lines: string[] = [];
    const { root, userClient } = await start('on', lines);
    const alice = await userClient('alice');
    const refused = await rejection(alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: BEDROCK })));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.$metadata.httpStatusCode).toBe(403);
    expect(refused.message).toBe(denial('alice', 'CreateServiceSpecificCredential', `arn:aws:iam::${ACCOUNT}:user/alice`));
    expect((await root.send(new ListServiceSpecificCredentialsCommand({ UserName: 'alice' }))).ServiceSpecificCredentials).toEqual([]);
    // Authorisation comes first: an unknown user, or a malformed name, is AccessDenied to a caller without permission.
    const unknown = await rejection(alice.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(unknown.message).toBe(denial('alice', 'GetUser', `arn:aws:iam::${ACCOUNT}:user/nobody`));
    expect((await rejection(alice.send(new GetUserCommand({ UserName: 'not valid!' })))).name).toBe('AccessDenied');
    expect(lines).toContain(
      `iam-authz principal=arn:aws:iam::${ACCOUNT}:user/alice action=iam:CreateServiceSpecificCredential resource=arn:aws:iam::${ACCOUNT}:user/alice decision=implicit-deny outcome=denied deciding=-`,
    );
  });

  it('with IAMSelfManageServiceSpecificCredentials a user manages its own credentials and is denied another user’s', async () => {
    const lines: string[] = [];
    const { root, userClient } = await start('on', lines);
    const alice = await userClient('alice');
    await root.send(new CreateUserCommand({ UserName: 'bob' }));
    await root.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: SELF_MANAGE }));
    const created = await alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: CODECOMMIT }));
    const id = created.ServiceSpecificCredential?.ServiceSpecificCredentialId ?? '';
    // ListServiceSpecificCredentials without UserName is on the caller's own user.
    expect((await alice.send(new ListServiceSpecificCredentialsCommand({}))).ServiceSpecificCredentials).toHaveLength(1);
    await alice.send(new ResetServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: id }));
    await alice.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
    await alice.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: id }));
    const others = await rejection(alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceName: CODECOMMIT })));
    expect(others.message).toBe(denial('alice', 'CreateServiceSpecificCredential', `arn:aws:iam::${ACCOUNT}:user/bob`));
    const listOthers = await rejection(alice.send(new ListServiceSpecificCredentialsCommand({ UserName: 'bob' })));
    expect(listOthers.name).toBe('AccessDenied');
    // The allow names the deciding policy and statement.
    expect(lines.some((line) => line.includes('decision=allow outcome=allowed deciding=arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials#'))).toBe(true);
  });

  it('a Deny on iam:ServiceSpecificCredentialAgeDays above 90 refuses a 365-day Bedrock key and allows a 30-day one', async () => {
    const { root, userClient } = await start('on');
    const alice = await userClient('alice');
    await root.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: SELF_MANAGE }));
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'short-lived-keys',
        PolicyDocument: document([
          {
            Sid: 'NoLongKeys',
            Effect: 'Deny',
            Action: 'iam:CreateServiceSpecificCredential',
            Resource: '*',
            Condition: { NumericGreaterThan: { 'iam:ServiceSpecificCredentialAgeDays': '90' } },
          },
        ]),
      }),
    );
    const long = await rejection(alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 365 })));
    expect(long.message).toBe(denial('alice', 'CreateServiceSpecificCredential', `arn:aws:iam::${ACCOUNT}:user/alice`, true));
    const short = await alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 30 }));
    expect(short.ServiceSpecificCredential?.ServiceName).toBe(BEDROCK);
  });

  it('a Deny on iam:ServiceSpecificCredentialServiceName refuses CodeCommit and allows Bedrock; a group’s policy applies to its members', async () => {
    const { root, userClient } = await start('on');
    const carol = await userClient('carol');
    await root.send(new CreateGroupCommand({ GroupName: 'builders' }));
    await root.send(new AttachGroupPolicyCommand({ GroupName: 'builders', PolicyArn: SELF_MANAGE }));
    const created = await root.send(
      new CreatePolicyCommand({
        PolicyName: 'no-codecommit',
        PolicyDocument: document([
          {
            Effect: 'Deny',
            Action: 'iam:CreateServiceSpecificCredential',
            Resource: '*',
            Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': CODECOMMIT } },
          },
        ]),
      }),
    );
    const denyArn = created.Policy?.Arn ?? '';
    await root.send(new AttachGroupPolicyCommand({ GroupName: 'builders', PolicyArn: denyArn }));
    // Not yet a member: nothing allows it.
    expect((await rejection(carol.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: BEDROCK })))).name).toBe('AccessDenied');
    await root.send(new AddUserToGroupCommand({ GroupName: 'builders', UserName: 'carol' }));
    const codecommit = await rejection(carol.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: CODECOMMIT })));
    expect(codecommit.message).toBe(denial('carol', 'CreateServiceSpecificCredential', `arn:aws:iam::${ACCOUNT}:user/carol`, true));
    expect((await carol.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: BEDROCK }))).ServiceSpecificCredential).toBeDefined();
    // DeletePolicy while attached, DeleteUser while in a group and holding a key: conflicts, root asking.
    expect((await rejection(root.send(new DeletePolicyCommand({ PolicyArn: denyArn })))).name).toBe('DeleteConflictException');
    expect((await rejection(root.send(new DeleteUserCommand({ UserName: 'carol' })))).name).toBe('DeleteConflictException');
  });

  it('root keys are never denied, whatever policies exist', async () => {
    const lines: string[] = [];
    const { root } = await start('on', lines);
    await root.send(new CreateUserCommand({ UserName: 'dave' }));
    await root.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dave', ServiceName: CODECOMMIT }));
    expect((await root.send(new ListUsersCommand({}))).Users).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('iam-authz')).every((line) => line.includes(`principal=arn:aws:iam::${ACCOUNT}:root`) && line.endsWith('deciding=root'))).toBe(true);
  });
});

describe('--enforce-iam soft', () => {
  it('allows what on would refuse, and logs it as would-deny; never logs a secret', async () => {
    const lines: string[] = [];
    const { userClient } = await start('soft', lines);
    const alice = await userClient('alice');
    const created = await alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: CODECOMMIT }));
    expect(created.ServiceSpecificCredential?.ServicePassword).toBeDefined();
    expect(lines).toContain(
      `iam-authz principal=arn:aws:iam::${ACCOUNT}:user/alice action=iam:CreateServiceSpecificCredential resource=arn:aws:iam::${ACCOUNT}:user/alice decision=implicit-deny outcome=would-deny(soft) deciding=-`,
    );
    const everything = lines.join('\n');
    expect(everything).not.toContain(created.ServiceSpecificCredential?.ServicePassword);
  });
});

describe('the options', () => {
  it('enforceIam needs signatures: startIamEndpoint and the in-process handler refuse to start without them', async () => {
    await expect(startIamEndpoint({ enforceIam: 'on' })).rejects.toThrow('startIamEndpoint: enforceIam needs signatures');
    expect(() => createIamRequestHandler(createCredentialEngine(), { enforceIam: { mode: 'on' } })).toThrow('enforceIam needs signatures');
    await expect(startIamEndpoint({ enforceIam: 'sometimes' as never })).rejects.toThrow("enforceIam must be 'on', 'soft' or 'off'");
  });

  it('the in-process handler enforces as the endpoint does', async () => {
    const lines: string[] = [];
    const handler = createIamRequestHandler(createCredentialEngine({ accountId: ACCOUNT }), {
      accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } },
      signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } },
      enforceIam: { mode: 'on', log: (line) => lines.push(line) },
    });
    const root = signedClient(handler, ROOT);
    await root.send(new CreateUserCommand({ UserName: 'erin' }));
    const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
    const erin = signedClient(handler, { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' });
    const refused = await rejection(erin.send(new ListUsersCommand({})));
    expect(refused.message).toBe(denial('erin', 'ListUsers', '*'));
    expect(lines.at(-1)).toMatch(/action=iam:ListUsers resource=\* decision=implicit-deny outcome=denied/);
    // aws:RequestedRegion is the region the request was signed for.
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'erin',
        PolicyName: 'eu-only',
        PolicyDocument: document([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }]),
      }),
    );
    expect((await erin.send(new ListUsersCommand({}))).Users).toHaveLength(1);
  });
});
