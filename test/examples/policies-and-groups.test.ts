import { createCredentialEngine } from 'iam-service-credentials';
import { expect, it } from 'vitest';

const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';
const principal = (userName: string, userId: string) => ({
  kind: 'user' as const,
  accountId: '123456789012',
  arn: `arn:aws:iam::123456789012:user/${userName}`,
  userName,
  userId,
});

it("a group's AWS managed policy lets its members manage their own credentials, and an inline Deny narrows it", async () => {
  const engine = createCredentialEngine();
  const alice = (await engine.createUser({ UserName: 'alice' }))._unsafeUnwrap().User;
  await engine.createGroup({ GroupName: 'developers' });
  await engine.attachGroupPolicy({ GroupName: 'developers', PolicyArn: SELF_MANAGE });
  await engine.addUserToGroup({ GroupName: 'developers', UserName: 'alice' });
  await engine.putUserPolicy({
    UserName: 'alice',
    PolicyName: 'bedrock-only',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoCodeCommitPasswords',
          Effect: 'Deny',
          Action: 'iam:CreateServiceSpecificCredential',
          Resource: '*',
          Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } },
        },
      ],
    }),
  });

  const create = (userName: string, serviceName: string) => ({
    principal: principal('alice', alice.UserId),
    action: 'iam:CreateServiceSpecificCredential',
    resource: `arn:aws:iam::123456789012:user/${userName}`,
    context: { 'iam:ServiceSpecificCredentialServiceName': serviceName },
  });
  expect((await engine.authorize(create('alice', 'bedrock.amazonaws.com')))._unsafeUnwrap().decision).toBe('allow');
  expect((await engine.authorize(create('bob', 'bedrock.amazonaws.com')))._unsafeUnwrap().decision).toBe('implicit-deny');
  const codecommit = (await engine.authorize(create('alice', 'codecommit.amazonaws.com')))._unsafeUnwrap();
  expect(codecommit.decision).toBe('explicit-deny');
  expect(codecommit.deciding[0]?.sid).toBe('NoCodeCommitPasswords');

  // While alice holds policies or groups she cannot be deleted, as in IAM.
  expect((await engine.deleteUser({ UserName: 'alice' }))._unsafeUnwrapErr().message).toBe('Cannot delete entity, must delete policies first.');
});
