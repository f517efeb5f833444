import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answerControlPath } from '../../src/protocol/http/control-paths.js';
import { type IamEndpoint, startIamEndpoint } from '../../src/protocol/query/index.js';
import { form, iamClient, post } from './helpers.js';
import { type Key, signedClient, signer } from './sigv4-support.js';

const OTHER = '111111111111';
const packageVersion = (await import('../../package.json', { with: { type: 'json' } })).default.version;

const ALICE = ['AKIDDEFAULT', 'alice'] as const;
const BOB = ['AKIDOTHER', 'bob'] as const;

/** A user with a credential in the default account (alice), in OTHER (bob), or both. */
const populate = async (endpoint: IamEndpoint, who: readonly (typeof ALICE | typeof BOB)[] = [ALICE, BOB]): Promise<void> => {
  for (const [accessKeyId, userName] of who) {
    const iam = iamClient(endpoint.url, accessKeyId);
    try {
      await iam.send(new CreateUserCommand({ UserName: userName }));
      await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: 'codecommit.amazonaws.com' }));
    } finally {
      iam.destroy();
    }
  }
};

const userNames = async (endpoint: IamEndpoint, accountId: string): Promise<string[]> =>
  (await endpoint.engine.listUsers({}, { accountId }))._unsafeUnwrap().Users.map((user) => user.UserName);

const credentialCount = async (endpoint: IamEndpoint, accountId: string): Promise<number> =>
  (await endpoint.engine.listServiceSpecificCredentials({ AllUsers: true }, { accountId }))._unsafeUnwrap().ServiceSpecificCredentials.length;

const health = async (endpoint: IamEndpoint): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${endpoint.url}/_iam-service-credentials/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const reset = (endpoint: IamEndpoint, query = ''): Promise<Response> => fetch(`${endpoint.url}/_iam-service-credentials/reset${query}`, { method: 'POST' });

/** The same checks on every store: health answers, reset of one account leaves the others, reset of all empties everything. */
const describeControlPaths = (
  storeName: string,
  store: () => Promise<{ options: { store?: string; dataDir?: string }; dispose(): Promise<void> }>,
): void => {
  describe(`control paths on the ${storeName} store`, () => {
    let endpoint: IamEndpoint;
    let dispose: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      const chosen = await store();
      dispose = chosen.dispose;
      endpoint = await startIamEndpoint({ ...chosen.options, accountMap: { AKIDOTHER: { accountId: OTHER } } });
    });
    afterAll(async () => {
      await endpoint?.close();
      await dispose();
    });

    it('GET health: 200 with the version, the store kind and that the store answers', async () => {
      expect(await health(endpoint)).toEqual({ status: 200, body: { Status: 'ok', Version: packageVersion, Store: storeName, StoreAnswers: true } });
    });

    it('POST reset?accountId= empties that account only; POST reset empties every account', async () => {
      await populate(endpoint);
      expect(await userNames(endpoint, '123456789012')).toEqual(['alice']);
      expect(await userNames(endpoint, OTHER)).toEqual(['bob']);

      const one = await reset(endpoint, `?accountId=${OTHER}`);
      expect(one.status).toBe(200);
      expect(await one.json()).toEqual({ Reset: 'account', AccountId: OTHER });
      expect(await userNames(endpoint, OTHER)).toEqual([]);
      expect(await credentialCount(endpoint, OTHER)).toBe(0);
      expect(await userNames(endpoint, '123456789012')).toEqual(['alice']);
      expect(await credentialCount(endpoint, '123456789012')).toBe(1);

      // The account is usable again, from scratch: the same names are free.
      await populate(endpoint, [BOB]);
      expect(await userNames(endpoint, OTHER)).toEqual(['bob']);

      const all = await reset(endpoint);
      expect(all.status).toBe(200);
      expect(await all.json()).toEqual({ Reset: 'all' });
      for (const account of ['123456789012', OTHER]) {
        expect(await userNames(endpoint, account)).toEqual([]);
        expect(await credentialCount(endpoint, account)).toBe(0);
      }
      await populate(endpoint);
      expect(await userNames(endpoint, '123456789012')).toEqual(['alice']);
      await reset(endpoint);
    });

    it('refuses a bad accountId (400, nothing reset), other methods (405), and never runs an IAM action on these paths', async () => {
      await populate(endpoint);
      for (const query of ['?accountId=12', `?accountId=${OTHER}&accountId=${OTHER}`, '?accountId=']) {
        const res = await reset(endpoint, query);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ Code: 'InvalidParameterValue' });
      }
      expect(await userNames(endpoint, OTHER)).toEqual(['bob']);

      const getReset = await fetch(`${endpoint.url}/_iam-service-credentials/reset`);
      expect(getReset.status).toBe(405);
      const postHealth = await post(`${endpoint.url}/_iam-service-credentials/health`, form({ Action: 'DeleteUser', Version: '2010-05-08', UserName: 'alice' }));
      expect(postHealth.status).toBe(405);
      const queryOnHealth = await fetch(`${endpoint.url}/_iam-service-credentials/health?Action=DeleteUser&Version=2010-05-08&UserName=alice`);
      expect(queryOnHealth.status).toBe(200);
      const elsewhere = await post(`${endpoint.url}/_iam-service-credentials/other`, form({ Action: 'ListUsers', Version: '2010-05-08' }));
      expect(elsewhere.status).toBe(404);
      expect(await elsewhere.json()).toMatchObject({ Code: 'NotFound' });
      expect(await userNames(endpoint, '123456789012')).toEqual(['alice']);
      await reset(endpoint);
    });
  });
};

