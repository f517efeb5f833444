import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
  LimitExceededException,
} from '@aws-sdk/client-iam';
import { createCredentialEngine } from 'iam-service-credentials';
import { createIamRequestHandler } from 'iam-service-credentials/query';
import { expect, it } from 'vitest';

const engine = createCredentialEngine(); // in-memory, account 123456789012
const iam = new IAMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'anything' }, // not checked
  requestHandler: createIamRequestHandler(engine), // no server, no socket: the SDK's middleware all runs
  maxAttempts: 1, // the SDK retries LimitExceededException as throttling (3 attempts, ~2 s); a test that expects it wants it at once
});

it('refuses a third CodeCommit password for one user, as AWS does', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const create = new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
  const first = await iam.send(create);
  expect(first.ServiceSpecificCredential?.ServiceUserName).toBe('alice-at-123456789012');
  await iam.send(create);
  await expect(iam.send(create)).rejects.toBeInstanceOf(LimitExceededException);
});
