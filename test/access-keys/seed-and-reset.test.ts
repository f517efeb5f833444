import { GetUserCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { parseSeedDocument, type SeedDocument } from '../../src/protocol/cli/seed.js';
import { startIamEndpoint } from '../../src/protocol/query/index.js';
import { rejection } from '../protocol/helpers.js';
import { type Key, signedClient, signer } from '../protocol/sigv4-support.js';

const ACCOUNT = '111111111111';
const ROOT: Key = { accessKeyId: 'AKIDSEEDROOT', secretAccessKey: 'seed-root-secret-0000000000000000000000' };
const ALICE: Key = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYALICEKEY01' };
const SLEEPER: Key = { accessKeyId: 'AKIAALICE00000000002', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYALICEKEY02' };

const seed = {
  accounts: {
    [ACCOUNT]: {
      users: [
        {
          UserName: 'alice',
          accessKeys: [
            { AccessKeyId: ALICE.accessKeyId, SecretAccessKey: ALICE.secretAccessKey },
            { AccessKeyId: SLEEPER.accessKeyId, SecretAccessKey: SLEEPER.secretAccessKey, Status: 'Inactive' as const },
          ],
        },
      ],
    },
  },
};

/** POST to the reset path, signed (with signatures on, every path must be). */
const signedReset = async (url: string, key: Key): Promise<number> => {
  const { hostname, port } = new URL(url);
  const signed = await signer(key).sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/_iam-service-credentials/reset',
    query: {},
    headers: { host: `${hostname}:${port}` },
    body: '',
  });
  const response = await fetch(`${url}/_iam-service-credentials/reset`, { method: 'POST', headers: signed.headers as Record<string, string> });
  return response.status;
};

describe('--seed with access keys, and the reset path', () => {
  it('seeds keys with their fixed id and secret (one Inactive); they sign at once; reset forgets them', async () => {
    const endpoint = await startIamEndpoint({
      accountId: ACCOUNT,
      accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } },
      signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } },
      seed,
    });
    try {
      const alice = signedClient(endpoint.url, ALICE);
      expect((await alice.send(new GetUserCommand({}))).User?.UserName).toBe('alice');
      const listed = await alice.send(new ListAccessKeysCommand({}));
      expect(listed.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]).sort()).toEqual([
        [ALICE.accessKeyId, 'Active'],
        [SLEEPER.accessKeyId, 'Inactive'],
      ]);
      expect((await rejection(signedClient(endpoint.url, SLEEPER).send(new GetUserCommand({})))).name).toBe('InvalidClientTokenId');
      expect(await signedReset(endpoint.url, ROOT)).toBe(200);
      expect((await rejection(alice.send(new GetUserCommand({})))).name).toBe('InvalidClientTokenId');
    } finally {
      await endpoint.close();
    }
  });

  it('refuses a malformed seeded key without echoing its secret, and an id taken twice', async () => {
    const user = (accessKeys: unknown[]) => ({ accounts: { [ACCOUNT]: { users: [{ UserName: 'bob', accessKeys }] } } });
    expect(parseSeedDocument(user([{ AccessKeyId: 'AKID1', SecretAccessKey: ALICE.secretAccessKey }]))._unsafeUnwrapErr()).toBe(
      `accounts.${ACCOUNT}.users[0].accessKeys[0]: AccessKeyId must be AKIA and 16 of [A-Z0-9]`,
    );
    const badSecret = parseSeedDocument(user([{ AccessKeyId: ALICE.accessKeyId, SecretAccessKey: 'TOPSECRET' }]))._unsafeUnwrapErr();
    expect(badSecret).toBe(`accounts.${ACCOUNT}.users[0].accessKeys[0]: SecretAccessKey must be 40 characters of [A-Za-z0-9+/]`);
    expect(parseSeedDocument(user([{ AccessKeyId: ALICE.accessKeyId, SecretAccessKey: ALICE.secretAccessKey, Extra: 1 }]))._unsafeUnwrapErr()).toMatch(
      /unknown field\(s\) Extra/,
    );
    const twice = { AccessKeyId: ALICE.accessKeyId, SecretAccessKey: ALICE.secretAccessKey };
    await expect(startIamEndpoint({ seed: user([twice, twice]) as SeedDocument })).rejects.toThrow(
      `seed: accounts.${ACCOUNT}.users[0] (bob).accessKeys[1] (${ALICE.accessKeyId}): this AccessKeyId is already taken`,
    );
  });
});