describeControlPaths('memory', async () => ({ options: { store: 'memory' }, dispose: async () => undefined }));

describeControlPaths('pglite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iam-ssc-control-'));
  return { options: { dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
});

/** A database of its own on the test server: resetting every account must not touch what other test files keep. */
const freshDatabase = async (): Promise<{ url: string; drop(): Promise<void> }> => {
  const unavailable = inject('postgresUnavailable');
  if (unavailable !== undefined) throw new Error(unavailable);
  const serverUrl = inject('postgresUrl');
  const name = `control_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
};

describeControlPaths('postgres', async () => {
  const database = await freshDatabase();
  return { options: { store: database.url }, dispose: () => database.drop() };
});

describe('health when the PostgreSQL store cannot be reached', () => {
  it('answers 503 with StoreAnswers false, and 200 again never (the database is gone)', async () => {
    const database = await freshDatabase();
    const endpoint = await startIamEndpoint({ store: database.url });
    try {
      expect((await health(endpoint)).status).toBe(200);
      await database.drop();
      const after = await health(endpoint);
      expect(after).toEqual({ status: 503, body: { Status: 'unavailable', Version: packageVersion, Store: 'postgres', StoreAnswers: false } });
      const res = await reset(endpoint);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ Code: 'ServiceFailure' });
    } finally {
      await endpoint.close();
      await database.drop();
    }
  });
});

describe('--no-reset (reset: false)', () => {
  it('answers 404 on the reset path and keeps everything; health stays on', async () => {
    const endpoint = await startIamEndpoint({ reset: false });
    try {
      const iam = iamClient(endpoint.url);
      await iam.send(new CreateUserCommand({ UserName: 'kept' }));
      const res = await reset(endpoint);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ Code: 'NotFound', Message: 'The reset path is turned off (--no-reset).' });
      expect((await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['kept']);
      expect((await health(endpoint)).status).toBe(200);
      iam.destroy();
    } finally {
      await endpoint.close();
    }
  });
});

describe('reset on PostgreSQL is one transaction', () => {
  it('a reset that fails half-way (the users DELETE refused) leaves the credentials it had deleted in place', async () => {
    const database = await freshDatabase();
    const endpoint = await startIamEndpoint({ store: database.url, accountMap: { AKIDOTHER: { accountId: OTHER } } });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await populate(endpoint, [BOB]);
      // Credentials are deleted first, then users: refusing the users' DELETE fails the reset after the credentials went.
      await admin.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
      await admin.query('CREATE TRIGGER refuse_delete BEFORE DELETE ON iam_service_credentials.users FOR EACH ROW EXECUTE FUNCTION refuse()');
      const res = await reset(endpoint, `?accountId=${OTHER}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ Code: 'ServiceFailure', Message: 'The store failed; nothing was reset.' });
      expect(await credentialCount(endpoint, OTHER)).toBe(1);
      expect(await userNames(endpoint, OTHER)).toEqual(['bob']);
      await admin.query('DROP TRIGGER refuse_delete ON iam_service_credentials.users');
      expect((await reset(endpoint, `?accountId=${OTHER}`)).status).toBe(200);
      expect(await credentialCount(endpoint, OTHER)).toBe(0);
    } finally {
      await admin.end();
      await endpoint.close();
      await database.drop();
    }
  });
});

