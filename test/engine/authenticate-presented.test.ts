import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticateHttpAuthorization, authenticateSaslPlain } from '../../src/index.js';
import { MAX_AUTHORIZATION_LENGTH, parseHttpAuthorization, parseSaslPlain } from '../../src/domain/presented-credential.js';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, errOf, okOf, setup } from './support.js';

const basic = (user: string, password: string, scheme = 'Basic'): string => `${scheme} ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const sasl = (user: string, password: string, authzid = ''): Buffer => Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8');

const prepare = async () => {
  const context = setup();
  const { engine } = context;
  await okOf(engine.createUser({ UserName: 'alice' }));
  const git = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential;
  const cql = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: KEYSPACES }))).ServiceSpecificCredential;
  const key = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: BEDROCK, CredentialAgeDays: 1 })))
    .ServiceSpecificCredential;
  return {
    ...context,
    git: { id: git.ServiceSpecificCredentialId, name: git.ServiceUserName as string, secret: git.ServicePassword as string },
    cql: { id: cql.ServiceSpecificCredentialId, name: cql.ServiceUserName as string, secret: cql.ServicePassword as string },
    key: { id: key.ServiceSpecificCredentialId, secret: key.ServiceCredentialSecret as string },
  };
};

const expectRefused = async (result: ReturnType<typeof authenticateHttpAuthorization>, secret?: string): Promise<string | undefined> => {
  const error = await errOf(result);
  expect({ code: error.code, httpStatus: error.httpStatus, message: error.message }).toEqual({
    code: 'AuthenticationFailed',
    httpStatus: 403,
    message: 'The security token included in the request is invalid.',
  });
  if (secret !== undefined) expect(JSON.stringify(error)).not.toContain(secret);
  return error.detail;
};

describe('authenticateHttpAuthorization', () => {
  it('Basic goes to authenticate and Bearer to authenticateApiKey, scheme names in any case', async () => {
    const { engine, git, key } = await prepare();
    for (const scheme of ['Basic', 'basic', 'BASIC', 'bAsIc']) {
      const principal = await okOf(authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: basic(git.name, git.secret, scheme) }));
      expect(principal).toEqual({ AccountId: ACCOUNT, UserName: 'alice', ServiceSpecificCredentialId: git.id });
    }
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const principal = await okOf(authenticateHttpAuthorization(engine, { ServiceName: BEDROCK, Authorization: `${scheme} ${key.secret}` }));
      expect(principal).toEqual({ AccountId: ACCOUNT, UserName: 'alice', ServiceSpecificCredentialId: key.id });
    }
    // Several spaces between scheme and credentials are allowed (RFC 7235 1*SP).
    await okOf(authenticateHttpAuthorization(engine, { ServiceName: BEDROCK, Authorization: `Bearer   ${key.secret}` }));
  });

  it('forwards the request context: another account does not know the name', async () => {
    const { engine, git } = await prepare();
    const detail = await expectRefused(
      authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: basic(git.name, git.secret) }, { accountId: '111111111111' }),
    );
    expect(detail).toBe('unknown service user name');
  });

  it('refuses every malformed header, a credential of the other kind, and one issued for another service, the same way', async () => {
    const { engine, git, cql, key } = await prepare();
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const cases: [string, string | undefined][] = [
      [CODECOMMIT, undefined],
      [CODECOMMIT, ''],
      [CODECOMMIT, 'Basic'],
      [CODECOMMIT, 'Basic '],
      [CODECOMMIT, b64(`${git.name}:${git.secret}`)], // no scheme
      [CODECOMMIT, `Digest ${b64(`${git.name}:${git.secret}`)}`],
      [CODECOMMIT, `Basic ${b64(`${git.name}:${git.secret}`)}!`], // bad base64
      [CODECOMMIT, `Basic ${b64(`${git.name}:${git.secret}`).replace(/=+$/, '')}x`],
      [CODECOMMIT, `Basic ${b64(`${git.name}${git.secret}`)}`], // no colon
      [CODECOMMIT, `Basic ${b64(`:${git.secret}`)}`], // empty user
      [CODECOMMIT, `Basic ${b64(`${git.name}:`)}`], // empty password
      [CODECOMMIT, `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`], // not UTF-8
      [CODECOMMIT, `${basic(git.name, git.secret)}${' '.repeat(MAX_AUTHORIZATION_LENGTH)}`], // oversized
      [CODECOMMIT, `Bearer ${key.secret}`], // a Bearer for a password service
      [BEDROCK, basic(git.name, git.secret)], // a Basic for an API-key service
      [BEDROCK, `Bearer ${key.secret} extra`],
      [BEDROCK, 'Bearer '],
      [KEYSPACES, basic(git.name, git.secret)], // right, but issued for CodeCommit
      [CODECOMMIT, basic(cql.name, cql.secret)], // right, but issued for Keyspaces
      [CODECOMMIT, basic(git.name, `${git.secret}x`)],
    ];
    for (const [ServiceName, Authorization] of cases) {
      await expectRefused(authenticateHttpAuthorization(engine, { ServiceName, Authorization }), git.secret);
    }
  });

  it('fails closed on Inactive, expired and deleted credentials, and on the old secret after Reset', async () => {
    const { engine, clock, git, key } = await prepare();
    const header = basic(git.name, git.secret);
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: git.id, Status: 'Inactive' }));
    expect(await expectRefused(authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: header }))).toBe('credential is Inactive');
    await okOf(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: git.id, Status: 'Active' }));
    const reset = await okOf(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: git.id }));
    expect(await expectRefused(authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: header }))).toBe('wrong secret');
    await okOf(
      authenticateHttpAuthorization(engine, {
        ServiceName: CODECOMMIT,
        Authorization: basic(git.name, reset.ServiceSpecificCredential.ServicePassword as string),
      }),
    );
    await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: git.id }));
    await expectRefused(
      authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: basic(git.name, reset.ServiceSpecificCredential.ServicePassword as string) }),
    );
    clock.advance(DAY_MS + 1);
    expect(await expectRefused(authenticateHttpAuthorization(engine, { ServiceName: BEDROCK, Authorization: `Bearer ${key.secret}` }))).toBe(
      'credential is Expired',
    );
  });

  it('never throws, whatever the header (property)', async () => {
    const { engine } = await prepare();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `Basic ${s}`), fc.string().map((s) => `Bearer ${s}`), fc.anything()), async (value) => {
        const outcome = await authenticateHttpAuthorization(engine, { ServiceName: CODECOMMIT, Authorization: value as string });
        expect(outcome.isErr() && outcome.error.code).toBe('AuthenticationFailed');
      }),
      { numRuns: 300 },
    );
  });
});

describe('authenticateSaslPlain', () => {
  it('accepts authzid NUL authcid NUL password for Keyspaces, as bytes or a string, with an empty or equal authzid', async () => {
    const { engine, cql } = await prepare();
    for (const Token of [sasl(cql.name, cql.secret), sasl(cql.name, cql.secret).toString('utf8'), sasl(cql.name, cql.secret, cql.name)]) {
      expect(await okOf(authenticateSaslPlain(engine, { ServiceName: KEYSPACES, Token }))).toEqual({
        AccountId: ACCOUNT,
        UserName: 'alice',
        ServiceSpecificCredentialId: cql.id,
      });
    }
  });

  it('refuses malformed tokens, another authzid, and credentials of another service the same way', async () => {
    const { engine, cql, git } = await prepare();
    const tokens: unknown[] = [
      undefined,
      Buffer.alloc(0),
      Buffer.from(`${cql.name}\0${cql.secret}`), // one NUL
      Buffer.from(`\0${cql.name}\0${cql.secret}\0`), // three NULs
      sasl(cql.name, cql.secret, 'bob-at-123456789012'),
      sasl('', cql.secret),
      sasl(cql.name, ''),
      Buffer.concat([Buffer.from(`\0${cql.name}\0`), Buffer.from([0xff])]),
      Buffer.alloc(5000, 0x41),
      sasl(git.name, git.secret), // a CodeCommit credential at the Keyspaces door
    ];
    for (const Token of tokens) {
      const error = await errOf(authenticateSaslPlain(engine, { ServiceName: KEYSPACES, Token: Token as Buffer }));
      expect(error.code).toBe('AuthenticationFailed');
      expect(JSON.stringify(error)).not.toContain(cql.secret);
    }
    expect((await errOf(authenticateSaslPlain(engine, { ServiceName: CODECOMMIT, Token: sasl(cql.name, cql.secret) }))).code).toBe(
      'AuthenticationFailed',
    );
  });
});

describe('parsing (pure)', () => {
  it('Basic splits at the first colon, so a password may hold colons; passwords keep /, + and =', () => {
    const parsed = parseHttpAuthorization(basic('alice+1-at-123456789012', 'a:b/c+d=='));
    expect(parsed._unsafeUnwrap()).toEqual({ kind: 'password', userName: 'alice+1-at-123456789012', password: 'a:b/c+d==' });
  });

  it('round-trips any user name without a colon and any non-empty password (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !s.includes(':')), fc.string({ minLength: 1, maxLength: 200 }), (user, password) => {
        expect(parseHttpAuthorization(basic(user, password))._unsafeUnwrap()).toEqual({ kind: 'password', userName: user, password });
        expect(
          parseSaslPlain(sasl(user.replaceAll('\0', ''), password.replaceAll('\0', '') || 'x'))._unsafeUnwrap(),
        ).toMatchObject({ kind: 'password' });
      }),
    );
  });
  it('spaces around the credentials are not part of them, and spaces inside are (property)', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(300), fc.nat(300), fc.constantFrom('Basic', 'Bearer'), (before, inside, after, scheme) => {
        const token = scheme === 'Basic' ? basic('alice-at-123456789012', 'pw').slice('Basic '.length) : 'ABSKabc';
        const parsed = parseHttpAuthorization(`${scheme} ${' '.repeat(before)}${token}${' '.repeat(after)}`);
        expect(parsed.isOk()).toBe(true);
        // A space inside the credentials breaks them: they are not trimmed from the middle.
        expect(parseHttpAuthorization(`${scheme} ${token.slice(0, 2)}${' '.repeat(inside + 1)}${token.slice(2)}`).isErr()).toBe(true);
      }),
    );
  });
});
