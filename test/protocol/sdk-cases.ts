import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteConflictException,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  EntityAlreadyExistsException,
  GetUserCommand,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  ListServiceSpecificCredentialsCommand,
  ListUsersCommand,
  NoSuchEntityException,
  ResetServiceSpecificCredentialCommand,
  ServiceNotSupportedException,
  UpdateServiceSpecificCredentialCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialEngine, type CredentialEngineOptions, createManualClock } from '../../src/index.js';
import type { AccountMap } from '../../src/protocol/query/index.js';
import { UUID, rejection } from './helpers.js';

/** Where the shared SDK cases run: an IAM client factory over one engine, whatever carries the requests (socket or not). */
export interface SdkTarget {
  /** A client signing with `accessKeyId` (default: an unmapped one). */
  client(accessKeyId?: string): IAMClient;
  readonly engine: CredentialEngine;
  close(): Promise<void>;
}

export type StartSdkTarget = (engineOptions: CredentialEngineOptions, options: { readonly accountMap?: AccountMap }) => Promise<SdkTarget>;

/**
 * The AWS SDK cases: the whole lifecycle, every engine error as the SDK's exception class, pagination, the account map. Run over
 * HTTP (sdk-endpoint.test.ts) and through the in-process request handler (sdk-in-process.test.ts): both must give the same answers.
 */
