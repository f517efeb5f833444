import { AccessDeniedException, BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  type IAMClient,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/index.js';
import { createBedrockServer } from '../../src/protocol/bedrock/bedrock-server.js';
import { type ListeningDoor, listenDoor } from '../../src/protocol/front-door/door-server.js';
import { type TestServer, iamClient, rejection, startTestServer } from '../protocol/helpers.js';
import { bedrockClient, converseWith } from './bedrock-support.js';

const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
let iam: TestServer;
let client: IAMClient;
let door: ListeningDoor;
let bedrockUrl: string;
const logLines: string[] = [];

const bedrock = (apiKey: string): BedrockRuntimeClient => bedrockClient(bedrockUrl, apiKey);

const converse = (apiKey: string, text?: string) => converseWith(bedrock(apiKey), text);

const apiKey = async (userName: string, CredentialAgeDays?: number) => {
  const created = await client.send(
    new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: 'bedrock.amazonaws.com', ...(CredentialAgeDays === undefined ? {} : { CredentialAgeDays }) }),
  );
  return { id: created.ServiceSpecificCredential!.ServiceSpecificCredentialId!, key: created.ServiceSpecificCredential!.ServiceCredentialSecret! };
};

beforeAll(async () => {
  iam = await startTestServer({ clock });
  client = iamClient(iam.url);
  door = await listenDoor(createBedrockServer(iam.engine, { log: (line) => logLines.push(line) }), 0, '127.0.0.1');
  bedrockUrl = `http://127.0.0.1:${door.address.port}`;
  for (const UserName of ['alice', 'bob', 'carol']) await client.send(new CreateUserCommand({ UserName }));
});

afterAll(async () => {
  await door?.close(0);
  await iam?.close();
});

describe('the Bedrock door with @aws-sdk/client-bedrock-runtime (bearer auth)', () => {
  it('Converse works with a fresh key and echoes the last user message in the Converse shape', async () => {
    const { key } = await apiKey('alice');
    const answer = await converse(key, 'the quick brown fox');
    expect(answer.output?.message).toEqual({ role: 'assistant', content: [{ text: 'the quick brown fox' }] });
    expect(answer.stopReason).toBe('end_turn');
    expect(answer.usage).toEqual({ inputTokens: 4, outputTokens: 4, totalTokens: 8 });
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(logLines.some((line) => / bedrock login accepted user=alice-at-123456789012 account=123456789012 client=127\.0\.0\.1$/.test(line))).toBe(true);
    expect(logLines.join('\n')).not.toContain(key);
  });

  it('the key can come from AWS_BEARER_TOKEN_BEDROCK instead of the token option', async () => {
    const { key } = await apiKey('carol');
    const previous = process.env['AWS_BEARER_TOKEN_BEDROCK'];
    process.env['AWS_BEARER_TOKEN_BEDROCK'] = key;
    try {
      const fromEnv = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: bedrockUrl, authSchemePreference: ['httpBearerAuth'], maxAttempts: 1 });
      const answer = await fromEnv.send(new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'from env' }] }] }));
      expect(answer.output?.message?.content?.[0]?.text).toBe('from env');
      fromEnv.destroy();
    } finally {
      if (previous === undefined) delete process.env['AWS_BEARER_TOKEN_BEDROCK'];
      else process.env['AWS_BEARER_TOKEN_BEDROCK'] = previous;
    }
  });

  it('InvokeModel works too, answering the Converse-shaped echo', async () => {
    const { key } = await apiKey('carol');
    const answer = await bedrock(key).send(
      new InvokeModelCommand({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        contentType: 'application/json',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'ping' }] }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(answer.body)) as { output: { message: { content: { text: string }[] } } };
    expect(body.output.message.content[0]?.text).toBe('ping');
  });

  it('refuses a wrong, an Inactive, an expired, a reset and a deleted key with a typed AccessDeniedException', async () => {
    const good = await apiKey('bob');
    const expiring = await apiKey('bob', 1);
    const wrong = `ABSK${Buffer.from(`${Buffer.from(good.key.slice(4), 'base64').toString().split(':')[0]}:${'x'.repeat(40)}`).toString('base64')}`;
    const refusals: Error[] = [await rejection(converse(wrong))];

    await client.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id, Status: 'Inactive' }));
    refusals.push(await rejection(converse(good.key)));
    await client.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id, Status: 'Active' }));
    await converse(good.key); // active again

    await client.send(new ResetServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id }));
    refusals.push(await rejection(converse(good.key))); // the old key after Reset

    await converse(expiring.key);
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    refusals.push(await rejection(converse(expiring.key)));

    await client.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: expiring.id }));
    refusals.push(await rejection(converse(expiring.key)));

    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AccessDeniedException);
      expect(refusal.message).toBe('Authentication failed: Please make sure your API Key is valid.');
      expect((refusal as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
    }
    expect(logLines.some((line) => /bedrock login refused user=bob\+1-at-123456789012 .*reason=credential-is-Expired/.test(line))).toBe(true);
  });

  it('refuses a key that is not a Bedrock API key, and a CodeCommit password presented as a key', async () => {
    const notAKey = await rejection(converse('not-a-bedrock-key'));
    expect(notAKey).toBeInstanceOf(AccessDeniedException);
    expect(notAKey.message).toBe('Invalid API Key format: Must start with pre-defined prefix');
    await client.send(new CreateUserCommand({ UserName: 'dave' }));
    const git = await client.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dave', ServiceName: 'codecommit.amazonaws.com' }));
    const gitAsKey = `ABSK${Buffer.from(`${git.ServiceSpecificCredential!.ServiceUserName}:${git.ServiceSpecificCredential!.ServicePassword}`).toString('base64')}`;
    expect(await rejection(converse(gitAsKey))).toBeInstanceOf(AccessDeniedException);
  });

  it('logs the reason of a refusal as one clean word (a SigV4 signature: malformed-credentials:unsupported-scheme)', async () => {
    const signed = await fetch(`${bedrockUrl}/model/m/converse`, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00' },
      body: '{}',
    });
    expect(signed.status).toBe(403);
    expect(logLines.some((line) => / bedrock login refused user=- account=- reason=malformed-credentials:unsupported-scheme client=127\.0\.0\.1$/.test(line))).toBe(true);
  });

  it('carries a 1 MB request body over HTTP/2 (the SDK default) and still refuses a body over 1 MiB with 413', async () => {
    await client.send(new CreateUserCommand({ UserName: 'erin' }));
    const { key } = await apiKey('erin');
    const big = 'x'.repeat(1_000_000);
    const answer = await bedrock(key).send(
      new ConverseCommand({
        modelId: 'm',
        messages: [
          { role: 'user', content: [{ text: big }] },
          { role: 'assistant', content: [{ text: 'ok' }] },
          { role: 'user', content: [{ text: 'and now?' }] },
        ],
      }),
    );
    expect(answer.output?.message?.content?.[0]?.text).toBe('and now?');
    const tooLarge = await rejection(bedrock(key).send(new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'x'.repeat(1_100_000) }] }] })));
    expect(tooLarge.$metadata.httpStatusCode).toBe(413);
  });
});
