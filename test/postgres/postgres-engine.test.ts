/** Whole-engine scenarios with both ports on PostgreSQL: what a user of `iam-service-credentials/postgres` actually runs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialEngine, createManualClock, type CredentialEngine } from '../../src/index.js';
import { createPostgresAdapters } from '../../src/adapters/postgres/index.js';
import { openTestAdapters, postgresUrl, type TestAdapters } from './database.js';

const CODECOMMIT = 'codecommit.amazonaws.com';
const BEDROCK = 'bedrock.amazonaws.com';
const ACCOUNT = '123456789012';

describe('the engine over PostgreSQL', () => {
  let adapters: TestAdapters;
  let engine: CredentialEngine;
  const internalErrors: unknown[] = [];
  const clock = createManualClock(new Date('2026-11-23T09:00:00.250Z'));

  beforeEach(async () => {
    adapters = await openTestAdapters('engine');
    internalErrors.length = 0;
    engine = createCredentialEngine({ store: adapters.store, users: adapters.users, clock, onInternalError: (e) => internalErrors.push(e) });
  });
  afterEach(async () => {
    expect(internalErrors).toEqual([]);
    await adapters.dispose();
  });

  it('runs a credential through its whole life, and the user after it', async () => {
    const user = (await engine.createUser({ UserName: 'Alice', Path: '/dev/' }))._unsafeUnwrap().User;
    expect((await engine.getUser({ UserName: 'alice' }))._unsafeUnwrap().User).toEqual(user);

    const issued = (await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))._unsafeUnwrap()
      .ServiceSpecificCredential;
    expect(issued).toMatchObject({ UserName: 'Alice', ServiceUserName: `Alice-at-${ACCOUNT}`, Status: 'Active' });
    const password = issued.ServicePassword as string;
    const id = issued.ServiceSpecificCredentialId;

    const principal = { AccountId: ACCOUNT, UserName: 'Alice', ServiceSpecificCredentialId: id };
    const login = { ServiceName: CODECOMMIT, ServiceUserName: `Alice-at-${ACCOUNT}`, ServicePassword: password };
    expect((await engine.authenticate(login))._unsafeUnwrap()).toEqual(principal);

    clock.advance(1000);
    const listed = (await engine.listServiceSpecificCredentials({ UserName: 'Alice' }))._unsafeUnwrap();
    expect(listed.ServiceSpecificCredentials).toEqual([
      {
        UserName: 'Alice',
        Status: 'Active',
        ServiceUserName: `Alice-at-${ACCOUNT}`,
        CreateDate: issued.CreateDate,
        ServiceSpecificCredentialId: id,
        ServiceName: CODECOMMIT,
      },
    ]);

    expect((await engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' })).isOk()).toBe(true);
    expect((await engine.authenticate(login))._unsafeUnwrapErr().code).toBe('AuthenticationFailed');
    await engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Active' });

    const reset = (await engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }))._unsafeUnwrap()
      .ServiceSpecificCredential;
    expect(reset.CreateDate).toEqual(issued.CreateDate);
    expect(reset.ServicePassword).not.toBe(password);
    expect((await engine.authenticate(login))._unsafeUnwrapErr().code).toBe('AuthenticationFailed');
    expect((await engine.authenticate({ ...login, ServicePassword: reset.ServicePassword as string }))._unsafeUnwrap()).toEqual(principal);

    expect((await engine.deleteUser({ UserName: 'alice' }))._unsafeUnwrapErr().code).toBe('DeleteConflict');
    expect((await engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id })).isOk()).toBe(true);
    expect((await engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }))._unsafeUnwrapErr().code).toBe(
      'NoSuchEntity',
    );
    expect((await engine.deleteUser({ UserName: 'alice' })).isOk()).toBe(true);
    expect((await engine.getUser({ UserName: 'alice' }))._unsafeUnwrapErr().code).toBe('NoSuchEntity');
    expect((await engine.listUsers())._unsafeUnwrap().Users).toEqual([]);
  });

  it('enforces the quota per user and service, counting inactive credentials', async () => {
    await engine.createUser({ UserName: 'bob' });
    const first = (await engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }))._unsafeUnwrap();
    await engine.updateServiceSpecificCredential({
      UserName: 'bob',
      ServiceSpecificCredentialId: first.ServiceSpecificCredential.ServiceSpecificCredentialId,
      Status: 'Inactive',
    });
    expect((await engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT })).isOk()).toBe(true);
    const third = await engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT });
    expect(third._unsafeUnwrapErr()).toMatchObject({ code: 'LimitExceeded', httpStatus: 409 });
    expect((await engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: BEDROCK })).isOk()).toBe(true);
    const all = (await engine.listServiceSpecificCredentials({ AllUsers: true }))._unsafeUnwrap().ServiceSpecificCredentials;
    expect(all).toHaveLength(3);
  });

  it('numbers ServiceUserNames +N past a user literally named like one, and pages List with a marker', async () => {
    await engine.createUser({ UserName: 'carol' });
    await engine.createUser({ UserName: 'carol+1' });
    const names: string[] = [];
    for (const UserName of ['carol', 'carol+1', 'carol']) {
      clock.advance(1);
      const issued = (await engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT }))._unsafeUnwrap();
      names.push(issued.ServiceSpecificCredential.ServiceUserName as string);
    }
    expect(names).toEqual([`carol-at-${ACCOUNT}`, `carol+1-at-${ACCOUNT}`, `carol+2-at-${ACCOUNT}`]);

    const first = (await engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 2 }))._unsafeUnwrap();
    expect(first.IsTruncated).toBe(true);
    const rest = (await engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 2, Marker: first.Marker as string }))._unsafeUnwrap();
    expect(rest.IsTruncated).toBe(false);
    expect([...first.ServiceSpecificCredentials, ...rest.ServiceSpecificCredentials].map((c) => c.ServiceUserName)).toEqual(names);
  });

  it('issues a Bedrock API key that authenticates, and expires it by the clock', async () => {
    await engine.createUser({ UserName: 'dave' });
    const issued = (await engine.createServiceSpecificCredential({ UserName: 'dave', ServiceName: BEDROCK, CredentialAgeDays: 1 }))._unsafeUnwrap()
      .ServiceSpecificCredential;
    expect(issued.ServiceCredentialAlias).toBe(`dave-at-${ACCOUNT}`);
    const apiKey = issued.ServiceCredentialSecret as string;
    expect(apiKey.startsWith('ABSK')).toBe(true);
    expect((await engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: apiKey }))._unsafeUnwrap()).toEqual({
      AccountId: ACCOUNT,
      UserName: 'dave',
      ServiceSpecificCredentialId: issued.ServiceSpecificCredentialId,
    });
    clock.advance(24 * 3600 * 1000);
    expect((await engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: apiKey }))._unsafeUnwrapErr()).toMatchObject({
      code: 'AuthenticationFailed',
      detail: 'credential is Expired',
    });
    const listed = (await engine.listServiceSpecificCredentials({ UserName: 'dave' }))._unsafeUnwrap().ServiceSpecificCredentials;
    expect(listed[0]).toMatchObject({ Status: 'Expired', ExpirationDate: issued.ExpirationDate });
  });

  it('answers every error exactly as the in-memory engine does, the user found by the store itself (one round trip fewer)', async () => {
    // Looked up first or found by the store's own statement (UserResolvingStore): the same answers, the user's check first.
    const memory = createCredentialEngine({ clock });
    for (const each of [engine, memory]) {
      await each.createUser({ UserName: 'Alice' });
      await each.createUser({ UserName: 'bob' });
    }
    const answers = async (subject: CredentialEngine): Promise<unknown[]> => {
      const aliceId = (await subject.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))._unsafeUnwrap()
        .ServiceSpecificCredential.ServiceSpecificCredentialId;
      const outcomes = [
        await subject.createServiceSpecificCredential({ UserName: 'nobody', ServiceName: 'nosuch.amazonaws.com' }),
        await subject.createServiceSpecificCredential({ UserName: 'nobody', ServiceName: CODECOMMIT, CredentialAgeDays: 5 }),
        await subject.createServiceSpecificCredential({ UserName: 'nobody', ServiceName: CODECOMMIT }),
        await subject.createServiceSpecificCredential({ UserName: 'bob', ServiceName: 'nosuch.amazonaws.com' }),
        await subject.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT, CredentialAgeDays: 5 }),
        await subject.createServiceSpecificCredential({ UserName: 'ALICE', ServiceName: CODECOMMIT }),
        await subject.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }),
        await subject.deleteServiceSpecificCredential({ UserName: 'nobody', ServiceSpecificCredentialId: 'ACCANOSUCHCREDENTIAL1' }),
        await subject.deleteServiceSpecificCredential({ UserName: 'nobody', ServiceSpecificCredentialId: aliceId }),
        await subject.deleteServiceSpecificCredential({ UserName: 'bob', ServiceSpecificCredentialId: aliceId }),
        await subject.updateServiceSpecificCredential({ UserName: 'nobody', ServiceSpecificCredentialId: aliceId, Status: 'Inactive' }),
        await subject.updateServiceSpecificCredential({ UserName: 'bob', ServiceSpecificCredentialId: aliceId, Status: 'Inactive' }),
        await subject.resetServiceSpecificCredential({ UserName: 'nobody', ServiceSpecificCredentialId: 'ACCANOSUCHCREDENTIAL1' }),
        await subject.resetServiceSpecificCredential({ UserName: 'bob', ServiceSpecificCredentialId: aliceId }),
        await subject.listServiceSpecificCredentials({ UserName: 'nobody', ServiceName: 'nosuch.amazonaws.com' }),
        await subject.listServiceSpecificCredentials({ UserName: 'nobody', Marker: 'not-a-marker' }),
        await subject.listServiceSpecificCredentials({ UserName: 'nobody' }),
        await subject.listServiceSpecificCredentials({ UserName: 'bob', ServiceName: 'nosuch.amazonaws.com' }),
        await subject.listServiceSpecificCredentials({ UserName: 'bob', Marker: 'not-a-marker' }),
        await subject.listServiceSpecificCredentials({ UserName: 'bob' }),
        await subject.listServiceSpecificCredentials({ AllUsers: true, ServiceName: 'nosuch.amazonaws.com' }),
        await subject.listServiceSpecificCredentials({}, { callerUserName: 'nobody' }),
        await subject.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: aliceId, Status: 'Inactive' }),
        await subject.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: aliceId }, { callerUserName: 'ALICE' }),
        await subject.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: aliceId }),
      ];
      // Errors whole; successes by shape (ids, secrets and names of the first credential differ between the engines).
      return outcomes.map((outcome) =>
        outcome.match(
          (value) => ({ ok: Object.keys(value).sort() }),
          (error) => ({ err: { ...error, message: error.message.replace(aliceId, '<alice credential>') } }),
        ),
      );
    };
    expect(await answers(engine)).toEqual(await answers(memory));
  });

  it('keeps the state in the database: a second engine on the same schema sees it', async () => {
    await engine.createUser({ UserName: 'erin' });
    const issued = (await engine.createServiceSpecificCredential({ UserName: 'erin', ServiceName: CODECOMMIT }))._unsafeUnwrap()
      .ServiceSpecificCredential;
    const second = createPostgresAdapters({ connectionString: postgresUrl(), schema: adapters.schema });
    try {
      await second.migrate();
      const other = createCredentialEngine({ store: second.store, users: second.users, clock });
      const listed = (await other.listServiceSpecificCredentials({ UserName: 'ERIN' }))._unsafeUnwrap().ServiceSpecificCredentials;
      expect(listed.map((c) => c.ServiceSpecificCredentialId)).toEqual([issued.ServiceSpecificCredentialId]);
      const login = { ServiceName: CODECOMMIT, ServiceUserName: issued.ServiceUserName as string, ServicePassword: issued.ServicePassword as string };
      expect((await other.authenticate(login)).isOk()).toBe(true);
    } finally {
      await second.close();
    }
  });
});
