import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { StartupError, startIamEndpoint } from '../../src/protocol/query/index.js';
import { rejection } from './helpers.js';
import { KEY_A, KEY_B, SECRETS, signedClient } from './sigv4-support.js';

/**
 * startIamEndpoint (the `serve` command as a function): what it refuses before anything listens, and what a user's own client sees
 * of the options it accepts (the AWS SDK v3 against the endpoint's URL).
 */
const refusal = (options: Parameters<typeof startIamEndpoint>[0]) =>
  startIamEndpoint(options).then(
    () => {
      throw new Error('started');
    },
    (error: unknown) => error as Error,
  );

const ACCOUNT_A = '210987654321';

describe('startIamEndpoint: the host and the default account', () => {
  it('refuses an empty host (it would listen on every interface) and an account id that is not 12 digits', async () => {
    expect(await refusal({ host: '' })).toEqual(new TypeError('startIamEndpoint: host must not be empty (it would listen on every interface)'));
    for (const accountId of ['12345678901', '1234567890123', '12345678901x', 'x123456789012', '']) {
      expect(await refusal({ accountId }), accountId).toEqual(new TypeError('startIamEndpoint: accountId must be 12 digits'));
    }
  });
});

describe('startIamEndpoint: options checked in order, before anything starts', () => {
  it('ports are 0 to 65535 inclusive, and a front door not asked for is not configured', async () => {
    // Each option is checked in turn: an accepted port lets the check of the account id (or the seed) speak.
    for (const port of [0, 65535]) expect(await refusal({ port, accountId: 'x' })).toEqual(new TypeError('startIamEndpoint: accountId must be 12 digits'));
    for (const frontDoors of [{ bedrock: { port: 65535 } }, { keyspaces: { port: 0 } }, {}]) {
      expect((await refusal({ frontDoors, seed: { accounts: 7 } as never })).message, JSON.stringify(frontDoors)).toMatch(/^startIamEndpoint: seed: /);
    }
  });
});

describe('startIamEndpoint: the store', () => {
  it('is memory when absent or "memory"; a postgres:// or postgresql:// URL, in any letter case, is opened as PostgreSQL', async () => {
    for (const store of [undefined, 'memory']) {
      const endpoint = await startIamEndpoint(store === undefined ? {} : { store });
      try {
        await signedClient(endpoint.url, KEY_A).send(new CreateUserCommand({ UserName: 'dora' }));
        expect((await endpoint.engine.getUser({ UserName: 'dora' })).isOk()).toBe(true);
      } finally {
        await endpoint.close();
      }
    }
    // Nothing listens on port 1: the URL is taken as a store to open, and opening it fails (not a refused option).
    for (const store of ['postgres://127.0.0.1:1/iam', 'postgresql://127.0.0.1:1/iam', 'POSTGRES://127.0.0.1:1/iam', 'PostgreSQL://127.0.0.1:1/iam']) {
      expect(await refusal({ store }), store).toBeInstanceOf(StartupError);
    }
  });
});

describe('startIamEndpoint: the access keys a client signs with', () => {
  it('act as the account and user their accountMap entry names (a record or a Map); other keys act in the default account', async () => {
    for (const accountMap of [{ [KEY_A.accessKeyId]: { accountId: ACCOUNT_A, userName: 'alice' } }, new Map([[KEY_A.accessKeyId, { accountId: ACCOUNT_A, userName: 'alice' }]])]) {
      const endpoint = await startIamEndpoint({ accountMap });
      try {
        await endpoint.engine.createUser({ UserName: 'alice' }, { accountId: ACCOUNT_A });
        const alice = signedClient(endpoint.url, KEY_A);
        // GetUser without a UserName answers the calling user.
        expect((await alice.send(new GetUserCommand({}))).User?.Arn).toBe(`arn:aws:iam::${ACCOUNT_A}:user/alice`);
        await signedClient(endpoint.url, KEY_B).send(new CreateUserCommand({ UserName: 'bob' }));
        expect((await alice.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['alice']);
        expect((await endpoint.engine.getUser({ UserName: 'bob' })).isOk()).toBe(true);
      } finally {
        await endpoint.close();
      }
    }
  });

  it('with signatures, must sign every request with their secret within 15 minutes of now(); a verified key acts as its mapping', async () => {
    let now = new Date();
    const endpoint = await startIamEndpoint({
      accountMap: { [KEY_A.accessKeyId]: { accountId: ACCOUNT_A } },
      signatures: { secretAccessKeys: SECRETS, now: () => now },
    });
    try {
      await signedClient(endpoint.url, KEY_A).send(new CreateUserCommand({ UserName: 'carol' }));
      expect((await endpoint.engine.getUser({ UserName: 'carol' }, { accountId: ACCOUNT_A })).isOk()).toBe(true);
      const forged = await rejection(signedClient(endpoint.url, { ...KEY_B, secretAccessKey: KEY_A.secretAccessKey }).send(new ListUsersCommand({})));
      expect(forged.name).toBe('SignatureDoesNotMatch');
      now = new Date(Date.now() + 60 * 60 * 1000);
      const late = await rejection(signedClient(endpoint.url, KEY_A).send(new ListUsersCommand({})));
      expect(late.$metadata.httpStatusCode).toBe(403);
    } finally {
      await endpoint.close();
    }
  });
});

describe('startIamEndpoint: what it tells', () => {
  it('logs the startup line and one access line per request when given log; starts only the front doors asked for', async () => {
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ log: (line) => lines.push(line), frontDoors: { bedrock: { port: 0 }, keyspaces: { port: 0 } } });
    try {
      expect(lines[0]).toMatch(new RegExp(`^iam-service-credentials listening on ${endpoint.url} \\(account 123456789012, `));
      expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}`);
      expect(Object.keys(endpoint.frontDoors).sort()).toEqual(['bedrock', 'keyspaces']);
      for (const door of Object.values(endpoint.frontDoors)) expect(door.port).toBeGreaterThan(0);
      const before = lines.length;
      await signedClient(endpoint.url, KEY_A).send(new ListUsersCommand({}));
      expect(lines.length).toBe(before + 1);
      expect(lines.at(-1)).toContain('ListUsers');
    } finally {
      await endpoint.close(100);
    }
    // Closed: nothing answers any more.
    await expect(fetch(endpoint.url, { method: 'POST', body: 'Action=ListUsers&Version=2010-05-08' })).rejects.toThrow();
  });
});