export const describeSdkCases = (start: StartSdkTarget): void => {
  const START = new Date('2026-11-23T10:00:00Z');
  const clock = createManualClock(START);
  const tick = (): void => clock.advance(1_000);

  let endpoint: SdkTarget;
  let modelled: SdkTarget;
  let iam: IAMClient;

  beforeAll(async () => {
    endpoint = await start(
      { clock },
      { accountMap: { AKIDOTHERACCOUNT: { accountId: '111111111111' }, AKIDALICE: { accountId: '123456789012', userName: 'alice' } } },
    );
    modelled = await start({ unsupportedServiceError: 'NotSupportedService' }, {});
    iam = endpoint.client();
  });

  afterAll(async () => {
    iam?.destroy();
    await endpoint?.close();
    await modelled?.close();
  });

  const expectAwsError = async (
    call: Promise<unknown>,
    expected: { class: abstract new (...args: never[]) => Error; name: string; status: number; message: string },
  ): Promise<void> => {
    const error = await rejection(call);
    expect(error).toBeInstanceOf(expected.class);
    expect(error.name).toBe(expected.name);
    expect(error.$metadata.httpStatusCode).toBe(expected.status);
    expect(error.message).toBe(expected.message);
    expect(error.$metadata.requestId).toMatch(UUID);
  };

  describe('the whole lifecycle through @aws-sdk/client-iam', () => {
    it('creates, gets and lists users', async () => {
      const created = await iam.send(new CreateUserCommand({ UserName: 'dev', Path: '/team/' }));
      expect(created.User).toEqual({
        Path: '/team/',
        UserName: 'dev',
        UserId: expect.stringMatching(/^AIDA[A-Z0-9]{17}$/) as unknown,
        Arn: 'arn:aws:iam::123456789012:user/team/dev',
        CreateDate: clock.now(),
      });
      expect(created.$metadata.httpStatusCode).toBe(200);
      expect(created.$metadata.requestId).toMatch(UUID);

      const got = await iam.send(new GetUserCommand({ UserName: 'DEV' }));
      expect(got.User).toEqual(created.User);

      const listed = await iam.send(new ListUsersCommand({ PathPrefix: '/team/' }));
      expect(listed.Users).toEqual([created.User]);
      expect(listed.IsTruncated).toBe(false);
      expect(listed.Marker).toBeUndefined();
    });

    it('creates, lists, updates, resets and deletes a CodeCommit credential', async () => {
      tick();
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' }));
      const credential = created.ServiceSpecificCredential;
      expect(credential).toEqual({
        CreateDate: clock.now(),
        ServiceName: 'codecommit.amazonaws.com',
        ServiceUserName: 'dev-at-123456789012',
        ServicePassword: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) as unknown,
        ServiceSpecificCredentialId: expect.stringMatching(/^ACCA[A-Z0-9]{17}$/) as unknown,
        UserName: 'dev',
        Status: 'Active',
      });
      const id = credential?.ServiceSpecificCredentialId ?? '';

      const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev' }));
      expect(listed.ServiceSpecificCredentials).toEqual([
        {
          UserName: 'dev',
          Status: 'Active',
          ServiceUserName: 'dev-at-123456789012',
          CreateDate: clock.now(),
          ServiceSpecificCredentialId: id,
          ServiceName: 'codecommit.amazonaws.com',
        },
      ]);
      expect(listed.IsTruncated).toBe(false);
      expect(listed.Marker).toBeUndefined();

      const updated = await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
      expect(updated.$metadata.httpStatusCode).toBe(200);
      const afterUpdate = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' }));
      expect(afterUpdate.ServiceSpecificCredentials?.map((c) => c.Status)).toEqual(['Inactive']);

      const reset = await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id }));
      expect(reset.ServiceSpecificCredential).toEqual({ ...credential, Status: 'Inactive', ServicePassword: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
      expect(reset.ServiceSpecificCredential?.ServicePassword).not.toBe(credential?.ServicePassword);

      const deleted = await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id }));
      expect(deleted.$metadata.httpStatusCode).toBe(200);
      const afterDelete = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev' }));
      expect(afterDelete.ServiceSpecificCredentials).toEqual([]);
      expect(afterDelete.IsTruncated).toBe(false);
    });

    it('issues a Bedrock API key with an expiration date, which reads as Expired once past', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'bedrock-user' }));
      const created = await iam.send(
        new CreateServiceSpecificCredentialCommand({ UserName: 'bedrock-user', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 }),
      );
      const key = created.ServiceSpecificCredential;
      const alias = 'bedrock-user-at-123456789012';
      expect(key).toEqual({
        CreateDate: clock.now(),
        ExpirationDate: new Date(clock.now().getTime() + 30 * 86_400_000),
        ServiceName: 'bedrock.amazonaws.com',
        ServiceCredentialAlias: alias,
        ServiceCredentialSecret: expect.stringMatching(/^ABSK[A-Za-z0-9+/]+=*$/) as unknown,
        ServiceSpecificCredentialId: expect.stringMatching(/^ACCA[A-Z0-9]{17}$/) as unknown,
        UserName: 'bedrock-user',
        Status: 'Active',
      });
      const decoded = Buffer.from((key?.ServiceCredentialSecret ?? '').slice(4), 'base64').toString('utf8');
      expect(decoded.startsWith(`${alias}:`)).toBe(true);

      clock.advance(31 * 86_400_000);
      const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'bedrock-user' }));
      expect(listed.ServiceSpecificCredentials?.map((c) => [c.Status, c.ServiceCredentialAlias, c.ExpirationDate])).toEqual([
        ['Expired', alias, key?.ExpirationDate],
      ]);
      const id = key?.ServiceSpecificCredentialId ?? '';
      await expectAwsError(iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bedrock-user', ServiceSpecificCredentialId: id, Status: 'Active' })), {
        class: InvalidInputException,
        name: 'InvalidInputException',
        status: 400,
        message: `The service-specific credential ${id} has expired and cannot be reactivated.`,
      });
      await expectAwsError(iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'bedrock-user', ServiceSpecificCredentialId: id })), {
        class: InvalidInputException,
        name: 'InvalidInputException',
        status: 400,
        message: `The service-specific credential ${id} has expired and cannot be reset.`,
      });
      await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'bedrock-user', ServiceSpecificCredentialId: id }));
      await iam.send(new DeleteUserCommand({ UserName: 'bedrock-user' }));
    });
  });

  describe('every error of the engine rules, as the SDK sees it', () => {
    it('LimitExceeded (409) on a third credential for the same service; the second gets +1', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'quota' }));
      await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota', ServiceName: 'cassandra.amazonaws.com' }));
      tick();
      const second = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota', ServiceName: 'cassandra.amazonaws.com' }));
      expect(second.ServiceSpecificCredential?.ServiceUserName).toBe('quota+1-at-123456789012');
      await expectAwsError(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota', ServiceName: 'cassandra.amazonaws.com' })), {
        class: LimitExceededException,
        name: 'LimitExceededException',
        status: 409,
        message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2',
      });
    });

    it('NoSuchEntity (404) for an unknown user, even with a bogus service, and for an unsupported service', async () => {
      await expectAwsError(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'non-existent-user', ServiceName: 'o3on3n3onosneo' })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The user with name non-existent-user cannot be found.',
      });
      await expectAwsError(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'lambda.amazonaws.com' })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
      });
      await expectAwsError(iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev', ServiceName: 'nonexistentservice.amazonaws.com' })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'No such service nonexistentservice.amazonaws.com is supported for Service Specific Credentials',
      });
      await expectAwsError(iam.send(new GetUserCommand({ UserName: 'ghost' })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The user with name ghost cannot be found.',
      });
    });

    it('ServiceNotSupportedException (404) when the endpoint runs with unsupportedServiceError NotSupportedService', async () => {
      const other = modelled.client();
      try {
        await other.send(new CreateUserCommand({ UserName: 'dev' }));
        await expectAwsError(other.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'lambda.amazonaws.com' })), {
          class: ServiceNotSupportedException,
          name: 'ServiceNotSupportedException',
          status: 404,
          message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
        });
      } finally {
        other.destroy();
      }
    });

    it('NoSuchEntity for a well-formed id that does not exist, and for a wrong UserName with a valid id', async () => {
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' }));
      const id = created.ServiceSpecificCredential?.ServiceSpecificCredentialId ?? '';
      for (const command of [
        new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'satisfiesregexbutstillinvalid', Status: 'Inactive' }),
        new ResetServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'satisfiesregexbutstillinvalid' }),
        new DeleteServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'satisfiesregexbutstillinvalid' }),
      ]) {
        await expectAwsError(iam.send(command as never), {
          class: NoSuchEntityException,
          name: 'NoSuchEntityException',
          status: 404,
          message: 'No such credential satisfiesregexbutstillinvalid exists',
        });
      }
      await expectAwsError(iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'wrong-user-name', ServiceSpecificCredentialId: id })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The user with name wrong-user-name cannot be found.',
      });
      await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id }));
    });

    it('DeleteConflict (409) on DeleteUser while a credential remains; the delete then succeeds once it is gone', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'leaver' }));
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'leaver', ServiceName: 'codecommit.amazonaws.com' }));
      await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'leaver' })), {
        class: DeleteConflictException,
        name: 'DeleteConflictException',
        status: 409,
        message: 'Cannot delete entity, must remove referenced objects first.',
      });
      const id = created.ServiceSpecificCredential?.ServiceSpecificCredentialId ?? '';
      await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'leaver', ServiceSpecificCredentialId: id }));
      const deleted = await iam.send(new DeleteUserCommand({ UserName: 'leaver' }));
      expect(deleted.$metadata.httpStatusCode).toBe(200);
      await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'leaver' })), {
        class: NoSuchEntityException,
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The user with name leaver cannot be found.',
      });
    });

    it('EntityAlreadyExists (409) for a user name taken in any case', async () => {
      await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'Dev' })), {
        class: EntityAlreadyExistsException,
        name: 'EntityAlreadyExistsException',
        status: 409,
        message: 'User with name Dev already exists.',
      });
    });

    it('InvalidInput (400) for CredentialAgeDays on a password service and for AllUsers with UserName', async () => {
      await expectAwsError(
        iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com', CredentialAgeDays: 5 })),
        {
          class: InvalidInputException,
          name: 'InvalidInputException',
          status: 400,
          message: 'CredentialAgeDays is only valid for services that support long-term API keys; codecommit.amazonaws.com does not.',
        },
      );
      await expectAwsError(iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev', AllUsers: true })), {
        class: InvalidInputException,
        name: 'InvalidInputException',
        status: 400,
        message: 'AllUsers cannot be specified together with UserName.',
      });
    });

    const validation = (message: string) => ({ class: IAMServiceException, name: 'ValidationError', status: 400, message });

    it('ValidationError (400) for the observed validation cases', async () => {
      for (const command of [
        new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'totally-wrong-credential-id-with-hyphens', Status: 'Inactive' }),
        new ResetServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'totally-wrong-credential-id-with-hyphens' }),
        new DeleteServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'totally-wrong-credential-id-with-hyphens' }),
      ]) {
        await expectAwsError(
          iam.send(command as never),
          validation(
            "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+",
          ),
        );
      }
      await expectAwsError(
        iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'ACCAAAAAAAAAAAAAAAAAA', Status: 'Invalid' as never })),
        validation("1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"),
      );
      await expectAwsError(
        iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'ACCAAAAAAAAAAAAAAAAAA', Status: 'Expired' })),
        {
          class: InvalidInputException,
          name: 'InvalidInputException',
          status: 400,
          message: 'Status Expired cannot be set: a credential expires only by its ExpirationDate. Use Active or Inactive.',
        },
      );
      await expectAwsError(
        iam.send(new CreateUserCommand({ UserName: 'dev', Path: `/${'a'.repeat(512)}/` })),
        validation("1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"),
      );
      await expectAwsError(
        iam.send(new CreateUserCommand({ UserName: 'dev', Path: 'no-slashes' })),
        validation(
          'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
        ),
      );
      await expectAwsError(
        iam.send(new GetUserCommand({ UserName: '@#!%%!' })),
        validation('The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-'),
      );
      await expectAwsError(
        iam.send(new CreateServiceSpecificCredentialCommand({ UserName: undefined as never, ServiceName: 'codecommit.amazonaws.com' })),
        validation("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"),
      );
      await expectAwsError(
        iam.send(new ListUsersCommand({ MaxItems: 0 })),
        validation("1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
      );
      await expectAwsError(iam.send(new ListUsersCommand({ Marker: 'not-a-marker-we-issued' })), validation('Invalid Marker.'));
      await expectAwsError(
        iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, Marker: '<&"' })),
        validation('Invalid Marker.'),
      );
    });

    it('ValidationError when UserName is omitted by a caller that is not a user; a key mapped to a user acts as that user', async () => {
      await expectAwsError(
        iam.send(new ListServiceSpecificCredentialsCommand({})),
        validation('Must specify userName when calling with non-User credentials'),
      );
      await expectAwsError(iam.send(new GetUserCommand({})), validation('Must specify userName when calling with non-User credentials'));

      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      const alice = endpoint.client('AKIDALICE');
      try {
        const me = await alice.send(new GetUserCommand({}));
        expect(me.User?.UserName).toBe('alice');
        const mine = await alice.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }));
        const listed = await alice.send(new ListServiceSpecificCredentialsCommand({}));
        expect(listed.ServiceSpecificCredentials?.map((c) => c.ServiceSpecificCredentialId)).toEqual([
          mine.ServiceSpecificCredential?.ServiceSpecificCredentialId,
        ]);
      } finally {
        alice.destroy();
      }
    });
  });

  describe('pagination with MaxItems and Marker through the SDK', () => {
    it('pages through one user’s credentials, through AllUsers for a service, and through users', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'pager' }));
      const ids: string[] = [];
      for (const service of ['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'codecommit.amazonaws.com']) {
        tick();
        const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'pager', ServiceName: service }));
        ids.push(created.ServiceSpecificCredential?.ServiceSpecificCredentialId ?? '');
      }

      const collect = async (input: { UserName?: string; AllUsers?: boolean; ServiceName?: string }, maxItems: number): Promise<string[]> => {
        const seen: string[] = [];
        let marker: string | undefined;
        for (let page = 0; page < 50; page += 1) {
          const out = await iam.send(new ListServiceSpecificCredentialsCommand({ ...input, MaxItems: maxItems, ...(marker === undefined ? {} : { Marker: marker }) }));
          expect(out.ServiceSpecificCredentials?.length ?? 0).toBeLessThanOrEqual(maxItems);
          seen.push(...(out.ServiceSpecificCredentials ?? []).map((c) => c.ServiceSpecificCredentialId ?? ''));
          expect(out.Marker === undefined).toBe(out.IsTruncated !== true);
          if (out.IsTruncated !== true) return seen;
          marker = out.Marker;
        }
        throw new Error('pagination did not end');
      };

      expect(await collect({ UserName: 'pager' }, 1)).toEqual(ids);
      expect(await collect({ UserName: 'pager' }, 2)).toEqual(ids);
      expect(await collect({ UserName: 'pager', ServiceName: 'codecommit.amazonaws.com' }, 1)).toEqual([ids[0], ids[2]]);

      const everything = await iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, MaxItems: 1000 }));
      expect(everything.IsTruncated).toBe(false);
      const all = (everything.ServiceSpecificCredentials ?? []).map((c) => c.ServiceSpecificCredentialId ?? '');
      expect(all).toEqual(expect.arrayContaining(ids));
      expect(await collect({ AllUsers: true }, 2)).toEqual(all);
      const codecommitAll = (everything.ServiceSpecificCredentials ?? [])
        .filter((c) => c.ServiceName === 'codecommit.amazonaws.com')
        .map((c) => c.ServiceSpecificCredentialId);
      expect(await collect({ AllUsers: true, ServiceName: 'codecommit.amazonaws.com' }, 1)).toEqual(codecommitAll);

      const users: string[] = [];
      let marker: string | undefined;
      do {
        const out = await iam.send(new ListUsersCommand({ MaxItems: 2, ...(marker === undefined ? {} : { Marker: marker }) }));
        users.push(...(out.Users ?? []).map((u) => u.UserName ?? ''));
        marker = out.IsTruncated === true ? out.Marker : undefined;
      } while (marker !== undefined);
      const unpaged = await iam.send(new ListUsersCommand({}));
      expect(users).toEqual((unpaged.Users ?? []).map((u) => u.UserName));
      expect(users).toEqual(expect.arrayContaining(['dev', 'pager', 'quota', 'alice']));
    });
  });

  describe('access key id -> account mapping', () => {
    it('a request signed with a mapped key lands in that account, and only there', async () => {
      const other = endpoint.client('AKIDOTHERACCOUNT');
      try {
        const created = await other.send(new CreateUserCommand({ UserName: 'elsewhere' }));
        expect(created.User?.Arn).toBe('arn:aws:iam::111111111111:user/elsewhere');
        const credential = await other.send(new CreateServiceSpecificCredentialCommand({ UserName: 'elsewhere', ServiceName: 'codecommit.amazonaws.com' }));
        expect(credential.ServiceSpecificCredential?.ServiceUserName).toBe('elsewhere-at-111111111111');
        expect((await other.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['elsewhere']);
        await expectAwsError(iam.send(new GetUserCommand({ UserName: 'elsewhere' })), {
          class: NoSuchEntityException,
          name: 'NoSuchEntityException',
          status: 404,
          message: 'The user with name elsewhere cannot be found.',
        });
        const inEngine = await endpoint.engine.listUsers({}, { accountId: '111111111111' });
        expect(inEngine._unsafeUnwrap().Users.map((u) => u.UserName)).toEqual(['elsewhere']);
      } finally {
        other.destroy();
      }
    });
  });
};
