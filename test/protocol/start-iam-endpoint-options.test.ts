import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startIamEndpoint } from '../../src/protocol/query/index.js';

/** Each option of startIamEndpoint is checked before anything starts, and each one it accepts is honoured. */
const refusal = (options: Parameters<typeof startIamEndpoint>[0]) => startIamEndpoint(options).then(
  () => {
    throw new Error('started');
  },
  (error: unknown) => error as Error,
);

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });

describe('startIamEndpoint options: refused with a TypeError that names the option, before anything starts', () => {
  it('ports are integers from 0 to 65535', async () => {
    for (const port of [-1, 65536, 1.5, Number.NaN, '80' as unknown as number]) {
      const error = await refusal({ port });
      expect(error).toEqual(new TypeError('startIamEndpoint: port must be an integer from 0 to 65535'));
    }
    for (const door of ['bedrock', 'keyspaces'] as const) {
      expect(await refusal({ frontDoors: { [door]: { port: 65536 } } })).toEqual(new TypeError(`startIamEndpoint: frontDoors.${door}.port must be an integer from 0 to 65535`));
    }
    expect(await refusal({ frontDoors: { git: { port: -1, root: '/tmp' } } })).toEqual(new TypeError('startIamEndpoint: frontDoors.git.port must be an integer from 0 to 65535'));
    for (const root of ['', undefined, 7]) {
      expect(await refusal({ frontDoors: { git: { port: 0, root: root as string } } })).toEqual(
        new TypeError('startIamEndpoint: frontDoors.git.root must be the directory of the bare repositories'),
      );
    }
  });

  it('a store is memory or a postgres:// URL, a data directory a non-empty path, and never both', async () => {
    expect(await refusal({ store: 'memory', dataDir: '/tmp/x' })).toEqual(new TypeError('startIamEndpoint: give either store or dataDir, not both'));
    for (const dataDir of ['', 7 as unknown as string]) {
      expect(await refusal({ dataDir })).toEqual(new TypeError('startIamEndpoint: dataDir must be a non-empty path'));
    }
    for (const store of ['mysql://db', 'xpostgres://db', 'postgres:/db', 'Memory', '']) {
      expect(await refusal({ store }), store).toEqual(new TypeError('startIamEndpoint: store must be "memory" or a postgres:// / postgresql:// URL'));
    }
  });

  it('signature keys: at least one, each an alphanumeric access key id with a non-empty secret, from a record or a Map', async () => {
    expect(await refusal({ signatures: { secretAccessKeys: new Map() } })).toEqual(
      new TypeError('startIamEndpoint: signatures.secretAccessKeys must hold at least one access key with its secret'),
    );
    expect(await refusal({ signatures: { secretAccessKeys: new Map([['AKID-X', 's']]) } })).toEqual(
      new TypeError('startIamEndpoint: signatures: access key id "AKID-X" is not alphanumeric'),
    );
    for (const secret of ['', 7 as unknown as string]) {
      expect(await refusal({ signatures: { secretAccessKeys: { AKIDX: secret } } })).toEqual(
        new TypeError('startIamEndpoint: signatures: the secret of AKIDX must be a non-empty string'),
      );
    }
  });

  it('a seed is a seed document or the path of a JSON file holding one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iam-seed-'));
    try {
      const missing = join(dir, 'missing.json');
      const error = await refusal({ seed: missing });
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(new RegExp(`^startIamEndpoint: cannot read the seed ${missing} \\(ENOENT`));
      const broken = join(dir, 'broken.json');
      await writeFile(broken, '{');
      expect((await refusal({ seed: broken })).message).toBe(`startIamEndpoint: the seed ${broken} is not valid JSON at line 1, column 2 (character 2)`);
      expect((await refusal({ seed: { accounts: 7 } as never })).message).toMatch(/^startIamEndpoint: seed: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('startIamEndpoint options: each one honoured', () => {
  it('account, seed (from a file), unsupported-service code, body limit, authenticate path and reset switch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iam-seed-'));
    const seed = join(dir, 'seed.json');
    await writeFile(seed, JSON.stringify({ accounts: { '210987654321': { users: [{ UserName: 'alice', credentials: [{ ServiceName: 'codecommit.amazonaws.com' }] }] } } }));
    const errors: string[] = [];
    const endpoint = await startIamEndpoint({
      accountId: '210987654321',
      seed,
      unsupportedServiceError: 'NotSupportedService',
      maxBodyBytes: 200,
      authenticateEndpoint: true,
      reset: false,
      onError: (line) => errors.push(line),
    });
    try {
      expect(endpoint.seeded).toHaveLength(1);
      expect(endpoint.seeded[0]).toMatchObject({ accountId: '210987654321', userName: 'alice', generated: true });
      const [credential] = endpoint.seeded;
      expect((await endpoint.engine.getUser({ UserName: 'alice' }, { accountId: '210987654321' })).isOk()).toBe(true);
      const created = await post(endpoint.url, 'Action=CreateServiceSpecificCredential&Version=2010-05-08&UserName=alice&ServiceName=s3.amazonaws.com');
      expect(created.status).toBe(404);
      expect(await created.text()).toContain('<Code>NotSupportedService</Code>');
      const tooLarge = await post(endpoint.url, `Action=ListUsers&Version=2010-05-08&PathPrefix=/${'a'.repeat(300)}`);
      expect(tooLarge.status).toBe(413);
      const login = await fetch(`${endpoint.url}/_iam-service-credentials/authenticate`, {
        method: 'POST',
        body: JSON.stringify({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: credential?.serviceUserName, ServicePassword: credential?.secret }),
      });
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ AccountId: '210987654321', UserName: 'alice' });
      expect((await fetch(`${endpoint.url}/_iam-service-credentials/reset`, { method: 'POST' })).status).toBe(404);
    } finally {
      await endpoint.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });

  it('defaults: the default account, NoSuchEntity for an unsupported service, no authenticate path, reset on, nothing logged', async () => {
    const endpoint = await startIamEndpoint({ seed: { accounts: { '123456789012': { users: [{ UserName: 'bob' }] } } } });
    try {
      expect(endpoint.seeded).toEqual([]);
      expect(endpoint.frontDoors).toEqual({});
      const created = await post(endpoint.url, 'Action=CreateServiceSpecificCredential&Version=2010-05-08&UserName=bob&ServiceName=s3.amazonaws.com');
      expect(await created.text()).toContain('<Code>NoSuchEntity</Code>');
      expect((await fetch(`${endpoint.url}/_iam-service-credentials/authenticate`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${endpoint.url}/_iam-service-credentials/reset`, { method: 'POST' })).status).toBe(200);
      expect((await endpoint.engine.getUser({ UserName: 'bob' })).isErr()).toBe(true);
    } finally {
      await endpoint.close();
    }
  });
});
