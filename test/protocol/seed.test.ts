import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/protocol/cli/serve-options.js';
import { type SeedDocument, StartupError, startIamEndpoint } from '../../src/protocol/query/index.js';

const ACCOUNT = '123456789012';
const password = (): string => randomBytes(32).toString('base64');
const apiKey = (alias: string): string => `ABSK${Buffer.from(`${alias}:${randomBytes(44).toString('base64')}`).toString('base64')}`;

const seedOf = (credentials: readonly Record<string, unknown>[], userName = 'alice'): SeedDocument =>
  ({ accounts: { [ACCOUNT]: { users: [{ UserName: userName, credentials }] } } }) as unknown as SeedDocument;

const failure = async (seed: unknown): Promise<Error> => {
  try {
    const endpoint = await startIamEndpoint({ seed: seed as SeedDocument });
    await endpoint.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected startup to fail');
};

describe('--seed fixtures', () => {
  it('creates users and credentials through the engine: fixed secrets authenticate, generated ones are shown once in a table', async () => {
    const fixedPassword = password();
    const fixedKey = apiKey(`alice-at-${ACCOUNT}`);
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({
      log: (line) => lines.push(line),
      seed: {
        accounts: {
          [ACCOUNT]: {
            users: [
              {
                UserName: 'alice',
                Path: '/team/',
                credentials: [
                  { ServiceName: 'codecommit.amazonaws.com', ServicePassword: fixedPassword },
                  { ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30, ServiceCredentialSecret: fixedKey },
                  { ServiceName: 'cassandra.amazonaws.com', Status: 'Inactive' },
                ],
              },
            ],
          },
          '111111111111': { users: [{ UserName: 'bob', credentials: [{ ServiceName: 'codecommit.amazonaws.com' }] }] },
        },
      },
    });
    try {
      const { engine } = endpoint;
      expect((await engine.authenticate({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: `alice-at-${ACCOUNT}`, ServicePassword: fixedPassword }))._unsafeUnwrap())
        .toMatchObject({ AccountId: ACCOUNT, UserName: 'alice' });
      expect((await engine.authenticateApiKey({ ServiceName: 'bedrock.amazonaws.com', ApiKey: fixedKey }))._unsafeUnwrap()).toMatchObject({ UserName: 'alice' });
      const user = (await engine.getUser({ UserName: 'alice' }))._unsafeUnwrap().User;
      expect(user.Path).toBe('/team/');
      const listed = (await engine.listServiceSpecificCredentials({ UserName: 'alice' }))._unsafeUnwrap().ServiceSpecificCredentials;
      expect(Object.fromEntries(listed.map((c) => [c.ServiceName, c.Status]))).toEqual({
        'codecommit.amazonaws.com': 'Active',
        'bedrock.amazonaws.com': 'Active',
        'cassandra.amazonaws.com': 'Inactive',
      });
      const key = listed.find((c) => c.ServiceName === 'bedrock.amazonaws.com');
      expect(key?.ExpirationDate?.getTime()).toBe((key?.CreateDate.getTime() ?? 0) + 30 * 86_400_000);

      const generated = endpoint.seeded.filter((credential) => credential.generated);
      expect(generated.map((credential) => [credential.accountId, credential.userName, credential.serviceName])).toEqual([
        [ACCOUNT, 'alice', 'cassandra.amazonaws.com'],
        ['111111111111', 'bob', 'codecommit.amazonaws.com'],
      ]);
      const bob = generated[1];
      expect((await engine.authenticate({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: bob?.serviceUserName ?? '', ServicePassword: bob?.secret ?? '' }))._unsafeUnwrap())
        .toMatchObject({ AccountId: '111111111111', UserName: 'bob' });

      // The startup line first, then the table: generated secrets only, each once; never a fixed one.
      expect(lines[0]).toContain('listening on');
      const output = lines.join('\n');
      expect(lines[1]).toBe('seeded credentials with generated secrets:');
      for (const credential of generated) expect(output.split(credential.secret)).toHaveLength(2);
      expect(output).not.toContain(fixedPassword);
      expect(output).not.toContain(fixedKey);
    } finally {
      await endpoint.close();
    }
  });

  it('a fixture that breaks a rule fails startup with the engine error and the entry (the option named as startIamEndpoint spells it)', async () => {
    const error = await failure(seedOf([1, 2, 3].map(() => ({ ServiceName: 'codecommit.amazonaws.com' }))));
    expect(error).toBeInstanceOf(StartupError);
    expect(error.message).toBe(
      `seed: accounts.${ACCOUNT}.users[0] (alice).credentials[2] (codecommit.amazonaws.com): LimitExceeded: Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2`,
    );
    const twice = await failure({ accounts: { [ACCOUNT]: { users: [{ UserName: 'dup' }, { UserName: 'DUP' }] } } });
    expect(twice.message).toBe(`seed: accounts.${ACCOUNT}.users[1] (DUP): EntityAlreadyExists: User with name DUP already exists.`);
    const ageOnPassword = await failure(seedOf([{ ServiceName: 'codecommit.amazonaws.com', CredentialAgeDays: 5 }]));
    expect(ageOnPassword.message).toContain('InvalidInput: CredentialAgeDays is only valid');
  });

  it('a fixed secret of the wrong format or with another alias fails with a clear message', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ServiceName: 'codecommit.amazonaws.com', ServicePassword: 'short' }, 'ServicePassword must be standard base64 of 32 bytes'],
      [{ ServiceName: 'codecommit.amazonaws.com', ServicePassword: password().replace('=', 'B') }, 'ServicePassword must be standard base64 of 32 bytes'],
      [{ ServiceName: 'bedrock.amazonaws.com', ServiceCredentialSecret: 'ABSKnot-base64!' }, 'ServiceCredentialSecret must be ABSK + standard base64'],
      [{ ServiceName: 'codecommit.amazonaws.com', ServiceCredentialSecret: apiKey('alice-at-123456789012') }, 'ServiceCredentialSecret is only for API-key services'],
      [{ ServiceName: 'codecommit.amazonaws.com', Status: 'Expired' }, 'Status must be Active or Inactive'],
      [{ ServiceName: 'codecommit.amazonaws.com', Secret: 'x' }, 'unknown field(s) Secret'],
    ];
    for (const [credential, message] of cases) {
      const error = await failure(seedOf([credential]));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(`accounts.${ACCOUNT}.users[0].credentials[0]: ${message}`);
    }
    const wrongAlias = await failure(seedOf([{ ServiceName: 'bedrock.amazonaws.com', ServiceCredentialSecret: apiKey('bob-at-123456789012') }]));
    expect(wrongAlias).toBeInstanceOf(StartupError);
    expect(wrongAlias.message).toContain(
      `credentials[0] (bedrock.amazonaws.com): the alias in ServiceCredentialSecret is "bob-at-123456789012", but this credential gets "alice-at-123456789012"`,
    );
    const passwordForKey = await failure(seedOf([{ ServiceName: 'bedrock.amazonaws.com', ServicePassword: password() }]));
    expect(passwordForKey.message).toContain('ServicePassword is only for password services; bedrock.amazonaws.com issues API keys');
    expect((await failure({ accounts: { '12': { users: [] } } })).message).toContain('accounts.12: an account id is 12 digits');
    expect((await failure({ users: [] })).message).toContain('unknown field(s) users');
  });

  it('--seed reads the file when the options are parsed: a bad file is an option error (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iam-seed-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(seedOf([{ ServiceName: 'codecommit.amazonaws.com' }])));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"accounts": ');
    const read = (path: string): string => (path === good || path === bad ? readFileSync(path, 'utf8') : '');
    const parsed = parseCommand(['serve', '--seed', good], {}, read);
    expect(parsed.kind === 'serve' && parsed.config.seed).toEqual(seedOf([{ ServiceName: 'codecommit.amazonaws.com' }]));
    const broken = parseCommand(['serve', '--seed', bad], {}, read);
    expect(broken).toEqual({ kind: 'error', message: `--seed: ${bad} is not valid JSON at line 1, column 14 (character 14)` });
    const wrongShape = parseCommand(['serve', '--seed', good], {}, () => '{"accounts": {"123456789012": {"users": [{"UserName": 5}]}}}');
    expect(wrongShape).toEqual({ kind: 'error', message: `--seed: ${good}: accounts.123456789012.users[0]: UserName must be a string` });
  });
});
