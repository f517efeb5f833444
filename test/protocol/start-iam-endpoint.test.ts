import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { StartupError, startIamEndpoint } from '../../src/protocol/query/index.js';
import { bedrockClient, converseWith } from '../doors/bedrock-support.js';
import { iamClient, rejection } from './helpers.js';
import { describeSignedSdkCases } from './sigv4-sdk-cases.js';
import { KEY_A, SECRETS, signedClient } from './sigv4-support.js';

describe('startIamEndpoint', () => {
  it('listens on a free port of 127.0.0.1, shares its engine, logs only when asked, and stops on close()', async () => {
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ accountMap: { AKIDOTHER: { accountId: '111111111111', userName: 'me' } }, log: (line) => lines.push(line) });
    expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}`);
    expect(endpoint.port).toBeGreaterThan(0);
    const iam = iamClient(endpoint.url, 'AKIDOTHER');
    try {
      await iam.send(new CreateUserCommand({ UserName: 'me' }));
      expect((await iam.send(new GetUserCommand({}))).User?.Arn).toBe('arn:aws:iam::111111111111:user/me');
      expect((await endpoint.engine.getUser({ UserName: 'me' }, { accountId: '111111111111' })).isOk()).toBe(true);
    } finally {
      iam.destroy();
      await endpoint.close();
    }
    expect(lines[0]).toBe(`iam-service-credentials listening on ${endpoint.url} (account 123456789012, store memory, 1 mapped access key(s); signatures are not checked)`);
    expect(lines.filter((line) => line.includes(' POST / 200 '))).toHaveLength(2);
    await expect(fetch(`${endpoint.url}/_iam-service-credentials/health`)).rejects.toThrow();
  });

  it('refuses wrong options with a TypeError before starting anything', async () => {
    await expect(startIamEndpoint({ host: '' })).rejects.toThrow(new TypeError('startIamEndpoint: host must not be empty (it would listen on every interface)'));
    await expect(startIamEndpoint({ port: 70000 })).rejects.toThrow(TypeError);
    await expect(startIamEndpoint({ accountId: '42' })).rejects.toThrow('startIamEndpoint: accountId must be 12 digits');
    await expect(startIamEndpoint({ store: 'mysql://user:secret@db/x' })).rejects.toThrow(
      new TypeError('startIamEndpoint: store must be "memory" or a postgres:// / postgresql:// URL'),
    );
    await expect(startIamEndpoint({ signatures: { secretAccessKeys: {} } })).rejects.toThrow(
      new TypeError('startIamEndpoint: signatures.secretAccessKeys must hold at least one access key with its secret'),
    );
    const secret = 'a-secret-never-echoed';
    const badKey = startIamEndpoint({ signatures: { secretAccessKeys: { 'AKID/X': secret } } });
    await expect(badKey).rejects.toThrow(TypeError);
    await expect(badKey).rejects.not.toThrow(secret);
    await expect(startIamEndpoint({ frontDoors: { bedrock: { port: -1 } } })).rejects.toThrow(
      new TypeError('startIamEndpoint: frontDoors.bedrock.port must be an integer from 0 to 65535'),
    );
    await expect(startIamEndpoint({ frontDoors: { git: { port: 0, root: '' } } })).rejects.toThrow(TypeError);
  });

  it('a taken port is a StartupError, named so (what a stack trace or a log shows)', async () => {
    const first = await startIamEndpoint();
    try {
      const taken = startIamEndpoint({ port: first.port });
      await expect(taken).rejects.toBeInstanceOf(StartupError);
      await expect(taken).rejects.toThrow(`cannot listen on 127.0.0.1:${first.port}`);
      await expect(taken).rejects.toMatchObject({ name: 'StartupError' });
      expect(String(await taken.catch((error: unknown) => error))).toMatch(/^StartupError: cannot listen on /);
    } finally {
      await first.close();
    }
  });
});

// The signed SDK cases (sigv4-sdk-cases.ts), through the endpoint startIamEndpoint starts with the `signatures` option.
describeSignedSdkCases('through startIamEndpoint', async ({ accountMap, secretAccessKeys }) => {
  const endpoint = await startIamEndpoint({ accountMap, signatures: { secretAccessKeys } });
  return { client: (key) => signedClient(endpoint.url, key), close: () => endpoint.close() };
});

describe('startIamEndpoint with signatures', () => {
  it('judges signatures by the clock it is given, and says so in its startup line (how many keys, never which)', async () => {
    let now = new Date();
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ signatures: { secretAccessKeys: SECRETS, now: () => now }, log: (line) => lines.push(line) });
    const iam = signedClient(endpoint.url, KEY_A);
    try {
      await iam.send(new ListUsersCommand({}));
      now = new Date(Date.now() + 16 * 60_000);
      const late = await rejection(iam.send(new ListUsersCommand({})));
      expect(late.name).toBe('SignatureDoesNotMatch');
      expect(late.message).toMatch(/^Signature expired: /);
    } finally {
      iam.destroy();
      await endpoint.close();
    }
    expect(lines[0]).toContain('signatures are verified, 2 access key(s) with secrets)');
    expect(lines.join('\n')).not.toContain(KEY_A.secretAccessKey);
  });
});

describe('startIamEndpoint with front doors', () => {
  it('starts the doors on free ports, tells their URLs, and the Bedrock door takes a key issued through the endpoint', async () => {
    const root = await mkdtemp(join(tmpdir(), 'start-iam-endpoint-doors-'));
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ frontDoors: { git: { port: 0, root }, bedrock: { port: 0 }, keyspaces: { port: 0 } }, log: (line) => lines.push(line) });
    const iam = iamClient(endpoint.url);
    const { git, bedrock, keyspaces } = endpoint.frontDoors;
    try {
      expect(bedrock?.url).toBe(`http://127.0.0.1:${bedrock?.port}`);
      expect(git?.url).toBe(`http://127.0.0.1:${git?.port}`);
      expect(keyspaces?.host).toBe('127.0.0.1');
      const ports = [endpoint.port, git?.port, bedrock?.port, keyspaces?.port];
      for (const port of ports) expect(port).toBeGreaterThan(0);
      expect(new Set(ports).size).toBe(4);
      expect(lines).toContain(`git (CodeCommit) door listening on ${git?.url}/v1/repos/<name> (repositories in ${root})`);
      expect(lines).toContain(`bedrock (Bedrock Runtime stand-in) door listening on ${bedrock?.url}`);
      expect(lines).toContain(`keyspaces (CQL native protocol v4) door listening on 127.0.0.1:${keyspaces?.port}`);

      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com' }));
      const client = bedrockClient(bedrock!.url, created.ServiceSpecificCredential!.ServiceCredentialSecret!);
      try {
        const answer = await converseWith(client, 'through startIamEndpoint');
        expect(answer.output?.message?.content?.[0]?.text).toBe('through startIamEndpoint');
      } finally {
        client.destroy();
      }
      expect(lines.some((line) => line.includes(' bedrock login accepted user=alice-at-123456789012 account=123456789012 '))).toBe(true);
    } finally {
      iam.destroy();
      await endpoint.close();
      await rm(root, { recursive: true, force: true });
    }
    expect(endpoint.frontDoors).toEqual({ git, bedrock, keyspaces });
    await expect(fetch(bedrock!.url, { method: 'POST' })).rejects.toThrow();
  });

  it('has no doors unless asked, and a door that cannot start is a StartupError naming the option as this API spells it', async () => {
    const plain = await startIamEndpoint();
    expect(plain.frontDoors).toEqual({});
    await plain.close();
    const missing = join(tmpdir(), 'no-such-git-root-for-start-iam-endpoint');
    await expect(startIamEndpoint({ frontDoors: { git: { port: 0, root: missing } } })).rejects.toThrow(
      new StartupError(`cannot start the front doors: frontDoors.git.root ${missing} is not a directory`),
    );
  });
});