describe('reset with --verify-signatures: a signed caller resets its own account, and only with its root key', () => {
  const ACCOUNT_1 = '111111111111';
  const ACCOUNT_2 = '222222222222';
  const DEFAULT = '123456789012';
  const keys = {
    root1: { accessKeyId: 'AKIDROOTONE', secretAccessKey: 'root-one-secret-000000000000000000000000' },
    alice1: { accessKeyId: 'AKIDALICEONE', secretAccessKey: 'alice-one-secret-00000000000000000000000' },
    root2: { accessKeyId: 'AKIDROOTTWO', secretAccessKey: 'root-two-secret-000000000000000000000000' },
    unmapped: { accessKeyId: 'AKIDUNMAPPED', secretAccessKey: 'unmapped-secret-000000000000000000000000' },
  } satisfies Record<string, Key>;
  let endpoint: IamEndpoint;

  beforeAll(async () => {
    endpoint = await startIamEndpoint({
      accountMap: {
        [keys.root1.accessKeyId]: { accountId: ACCOUNT_1 },
        [keys.alice1.accessKeyId]: { accountId: ACCOUNT_1, userName: 'alice' },
        [keys.root2.accessKeyId]: { accountId: ACCOUNT_2 },
      },
      signatures: { secretAccessKeys: Object.fromEntries(Object.values(keys).map((key) => [key.accessKeyId, key.secretAccessKey])) },
    });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  /** A user named after each account in each account, created by that account's root (the unmapped key: the default account). */
  const populateAll = async (): Promise<void> => {
    for (const [key, userName] of [
      [keys.root1, 'one'],
      [keys.root2, 'two'],
      [keys.unmapped, 'default'],
    ] as const) {
      const iam = signedClient(endpoint.url, key);
      try {
        await iam.send(new CreateUserCommand({ UserName: userName }));
      } finally {
        iam.destroy();
      }
    }
  };

  const everyAccount = async (): Promise<Record<string, string[]>> => ({
    [ACCOUNT_1]: await userNames(endpoint, ACCOUNT_1),
    [ACCOUNT_2]: await userNames(endpoint, ACCOUNT_2),
    [DEFAULT]: await userNames(endpoint, DEFAULT),
  });
  const untouched = { [ACCOUNT_1]: ['one'], [ACCOUNT_2]: ['two'], [DEFAULT]: ['default'] };

  /** POST …/reset signed with the AWS SDK's signer, sent exactly as signed. */
  const signedReset = async (key: Key, query: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
    const url = new URL('/_iam-service-credentials/reset', endpoint.url);
    const request = await signer(key).sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, path: url.pathname, query, headers: { host: url.host }, body: '' });
    const { host: _host, ...headers } = request.headers;
    const search = new URLSearchParams(query).toString();
    const res = await fetch(`${url.href}${search === '' ? '' : `?${search}`}`, { method: 'POST', headers, body: '' });
    return { status: res.status, body: await res.json() };
  };

  const resetAll = async (): Promise<void> => {
    for (const key of [keys.root1, keys.root2, keys.unmapped]) expect((await signedReset(key)).status).toBe(200);
  };

  it("refuses another account's reset to a root key (403 AccessDenied), and every reset to a user's key, whatever it names", async () => {
    await populateAll();
    expect(await signedReset(keys.root1, { accountId: ACCOUNT_2 })).toEqual({
      status: 403,
      body: {
        Code: 'AccessDenied',
        Message: `User: arn:aws:iam::${ACCOUNT_1}:root is not authorized to perform: reset on resource: account ${ACCOUNT_2} because a signed request acts only in its key's account`,
      },
    });
    const userRefusal = {
      status: 403,
      body: {
        Code: 'AccessDenied',
        Message: `User: arn:aws:iam::${ACCOUNT_1}:user/alice is not authorized to perform: reset on resource: account ${ACCOUNT_1} because only the account's root key (a key mapped to the account without a user name) may reset it`,
      },
    };
    expect(await signedReset(keys.alice1)).toEqual(userRefusal);
    expect(await signedReset(keys.alice1, { accountId: ACCOUNT_1 })).toEqual(userRefusal);
    expect(await signedReset(keys.alice1, { accountId: ACCOUNT_2 })).toMatchObject({ status: 403, body: { Code: 'AccessDenied' } });
    expect(await signedReset(keys.alice1, { accountId: '12' })).toMatchObject({ status: 403, body: { Code: 'AccessDenied' } });
    expect(await signedReset(keys.unmapped, { accountId: ACCOUNT_1 })).toMatchObject({ status: 403, body: { Code: 'AccessDenied' } });
    expect(await signedReset(keys.root1, { accountId: '12' })).toMatchObject({ status: 400, body: { Code: 'InvalidParameterValue' } });
    expect(await everyAccount()).toEqual(untouched);
    await resetAll();
  });

  it("a root key's reset, with no accountId or its own, empties its account only (never every account)", async () => {
    await populateAll();
    expect(await signedReset(keys.root1)).toEqual({ status: 200, body: { Reset: 'account', AccountId: ACCOUNT_1 } });
    expect(await everyAccount()).toEqual({ ...untouched, [ACCOUNT_1]: [] });
    expect(await signedReset(keys.root2, { accountId: ACCOUNT_2 })).toEqual({ status: 200, body: { Reset: 'account', AccountId: ACCOUNT_2 } });
    expect(await everyAccount()).toEqual({ ...untouched, [ACCOUNT_1]: [], [ACCOUNT_2]: [] });
    // A key with a secret and no mapping acts in the default account, as its account's root.
    expect(await signedReset(keys.unmapped)).toEqual({ status: 200, body: { Reset: 'account', AccountId: DEFAULT } });
    expect(await everyAccount()).toEqual({ [ACCOUNT_1]: [], [ACCOUNT_2]: [], [DEFAULT]: [] });
  });

  it('a signed request tampered to name another account is SignatureDoesNotMatch, and nothing is reset', async () => {
    await populateAll();
    const url = new URL('/_iam-service-credentials/reset', endpoint.url);
    const request = await signer(keys.root1).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: { accountId: ACCOUNT_1 },
      headers: { host: url.host },
      body: '',
    });
    const { host: _host, ...headers } = request.headers;
    const res = await fetch(`${url.href}?accountId=${ACCOUNT_2}`, { method: 'POST', headers, body: '' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { Code: string }).Code).toBe('SignatureDoesNotMatch');
    expect(await everyAccount()).toEqual(untouched);
    await resetAll();
  });
});

describe('a signed reset on a listener with no default account id', () => {
  it('refuses an unmapped root key (its account is unknown) rather than guess one; nothing is reset', async () => {
    const resets: (string | undefined)[] = [];
    const controls = { health: async () => ({ version: 'x', store: 'memory', storeAnswers: true }), reset: async (accountId: string | undefined) => void resets.push(accountId) };
    const answer = await answerControlPath(controls, 'POST', '/_iam-service-credentials/reset', '', 'req-1', { accountId: undefined, userName: undefined });
    expect(answer?.status).toBe(403);
    expect(JSON.parse(answer?.body ?? '')).toEqual({
      Code: 'AccessDenied',
      Message: "User: the signing key is not authorized to perform: reset on resource: the key's account because the key is mapped to no account and the endpoint has no default account id",
    });
    const unsigned = await answerControlPath(controls, 'POST', '/_iam-service-credentials/reset', '', 'req-2');
    expect(unsigned?.status).toBe(200);
    expect(resets).toEqual([undefined]);
  });
});
