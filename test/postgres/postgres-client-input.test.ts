/**
 * A client's bad input is answered the same on PostgreSQL as in memory, and never reaches the database (issue 13, items 6 and 7):
 * the domain refuses what no store could hold before a port is asked.
 */
import type { ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine, createManualClock, type CredentialEngine, type IamError } from '../../src/index.js';
import { openTestAdapters, type TestAdapters } from './database.js';

const CODECOMMIT = 'codecommit.amazonaws.com';
const BEDROCK = 'bedrock.amazonaws.com';

const answerOf = async (result: ResultAsync<unknown, IamError>) => {
  const settled = await result;
  if (settled.isOk()) return 'ok';
  return { code: settled.error.code, httpStatus: settled.error.httpStatus, message: settled.error.message };
};

describe('client input PostgreSQL cannot hold', () => {
  let adapters: TestAdapters;
  const engines: Record<'postgres' | 'memory', CredentialEngine> = {} as never;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    adapters = await openTestAdapters('client_input');
    const clock = createManualClock(new Date('2026-11-30T12:00:00Z'));
    const onInternalError = (cause: unknown) => internalErrors.push(cause);
    engines.postgres = createCredentialEngine({ store: adapters.store, users: adapters.users, clock, onInternalError });
    engines.memory = createCredentialEngine({ clock, onInternalError });
    for (const engine of Object.values(engines)) {
      await engine.createUser({ UserName: 'alice' });
      await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT });
    }
  });
  afterAll(async () => {
    await adapters.dispose();
  });

  const both = async (ask: (engine: CredentialEngine) => ResultAsync<unknown, IamError>) => {
    const postgres = await answerOf(ask(engines.postgres));
    const memory = await answerOf(ask(engines.memory));
    expect(postgres).toEqual(memory);
    return postgres;
  };

  it('answers a Marker whose timestamp timestamptz cannot hold with 400 Invalid Marker, as in memory (item 6)', async () => {
    for (const time of ['253402300800000', '-8640000000000000']) {
      const Marker = Buffer.from(`c1:${time}:ACCAAAAAAAAAAAAAAAAAA`).toString('base64url');
      const invalid = { code: 'ValidationError', httpStatus: 400, message: 'Invalid Marker.' };
      expect(await both((engine) => engine.listServiceSpecificCredentials({ UserName: 'alice', Marker }))).toEqual(invalid);
      expect(await both((engine) => engine.listServiceSpecificCredentials({ AllUsers: true, Marker }))).toEqual(invalid);
    }
    expect(internalErrors).toEqual([]);
  });

  it('answers a NUL in a presented ServiceUserName, alias or calling user name as in memory, never ServiceFailure (item 7)', async () => {
    const forbidden = { code: 'AuthenticationFailed', httpStatus: 403, message: 'The security token included in the request is invalid.' };
    expect(
      await both((engine) => engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: 'a\u0000-at-123456789012', ServicePassword: 'x' })),
    ).toEqual(forbidden);
    const ApiKey = `ABSK${Buffer.from('a\u0000-at-123456789012:secret').toString('base64')}`;
    expect(await both((engine) => engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey }))).toEqual(forbidden);
    expect(await both((engine) => engine.getUser({}, { callerUserName: 'al\u0000ice' }))).toEqual({
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name al\u0000ice cannot be found.',
    });
    expect(await both((engine) => engine.listServiceSpecificCredentials({}, { callerUserName: '\u0000' }))).toMatchObject({ code: 'NoSuchEntity' });
    expect(internalErrors).toEqual([]);
  });
});
