/**
 * Issue 13's engine-side defects (items 4, 6, 7, 8, 9, 10, 11, 13) and the whole-second clock, each pinned where its rule lives.
 */
import { describe, expect, it } from 'vitest';
import {
  createCredentialEngine,
  createInMemoryStore,
  createInMemoryUserDirectory,
  createManualClock,
  createSeededRandom,
  type CredentialStore,
  defaultServiceCatalogue,
  type ServiceCatalogue,
  systemClock,
  type UserDirectory,
} from '../../src/index.js';
import { ACCOUNT, BEDROCK, CODECOMMIT, T0, errOf, expectError, okOf, setup, serviceFailure } from './support.js';

/** Port adapters that record every call by method name, so a test can say no store was asked. */
const recorded = <Port extends object>(real: Port, calls: string[]): Port =>
  Object.fromEntries(
    Object.entries(real).map(([name, method]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (method as (...a: unknown[]) => unknown).apply(real, args);
      },
    ]),
  ) as Port;

const observedEngine = () => {
  const calls: string[] = [];
  const store = recorded<CredentialStore>(createInMemoryStore(), calls);
  const users = recorded<UserDirectory>(createInMemoryUserDirectory(), calls);
  const engine = createCredentialEngine({ store, users, clock: createManualClock(T0), random: createSeededRandom('observed') });
  return { engine, calls };
};

describe('a clock or random source that throws (issue 13, item 4)', () => {
  it('answers ServiceFailure from every operation that reads it, and reports the cause', async () => {
    let clockBroken = false;
    let randomBroken = false;
    const seeded = createSeededRandom('broken');
    const causes: unknown[] = [];
    const engine = createCredentialEngine({
      clock: {
        now: () => {
          if (clockBroken) throw new Error('clock unplugged');
          return new Date(T0);
        },
      },
      random: {
        bytes: (size) => {
          if (randomBroken) throw new Error('entropy gone');
          return seeded.bytes(size);
        },
      },
      onInternalError: (cause) => causes.push(cause),
    });
    await okOf(engine.createUser({ UserName: 'alice' }));
    const issued = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential;
    const id = issued.ServiceSpecificCredentialId;

    clockBroken = true;
    await expectError(engine.createUser({ UserName: 'bob' }), serviceFailure);
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), serviceFailure);
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice' }), serviceFailure);
    await expectError(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }), serviceFailure);
    await expectError(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Active' }), serviceFailure);
    await expectError(
      engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: issued.ServiceUserName as string, ServicePassword: issued.ServicePassword as string }),
      serviceFailure,
    );
    expect(causes.map(String)).toEqual(Array(6).fill('Error: clock unplugged'));

    clockBroken = false;
    randomBroken = true;
    await expectError(engine.createUser({ UserName: 'bob' }), serviceFailure);
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), serviceFailure);
    await expectError(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }), serviceFailure);
    expect(causes.slice(6).map(String)).toEqual(Array(3).fill('Error: entropy gone'));

    // Nothing was written by the failed requests.
    randomBroken = false;
    expect((await okOf(engine.listUsers())).Users.map((user) => user.UserName)).toEqual(['alice']);
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials).toHaveLength(1);
  });

  it('answers ServiceFailure, instead of looping for ever, when the random source only ever gives 0xFF', async () => {
    const causes: unknown[] = [];
    const engine = createCredentialEngine({ random: { bytes: (size) => new Uint8Array(size).fill(0xff) }, onInternalError: (cause) => causes.push(cause) });
    await expectError(engine.createUser({ UserName: 'alice' }), serviceFailure);
    expect(String(causes[0])).toMatch(/random source/);
  });
});

describe('a crafted Marker (issue 13, item 6)', () => {
  it('is a 400 when its timestamp is outside what IAM timestamps (and every store) can hold, decided before the store is asked', async () => {
    const { engine, calls } = observedEngine();
    await okOf(engine.createUser({ UserName: 'alice' }));
    for (const time of ['253402300800000', '-62135596800001', '-8640000000000000']) {
      const Marker = Buffer.from(`c1:${time}:ACCAAAAAAAAAAAAAAAAAA`).toString('base64url');
      calls.length = 0;
      await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker }), {
        code: 'ValidationError',
        httpStatus: 400,
        message: 'Invalid Marker.',
      });
      await expectError(engine.listServiceSpecificCredentials({ AllUsers: true, Marker }), {
        code: 'ValidationError',
        httpStatus: 400,
        message: 'Invalid Marker.',
      });
      expect(calls).not.toContain('listCredentials');
    }
    // The last instant of year 9999 is still a position.
    const last = Buffer.from('c1:253402300799999:ACCAAAAAAAAAAAAAAAAAA').toString('base64url');
    expect((await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, Marker: last }))).ServiceSpecificCredentials).toEqual([]);
  });
});

