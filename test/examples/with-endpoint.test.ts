import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { beforeEach, expect, inject, it } from 'vitest';

const url = inject('iamEndpointUrl'); // provided by the globalSetup
const iam = new IAMClient({
  region: 'us-east-1',
  endpoint: url,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'anything' },
});

beforeEach(async () => {
  // A clean slate for each test: every user and credential of account 123456789012 (the seed is not created again).
  const reset = await fetch(`${url}/_iam-service-credentials/reset?accountId=123456789012`, { method: 'POST' });
  expect(reset.status).toBe(200);
});

it('starts each test empty', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  expect((await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['carol']);
});

it('still starts empty after the test before it created a user', async () => {
  expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([]);
  await expect(iam.send(new GetUserCommand({ UserName: 'carol' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
});

it('leaves the other accounts alone: the seeded bob of 111111111111 is still there', async () => {
  const health = await fetch(`${url}/_iam-service-credentials/health`);
  expect(await health.json()).toMatchObject({ Status: 'ok', StoreAnswers: true });
  const ci = new IAMClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'AKIDCI', secretAccessKey: 'anything' } });
  expect((await ci.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['bob']);
});
