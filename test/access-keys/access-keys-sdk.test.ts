import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { createIamRequestHandler, type IamRequestHandler } from '../../src/protocol/query/index.js';
import { rejection, startTestServer } from '../protocol/helpers.js';
import { type Key, signedClient } from '../protocol/sigv4-support.js';

const ACCOUNT = '111111111111';
/** The account's root: a static key mapped to the account alone. */
const ROOT: Key = { accessKeyId: 'AKIDROOTKEY', secretAccessKey: 'root-secret-root-secret-root-secret-root' };

type Where = string | IamRequestHandler;

/** Both ways a client reaches the engine with signatures on: in-process, and over a real socket. */
const places: readonly { name: string; start: () => Promise<{ where: Where; close: () => Promise<void> }> }[] = [
  {
    name: 'in-process',
    start: async () => {
      const handler = createIamRequestHandler(createCredentialEngine({ accountId: ACCOUNT }), {
        accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } },
        signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } },
      });
      return { where: handler, close: async () => undefined };
    },
  },
  {
    name: 'over HTTP',
    start: async () => {
      const server = await startTestServer(
        { accountId: ACCOUNT },
        { accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } }, signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } } },
      );
      return { where: server.url, close: server.close };
    },
  },
];

const keyOf = async (root: IAMClient, userName: string): Promise<Key> => {
  const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
};