describe('text no store need hold (issue 13, item 7)', () => {
  it('refuses a presented ServiceUserName or alias that is not the shape of one we issue, before any store is asked', async () => {
    const { engine, calls } = observedEngine();
    for (const ServiceUserName of ['a\u0000-at-123456789012', 'alice-at-123456789012\u0000', 'ä-at-123456789012', `${'a'.repeat(200)}-at-123456789012`]) {
      calls.length = 0;
      const error = await errOf(engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName, ServicePassword: 'x' }));
      expect({ code: error.code, httpStatus: error.httpStatus, detail: error.detail }).toEqual({
        code: 'AuthenticationFailed',
        httpStatus: 403,
        detail: 'unknown service user name',
      });
      expect(calls).toEqual([]);
    }
    const nulAlias = `ABSK${Buffer.from('a\u0000-at-123456789012:secret').toString('base64')}`;
    calls.length = 0;
    expect((await errOf(engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: nulAlias }))).code).toBe('AuthenticationFailed');
    expect(calls).toEqual([]);
  });

  it('answers a calling user name that no user can have with NoSuchEntity, before any store is asked', async () => {
    const { engine, calls } = observedEngine();
    await expectError(engine.getUser({}, { callerUserName: 'a\u0000b' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name a\u0000b cannot be found.',
    });
    await expectError(engine.listServiceSpecificCredentials({}, { callerUserName: 'has space' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name has space cannot be found.',
    });
    expect(calls).toEqual([]);
  });
});

describe('Bedrock API keys (issue 13, item 8)', () => {
  it('authenticate only in the encoding they were issued in, not another spelling of the same bytes', async () => {
    const { engine } = setup();
    // A user name whose key needs padding, so the last character before it has bits the decoder ignores.
    await okOf(engine.createUser({ UserName: 'bob' }));
    const key = (await okOf(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: BEDROCK }))).ServiceSpecificCredential
      .ServiceCredentialSecret as string;
    expect(key).toMatch(/=$/);
    await okOf(engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: key }));

    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lastData = key.replace(/=+$/, '').length - 1;
    const spelledOtherwise = key.slice(0, lastData) + alphabet.charAt(alphabet.indexOf(key.charAt(lastData)) ^ 1) + key.slice(lastData + 1);
    expect(spelledOtherwise).not.toBe(key);
    expect(Buffer.from(spelledOtherwise.slice(4), 'base64')).toEqual(Buffer.from(key.slice(4), 'base64'));
    const error = await errOf(engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: spelledOtherwise }));
    expect({ code: error.code, detail: error.detail }).toEqual({ code: 'AuthenticationFailed', detail: 'malformed API key' });
  });
});

describe('the request context (issue 13, item 9)', () => {
  it('answers a callerUserName of the wrong type as the caller\'s error, not ServiceFailure', async () => {
    const causes: unknown[] = [];
    const { engine } = setup({ onInternalError: (cause) => causes.push(cause) });
    const ctx = { callerUserName: 42 as unknown as string };
    const expected = { code: 'InvalidInput', httpStatus: 400, message: 'Invalid caller user name: expected a string, got number.' };
    await expectError(engine.getUser({}, ctx), expected);
    await expectError(engine.listServiceSpecificCredentials({}, ctx), expected);
    await expectError(engine.resetServiceSpecificCredential({ ServiceSpecificCredentialId: 'ACCAAAAAAAAAAAAAAAAAA' }, ctx), expected);
    await expectError(engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId: 'ACCAAAAAAAAAAAAAAAAAA', Status: 'Active' }, ctx), expected);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: 'ACCAAAAAAAAAAAAAAAAAA' }, ctx), expected);
    expect(causes).toEqual([]);
  });

  it('reads accountId null as absent in authenticate, as every other operation does', async () => {
    const { engine } = setup();
    const ctx = { accountId: null as unknown as string };
    await okOf(engine.createUser({ UserName: 'alice' }, ctx));
    const issued = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }, ctx))).ServiceSpecificCredential;
    const principal = await okOf(
      engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: issued.ServiceUserName as string, ServicePassword: issued.ServicePassword as string }, ctx),
    );
    expect(principal.AccountId).toBe(ACCOUNT);
  });
});

describe('validation messages in request-shape order (issue 13, item 10)', () => {
  it('names userName before serviceSpecificCredentialId (and status) on Update, Reset and Delete, as the model lists them', async () => {
    const { engine } = setup();
    const UserName = 'u'.repeat(65);
    const ServiceSpecificCredentialId = 'short';
    const userNameViolation = "Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64";
    const idViolation = "Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must have length greater than or equal to 20";
    const statusViolation = "Value at 'status' failed to satisfy constraint: Member must satisfy enum value set";
    const two = `2 validation errors detected: ${userNameViolation}; ${idViolation}`;
    expect((await errOf(engine.resetServiceSpecificCredential({ UserName, ServiceSpecificCredentialId }))).message).toBe(two);
    expect((await errOf(engine.deleteServiceSpecificCredential({ UserName, ServiceSpecificCredentialId }))).message).toBe(two);
    expect((await errOf(engine.updateServiceSpecificCredential({ UserName, ServiceSpecificCredentialId, Status: 'Nope' as 'Active' }))).message).toBe(
      `3 validation errors detected: ${userNameViolation}; ${idViolation}; ${statusViolation}`,
    );
  });
});

