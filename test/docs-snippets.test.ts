import { CreateServiceSpecificCredentialCommand, CreateUserCommand, IAMClient, LimitExceededException } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import { createCredentialEngine } from '../src/index.js';
import { createIamRequestHandler, startIamEndpoint } from '../src/protocol/query/index.js';

/**
 * The snippets of docs/testing-with-iam-service-credentials.md are files of this test suite (named in backticks just above each
 * block, ending in `:`): each block must be exactly that file, so what users copy is what `npm test` runs.
 */
it('every snippet named after a file of test/examples is that file, byte for byte', () => {
  const doc = readFileSync(new URL('../docs/testing-with-iam-service-credentials.md', import.meta.url), 'utf8');
  const named = [...doc.matchAll(/`(test\/examples\/[^`]+)`[^\n]*:\n\n```[a-z]*\n([\s\S]*?)```/g)];
  expect(named.map((match) => match[1])).toEqual([
    'test/examples/in-process.test.ts',
    'test/examples/iam-endpoint.global-setup.ts',
    'test/examples/with-endpoint.test.ts',
    'test/examples/signatures-and-doors.test.ts',
    'test/examples/fixtures.json',
  ]);
  for (const [, path, block] of named) {
    expect(block, path).toBe(readFileSync(new URL(`../${path as string}`, import.meta.url), 'utf8'));
  }
});

/**
 * docs/endpoint.md's access-log line: its action column is the Query action, `authenticate`/`authenticateApiKey` on the authenticate
 * path, `health` and `reset` on those control paths, `-` otherwise. Read from the doc's sentence, checked against real requests.
 */
it('the access log names the action as docs/endpoint.md says, path by path', async () => {
  const doc = readFileSync(new URL('../docs/endpoint.md', import.meta.url), 'utf8');
  expect(doc).toContain(
    'action (the Query action, `authenticate` or `authenticateApiKey` on the authenticate path, `health` and `reset` on those control paths, `-` otherwise)',
  );
  const lines: string[] = [];
  const endpoint = await startIamEndpoint({ authenticateEndpoint: true, log: (line) => lines.push(line) });
  try {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const requests: [string, RequestInit, string][] = [
      ['/', { method: 'POST', headers: form, body: 'Action=CreateUser&Version=2010-05-08&UserName=alice' }, 'CreateUser'],
      ['/', { method: 'POST', headers: form, body: 'Action=NoSuchAction&Version=2010-05-08' }, '-'],
      ['/_iam-service-credentials/health', { method: 'GET' }, 'health'],
      ['/_iam-service-credentials/reset', { method: 'POST' }, 'reset'],
      ['/_iam-service-credentials/authenticate', { method: 'POST', body: '{"ServiceName":"bedrock.amazonaws.com","ApiKey":"ABSKeA=="}' }, 'authenticateApiKey'],
      [
        '/_iam-service-credentials/authenticate',
        { method: 'POST', body: '{"ServiceName":"codecommit.amazonaws.com","ServiceUserName":"a-at-123456789012","ServicePassword":"x"}' },
        'authenticate',
      ],
      ['/_iam-service-credentials/elsewhere', { method: 'GET' }, '-'],
    ];
    for (const [path, init, action] of requests) {
      const before = lines.length;
      await (await fetch(`${endpoint.url}${path}`, init)).arrayBuffer();
      await vi.waitFor(() => expect(lines.length).toBeGreaterThan(before));
      // time, client address, method, path, status, action, …
      const columns = (lines.at(-1) as string).split(' ');
      expect(columns[3], lines.at(-1)).toBe(path);
      expect(columns[5], lines.at(-1)).toBe(action);
    }
  } finally {
    await endpoint.close();
  }
});

/**
 * docs/testing-with-iam-service-credentials.md and docs/endpoint.md tell SDK users to set `maxAttempts: 1` when they expect
 * LimitExceeded, because the SDK retries it as throttling. This pins that claim to the SDK version the project tests with.
 */
it('the AWS SDK retries LimitExceededException (3 attempts) unless maxAttempts is 1, as the docs say', async () => {
  const attemptsOfThirdCreate = async (maxAttempts?: number): Promise<unknown> => {
    const iam = new IAMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'anything' },
      requestHandler: createIamRequestHandler(createCredentialEngine()),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const create = new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
    await iam.send(create);
    await iam.send(create);
    const refused: unknown = await iam.send(create).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LimitExceededException);
    return (refused as LimitExceededException).$metadata.attempts;
  };
  expect(await attemptsOfThirdCreate(1)).toBe(1);
  expect(await attemptsOfThirdCreate()).toBe(3);
  const doc = readFileSync(new URL('../docs/testing-with-iam-service-credentials.md', import.meta.url), 'utf8');
  expect(doc).toContain('retries it: 3 attempts in all');
});