describe.each(places)('access keys with the AWS SDK v3, $name', ({ start }) => {
  it('CreateAccessKey issues an AKIA id and a 40-character secret that signs requests at once, as the key user', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'alice' }));
      const created = await root.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      const key = created.AccessKey;
      expect(key?.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
      expect(key?.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(key?.Status).toBe('Active');
      expect(key?.UserName).toBe('alice');
      expect(key?.CreateDate).toBeInstanceOf(Date);
      const alice = signedClient(where, { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' });
      // Who is calling: GetUser without UserName is the key's user.
      const me = await alice.send(new GetUserCommand({}));
      expect(me.User?.UserName).toBe('alice');
      expect(me.User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
      // ListAccessKeys without UserName: the caller's own keys, never a secret.
      const listed = await alice.send(new ListAccessKeysCommand({}));
      expect(listed.AccessKeyMetadata).toEqual([{ UserName: 'alice', AccessKeyId: key?.AccessKeyId, Status: 'Active', CreateDate: key?.CreateDate }]);
      expect(JSON.stringify(listed)).not.toContain(key?.SecretAccessKey);
      expect(listed.IsTruncated).toBe(false);
    } finally {
      await close();
    }
  });

  it('the quota is two keys per user, Inactive ones counted, with AWS message; a third fails and changes nothing', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'bob' }));
      const first = await keyOf(root, 'bob');
      await keyOf(root, 'bob');
      await root.send(new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: first.accessKeyId, Status: 'Inactive' }));
      const third = await rejection(root.send(new CreateAccessKeyCommand({ UserName: 'bob' })));
      expect(third.name).toBe('LimitExceededException');
      expect(third.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
      expect(third.$metadata.httpStatusCode).toBe(409);
      expect((await root.send(new ListAccessKeysCommand({ UserName: 'bob' }))).AccessKeyMetadata).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('an Inactive key is refused with InvalidClientTokenId, Active again it signs again; a deleted key is refused for good', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'carol' }));
      const key = await keyOf(root, 'carol');
      const carol = signedClient(where, key);
      await root.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.accessKeyId, Status: 'Inactive' }));
      const refused = await rejection(carol.send(new GetUserCommand({})));
      expect(refused.name).toBe('InvalidClientTokenId');
      expect(refused.message).toBe('The security token included in the request is invalid.');
      expect(refused.$metadata.httpStatusCode).toBe(403);
      const listed = await root.send(new ListAccessKeysCommand({ UserName: 'carol' }));
      expect(listed.AccessKeyMetadata?.[0]?.Status).toBe('Inactive');
      await root.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.accessKeyId, Status: 'Active' }));
      expect((await carol.send(new GetUserCommand({}))).User?.UserName).toBe('carol');
      // A key can update and delete itself (UserName omitted: the caller).
      await carol.send(new DeleteAccessKeyCommand({ AccessKeyId: key.accessKeyId }));
      expect((await rejection(carol.send(new GetUserCommand({})))).name).toBe('InvalidClientTokenId');
      expect((await root.send(new ListAccessKeysCommand({ UserName: 'carol' }))).AccessKeyMetadata).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a wrong secret for an issued key is SignatureDoesNotMatch, as for any key', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'dave' }));
      const key = await keyOf(root, 'dave');
      const forged = signedClient(where, { accessKeyId: key.accessKeyId, secretAccessKey: `${key.secretAccessKey.slice(0, 39)}${key.secretAccessKey.endsWith('x') ? 'y' : 'x'}` });
      expect((await rejection(forged.send(new GetUserCommand({})))).name).toBe('SignatureDoesNotMatch');
    } finally {
      await close();
    }
  });

  it('NoSuchEntity as AWS words it: an unknown key id, another user’s key, an unknown user', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'erin' }));
      await root.send(new CreateUserCommand({ UserName: 'frank' }));
      const erins = await keyOf(root, 'erin');
      const unknown = await rejection(root.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: 'AKIA0000000000000000' })));
      expect(unknown.name).toBe('NoSuchEntityException');
      expect(unknown.message).toBe('The Access Key with id AKIA0000000000000000 cannot be found.');
      expect(unknown.$metadata.httpStatusCode).toBe(404);
      const others = await rejection(root.send(new UpdateAccessKeyCommand({ UserName: 'frank', AccessKeyId: erins.accessKeyId, Status: 'Inactive' })));
      expect(others.message).toBe(`The Access Key with id ${erins.accessKeyId} cannot be found.`);
      // Erin's key is untouched.
      expect((await root.send(new ListAccessKeysCommand({ UserName: 'erin' }))).AccessKeyMetadata?.[0]?.Status).toBe('Active');
      const noUser = await rejection(root.send(new CreateAccessKeyCommand({ UserName: 'nobody' })));
      expect(noUser.message).toBe('The user with name nobody cannot be found.');
    } finally {
      await close();
    }
  });

  it('root without UserName is refused with AWS’s message; validation as the model says', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      for (const command of [new CreateAccessKeyCommand({}), new ListAccessKeysCommand({}), new DeleteAccessKeyCommand({ AccessKeyId: 'AKIA0000000000000000' })]) {
        const refused = await rejection(root.send(command as never));
        expect(refused.name).toBe('ValidationError');
        expect(refused.message).toBe('Must specify userName when calling with non-User credentials');
      }
      await root.send(new CreateUserCommand({ UserName: 'gina' }));
      const short = await rejection(root.send(new DeleteAccessKeyCommand({ UserName: 'gina', AccessKeyId: 'AKIA' })));
      expect(short.message).toBe("1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16");
      const expired = await rejection(root.send(new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: 'AKIA0000000000000000', Status: 'Expired' })));
      expect(expired.message).toBe("1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set");
    } finally {
      await close();
    }
  });

  it('DeleteUser answers DeleteConflict while the user has access keys, and succeeds once they are gone', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'hank' }));
      const key = await keyOf(root, 'hank');
      const conflict = await rejection(root.send(new DeleteUserCommand({ UserName: 'hank' })));
      expect(conflict.name).toBe('DeleteConflictException');
      expect(conflict.message).toBe('Cannot delete entity, must delete access keys first.');
      expect(conflict.$metadata.httpStatusCode).toBe(409);
      await root.send(new DeleteAccessKeyCommand({ UserName: 'hank', AccessKeyId: key.accessKeyId }));
      await root.send(new DeleteUserCommand({ UserName: 'hank' }));
      // A user created again under the name owns no keys.
      await root.send(new CreateUserCommand({ UserName: 'hank' }));
      expect((await root.send(new ListAccessKeysCommand({ UserName: 'hank' }))).AccessKeyMetadata).toEqual([]);
    } finally {
      await close();
    }
  });

  it('ListAccessKeys pages with MaxItems and Marker, oldest first; a marker we did not issue is refused', async () => {
    const { where, close } = await start();
    try {
      const root = signedClient(where, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'ivy' }));
      const first = await keyOf(root, 'ivy');
      const second = await keyOf(root, 'ivy');
      const all = (await root.send(new ListAccessKeysCommand({ UserName: 'ivy' }))).AccessKeyMetadata ?? [];
      const page1 = await root.send(new ListAccessKeysCommand({ UserName: 'ivy', MaxItems: 1 }));
      expect(page1.IsTruncated).toBe(true);
      expect(page1.AccessKeyMetadata).toEqual(all.slice(0, 1));
      const page2 = await root.send(new ListAccessKeysCommand({ UserName: 'ivy', MaxItems: 1, Marker: page1.Marker }));
      expect(page2.IsTruncated).toBe(false);
      expect(page2.Marker).toBeUndefined();
      expect(page2.AccessKeyMetadata).toEqual(all.slice(1));
      expect(new Set(all.map((k) => k.AccessKeyId))).toEqual(new Set([first.accessKeyId, second.accessKeyId]));
      const bad = await rejection(root.send(new ListAccessKeysCommand({ UserName: 'ivy', Marker: 'not-ours' })));
      expect(bad.name).toBe('ValidationError');
    } finally {
      await close();
    }
  });
});