describe('service catalogues (issue 13, item 11)', () => {
  it('freezes the default catalogue to the bottom, so no caller can change what every engine does', async () => {
    expect(Object.isFrozen(defaultServiceCatalogue)).toBe(true);
    for (const service of Object.values(defaultServiceCatalogue)) expect(Object.isFrozen(service)).toBe(true);
    expect(() => {
      (defaultServiceCatalogue[BEDROCK] as { secretPrefix: string }).secretPrefix = 'XXXX';
    }).toThrow(TypeError);
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const key = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK }))).ServiceSpecificCredential;
    expect(key.ServiceCredentialSecret).toMatch(/^ABSK/);
  });

  it('keeps its own copy of a catalogue it is given', async () => {
    const mine: Record<string, { kind: 'password' } | { kind: 'api-key'; secretPrefix: string }> = {
      'logs.amazonaws.com': { kind: 'api-key', secretPrefix: 'ACWL' },
    };
    const { engine } = setup({ services: mine as ServiceCatalogue });
    await okOf(engine.createUser({ UserName: 'alice' }));
    (mine['logs.amazonaws.com'] as { secretPrefix: string }).secretPrefix = 'XXXX';
    mine[CODECOMMIT] = { kind: 'password' };
    const key = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'logs.amazonaws.com' }))).ServiceSpecificCredential;
    expect(key.ServiceCredentialSecret).toMatch(/^ACWL/);
    expect((await errOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).code).toBe('NoSuchEntity');
  });
});

describe('markers (issue 13, item 13)', () => {
  const page = async () => {
    const { engine, clock } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    for (let index = 0; index < 3; index += 1) {
      await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: index < 2 ? CODECOMMIT : BEDROCK }));
      clock.advance(1000);
    }
    const first = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', MaxItems: 1 }));
    return { engine, first, marker: first.Marker as string };
  };

  it('refuses any spelling of a marker but the one issued', async () => {
    const { engine, marker } = await page();
    const invalid = { code: 'ValidationError', httpStatus: 400, message: 'Invalid Marker.' };
    // base64url decoders ignore stray characters, padding and unused low bits; the marker is opaque, so none of them is ours.
    // Same bytes, other last character: its low bits are unused when the length is not a multiple of 4.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    expect(marker.length % 4).not.toBe(0);
    const lowBits = `${marker.slice(0, -1)}${alphabet.charAt(alphabet.indexOf(marker.charAt(marker.length - 1)) ^ 1)}`;
    expect(Buffer.from(lowBits, 'base64url')).toEqual(Buffer.from(marker, 'base64url'));
    for (const respelled of [lowBits, `${marker}=`, `${marker}.`, `${marker.slice(0, 4)} ${marker.slice(4)}`]) {
      await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker: respelled }), invalid);
    }
    await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker: marker }));
  });

  it('pages from the position a well-formed marker names, issued or not (documented: markers carry no authority)', async () => {
    const { engine, first } = await page();
    const all = (await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice' }))).ServiceSpecificCredentials;
    const forged = Buffer.from(`c1:0:${'_'.repeat(20)}`).toString('base64url');
    expect((await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker: forged }))).ServiceSpecificCredentials).toEqual(all);
    const second = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', Marker: first.Marker as string }));
    expect(second.ServiceSpecificCredentials).toEqual(all.slice(1));
  });
});

describe('the default clock (issue 14)', () => {
  it('gives whole seconds, as IAM timestamps are', () => {
    for (let index = 0; index < 5; index += 1) expect(systemClock.now().getUTCMilliseconds()).toBe(0);
  });

  it('keeps listing order and markers total when credentials share a CreateDate', async () => {
    const engine = createCredentialEngine({ random: createSeededRandom('same-second'), clock: createManualClock(T0) });
    const users = ['alice', 'bob', 'carol'];
    for (const UserName of users) {
      await okOf(engine.createUser({ UserName }));
      for (let index = 0; index < 2; index += 1) await okOf(engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT }));
    }
    const all = (await okOf(engine.listServiceSpecificCredentials({ AllUsers: true }))).ServiceSpecificCredentials;
    expect(all).toHaveLength(6);
    const ids = all.map((credential) => credential.ServiceSpecificCredentialId);
    expect(ids).toEqual([...ids].sort());
    const paged: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 1, ...(Marker === undefined ? {} : { Marker }) }));
      paged.push(...page.ServiceSpecificCredentials.map((credential) => credential.ServiceSpecificCredentialId));
      Marker = page.Marker;
    } while (Marker !== undefined);
    expect(paged).toEqual(ids);
  });

  it('issues CreateDates in whole seconds with the default clock', async () => {
    const engine = createCredentialEngine();
    for (let index = 0; index < 3; index += 1) {
      const user = (await okOf(engine.createUser({ UserName: `u${index}` }))).User;
      expect(user.CreateDate.getUTCMilliseconds()).toBe(0);
      const issued = (await okOf(engine.createServiceSpecificCredential({ UserName: `u${index}`, ServiceName: CODECOMMIT }))).ServiceSpecificCredential;
      expect(issued.CreateDate.getUTCMilliseconds()).toBe(0);
    }
  });
});
