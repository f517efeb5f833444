import { CreateServiceSpecificCredentialCommand, CreateUserCommand, GetUserCommand, type IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountMap, SecretAccessKeys } from '../../src/protocol/query/index.js';
import { rejection } from './helpers.js';
import { KEY_A, KEY_B, type Key, SECRETS } from './sigv4-support.js';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';

/** KEY_A acts in account A as a non-user caller; KEY_B in account B as its user bob. */
export const SIGNED_ACCOUNT_MAP: AccountMap = { [KEY_A.accessKeyId]: { accountId: ACCOUNT_A }, [KEY_B.accessKeyId]: { accountId: ACCOUNT_B, userName: 'bob' } };

/** Where the signed SDK cases run: a fresh engine behind signature verification with SECRETS, reached through an IAM client. */
export interface SignedSdkTarget {
  /** A client signing with `key` (its secret may be wrong: that is the point). */
  client(key: Key): IAMClient;
  close(): Promise<void>;
}

export type StartSignedSdkTarget = (options: { readonly accountMap: AccountMap; readonly secretAccessKeys: SecretAccessKeys }) => Promise<SignedSdkTarget>;

/**
 * Signature verification as the AWS SDK for JavaScript meets it: run over HTTP (sigv4-endpoint.test.ts), through startIamEndpoint
 * (start-iam-endpoint.test.ts) and through the in-process request handler (sigv4-in-process.test.ts); all must answer alike.
 */
export const describeSignedSdkCases = (where: string, start: StartSignedSdkTarget): void => {
  describe(`signature verification with the AWS SDK for JavaScript, ${where}`, () => {
    let target: SignedSdkTarget;
    beforeAll(async () => {
      target = await start({ accountMap: SIGNED_ACCOUNT_MAP, secretAccessKeys: SECRETS });
    });
    afterAll(async () => {
      await target?.close();
    });

    it('acts for the right secret, in the key account', async () => {
      const created = await target.client(KEY_A).send(new CreateUserCommand({ UserName: 'alice' }));
      expect(created.User?.Arn).toBe(`arn:aws:iam::${ACCOUNT_A}:user/alice`);
    });

    it("refuses a wrong secret with the SDK's SignatureDoesNotMatch error, and changes nothing", async () => {
      const error = await rejection(target.client({ accessKeyId: KEY_A.accessKeyId, secretAccessKey: 'wrong-secret' }).send(new CreateUserCommand({ UserName: 'mallory' })));
      expect(error.name).toBe('SignatureDoesNotMatch');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
      const users = await target.client(KEY_A).send(new ListUsersCommand({}));
      expect(users.Users?.map((user) => user.UserName)).toEqual(['alice']);
    });

    it('refuses an access key id that has no secret here with InvalidClientTokenId', async () => {
      const unknown = await rejection(target.client({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).send(new ListUsersCommand({})));
      expect(unknown.name).toBe('InvalidClientTokenId');
      expect(unknown.$metadata.httpStatusCode).toBe(403);
      expect(unknown.message).toBe('The security token included in the request is invalid.');
    });

    it('never lets a key of account B touch account A', async () => {
      const asB = target.client(KEY_B);
      const notThere = await rejection(asB.send(new GetUserCommand({ UserName: 'alice' })));
      expect(notThere.name).toBe('NoSuchEntityException');
      const noCredential = await rejection(asB.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' })));
      expect(noCredential.name).toBe('NoSuchEntityException');
      // B's own alice is another user, in B.
      expect((await asB.send(new CreateUserCommand({ UserName: 'alice' }))).User?.Arn).toBe(`arn:aws:iam::${ACCOUNT_B}:user/alice`);
      // B's secret cannot sign as A's key id.
      const forged = await rejection(
        target.client({ accessKeyId: KEY_A.accessKeyId, secretAccessKey: KEY_B.secretAccessKey }).send(new CreateUserCommand({ UserName: 'eve' })),
      );
      expect(forged.name).toBe('SignatureDoesNotMatch');
      const inA = await target.client(KEY_A).send(new ListUsersCommand({}));
      expect(inA.Users?.map((user) => user.Arn)).toEqual([`arn:aws:iam::${ACCOUNT_A}:user/alice`]);
    });
  });
};
