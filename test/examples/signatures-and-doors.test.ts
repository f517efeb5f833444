import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { type IamEndpoint, startIamEndpoint } from 'iam-service-credentials/query';
import { afterAll, beforeAll, expect, it } from 'vitest';

const key = { accessKeyId: 'AKIDSIGNED', secretAccessKey: 'a-secret-this-endpoint-knows' };
let endpoint: IamEndpoint;

beforeAll(async () => {
  endpoint = await startIamEndpoint({
    accountMap: { AKIDSIGNED: { accountId: '333333333333' } },
    signatures: { secretAccessKeys: { AKIDSIGNED: key.secretAccessKey } }, // as --verify-signatures --access-key AKID=SECRET
    frontDoors: { bedrock: { port: 0 } }, // as --bedrock-port; 0: any free port, told in endpoint.frontDoors
  });
});
afterAll(() => endpoint.close());

const iam = (secretAccessKey: string): IAMClient =>
  new IAMClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { ...key, secretAccessKey }, maxAttempts: 1 });

it('refuses a request signed with the wrong secret, as IAM does', async () => {
  await expect(iam('not-the-secret').send(new CreateUserCommand({ UserName: 'mallory' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
});

it('issues a Bedrock API key that its Bedrock door accepts', async () => {
  const signed = iam(key.secretAccessKey);
  await signed.send(new CreateUserCommand({ UserName: 'alice' }));
  const created = await signed.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com' }));
  const bedrock = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: endpoint.frontDoors.bedrock!.url, // there: the door was asked for
    token: { token: created.ServiceSpecificCredential?.ServiceCredentialSecret ?? '' },
    authSchemePreference: ['httpBearerAuth'],
  });
  const answer = await bedrock.send(new ConverseCommand({ modelId: 'any-model', messages: [{ role: 'user', content: [{ text: 'hello' }] }] }));
  expect(answer.output?.message?.content?.[0]?.text).toBe('hello'); // the stand-in echoes the last user message
  bedrock.destroy();
});
