import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  ListServiceSpecificCredentialsCommand,
} from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELP, describeStore, parseCommand } from '../../src/protocol/cli/serve-options.js';
import { listeningUrl, runCommand } from '../support/serve-process.js';
import { iamClient } from './helpers.js';

const noFile = (): string => {
  throw new Error('no file expected');
};

describe('serve options', () => {
  it('defaults to 127.0.0.1:4599, account 123456789012, the in-memory store, NoSuchEntity', () => {
    expect(parseCommand(['serve'], {}, noFile)).toEqual({
      kind: 'serve',
      config: {
        host: '127.0.0.1',
        port: 4599,
        accountId: '123456789012',
        accountMap: new Map(),
        unsupportedServiceError: 'NoSuchEntity',
        store: { kind: 'memory' },
        maxBodyBytes: 1024 * 1024,
        accessLog: true,
        authenticateEndpoint: false,
      },
    });
  });

  it('reads every option; --store wins over IAM_SSC_STORE', () => {
    const file = '/config/map.json';
    const parsed = parseCommand(
      [
        'serve',
        '--host=0.0.0.0',
        '--port',
        '0',
        '--account-id',
        '999999999999',
        '--account-map',
        'AKIDA=111111111111, AKIDB=111111111111:bob',
        '--account-map',
        'AKIDC=444444444444',
        '--account-map-file',
        file,
        '--unsupported-service-error',
        'NotSupportedService',
        '--store',
        'memory',
        '--max-body-bytes',
        '2048',
        '--quiet',
        '--authenticate-endpoint',
      ],
      { IAM_SSC_STORE: 'postgres://u:p@db/x' },
      (path) => (path === file ? JSON.stringify({ AKIDFILE: '222222222222', AKIDFILEUSER: { accountId: '333333333333', userName: 'carol' } }) : noFile()),
    );
    expect(parsed).toEqual({
      kind: 'serve',
      config: {
        host: '0.0.0.0',
        port: 0,
        accountId: '999999999999',
        accountMap: new Map([
          ['AKIDFILE', { accountId: '222222222222' }],
          ['AKIDFILEUSER', { accountId: '333333333333', userName: 'carol' }],
          ['AKIDA', { accountId: '111111111111' }],
          ['AKIDB', { accountId: '111111111111', userName: 'bob' }],
          ['AKIDC', { accountId: '444444444444' }],
        ]),
        unsupportedServiceError: 'NotSupportedService',
        store: { kind: 'memory' },
        maxBodyBytes: 2048,
        accessLog: false,
        authenticateEndpoint: true,
      },
    });
  });

  it('takes the store from IAM_SSC_STORE, and prints it with the password masked', () => {
    const parsed = parseCommand(['serve'], { IAM_SSC_STORE: 'postgresql://app:s3cret@db.local:5433/iam?sslmode=require&password=x' }, noFile);
    expect(parsed.kind === 'serve' && parsed.config.store).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://app:s3cret@db.local:5433/iam?sslmode=require&password=x',
    });
    if (parsed.kind !== 'serve') throw new Error('expected serve');
    expect(describeStore(parsed.config.store)).toBe('postgresql://app:***@db.local:5433/iam');
  });

  it('refuses bad values with a clear message that never echoes a store value', () => {
    const error = (argv: string[]): string => {
      const parsed = parseCommand(argv, {}, noFile);
      if (parsed.kind !== 'error') throw new Error(`expected an error for ${argv.join(' ')}`);
      return parsed.message;
    };
    expect(error(['serve', '--store', 'mysql://root:hunter2@db/x'])).toBe('--store: expected "memory" or a postgres:// / postgresql:// URL');
    expect(error(['serve', '--port', '70000'])).toBe('--port: expected an integer from 0 to 65535, got "70000"');
    expect(error(['serve', '--account-id', '12'])).toBe('--account-id: expected 12 digits');
    expect(error(['serve', '--account-map', 'AKID=12'])).toBe('--account-map: the account for AKID must be 12 digits');
    expect(error(['serve', '--account-map', 'AKID'])).toBe('--account-map: expected AKID=ACCOUNT, got "AKID"');
    expect(error(['serve', '--account-map', 'AKID=111111111111:bad name'])).toBe('--account-map: the user name for AKID is not a valid IAM user name');
    expect(error(['serve', '--host', ''])).toBe('--host: expected an interface name or address, got an empty one');
    expect(error(['serve', '--host= '])).toBe('--host: expected an interface name or address, got an empty one');
    expect(error(['serve', '--account-map', 'AKIDA=111111111111:alice:mallory'])).toBe(
      '--account-map: expected AKID=ACCOUNT or AKID=ACCOUNT:USERNAME for AKIDA, got "111111111111:alice:mallory"',
    );
    expect(error(['serve', '--account-map', 'AKIDA=111111111111,AKIDA=222222222222'])).toBe('--account-map: access key id AKIDA is mapped more than once');
    expect(error(['serve', '--account-map', 'AKIDA=111111111111', '--account-map', 'AKIDA=111111111111'])).toBe(
      '--account-map: access key id AKIDA is mapped more than once',
    );
    expect(parseCommand(['serve', '--account-map', 'AKIDA=111111111111', '--account-map-file', 'map.json'], {}, () => '{"AKIDA": "222222222222"}')).toEqual({
      kind: 'error',
      message: '--account-map: access key id AKIDA is mapped more than once',
    });
    expect(error(['serve', '--unsupported-service-error', 'Nope'])).toBe('--unsupported-service-error: expected NoSuchEntity or NotSupportedService');
    expect(error(['serve', '--bogus'])).toBe('unknown option --bogus');
    expect(error(['serve', '--bogus=value'])).toBe('unknown option --bogus');
    expect(error(['serve', '--port'])).toBe("Option '--port <value>' argument missing");
    expect(error(['serve', '--quiet=yes'])).toBe("Option '--quiet' does not take an argument");
    expect(error(['launch'])).toBe('unknown command (argument 1); the command is: serve');
    expect(error(['--port', '0', 'launch'])).toBe('unknown command (argument 3); the command is: serve');
    expect(error(['serve', '--quiet', 'extra'])).toBe("unexpected argument 3: serve takes options only (is an option's name missing before it?)");
    expect(error([])).toBe('missing command: serve');
    expect(parseCommand(['serve', '--help'], {}, noFile)).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'], {}, noFile)).toEqual({ kind: 'help' });
    expect(parseCommand(['--version'], {}, noFile)).toEqual({ kind: 'version' });
    expect(parseCommand(['serve', '--version'], {}, noFile)).toEqual({ kind: 'version' });
  });
});

describe.concurrent('the iam-service-credentials command', () => {
  it('--help prints the usage and exits 0', async () => {
    const help = runCommand(['--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout()).toBe(HELP);
  });

  it('--version prints the package version and exits 0', async () => {
    const version = runCommand(['--version']);
    expect((await version.exit).code).toBe(0);
    const { version: expected } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(expected).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.stdout()).toBe(`${expected}\n`);
    expect(version.stderr()).toBe('');
  });

  it('serves the SDK, logs one line per request and never a secret, and stops cleanly on SIGTERM', async () => {
    const server = runCommand(['serve', '--port', '0', '--account-map', 'AKIDOTHER=111111111111']);
    const url = await listeningUrl(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stdout()).toContain(`iam-service-credentials listening on ${url} (account 123456789012, store memory, 1 mapped access key(s)`);
    await server.waitFor(/^iam-service-credentials: press Ctrl-C to stop$/m);
    const iam = iamClient(url, 'AKIDOTHER');
    let password = '';
    try {
      await iam.send(new CreateUserCommand({ UserName: 'cli-user' }));
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'cli-user', ServiceName: 'codecommit.amazonaws.com' }));
      password = created.ServiceSpecificCredential?.ServicePassword ?? '';
      expect(created.ServiceSpecificCredential?.ServiceUserName).toBe('cli-user-at-111111111111');
      const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'cli-user' }));
      expect(listed.ServiceSpecificCredentials).toHaveLength(1);
    } finally {
      iam.destroy();
    }
    server.child.kill('SIGTERM');
    expect((await server.exit).code).toBe(0);
    const lines = server.stdout().trim().split('\n');
    const access = lines.filter((line) => / account=/.test(line));
    expect(access).toHaveLength(3);
    expect(access.map((line) => line.split(' ').slice(2, 7).join(' '))).toEqual([
      'POST / 200 CreateUser -',
      'POST / 200 CreateServiceSpecificCredential -',
      'POST / 200 ListServiceSpecificCredentials -',
    ]);
    expect(access.every((line) => line.includes('account=111111111111'))).toBe(true);
    expect(lines.at(-2)).toBe('iam-service-credentials: SIGTERM received, shutting down');
    expect(lines.at(-1)).toBe('iam-service-credentials: stopped');
    expect(password).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(server.stdout() + server.stderr()).not.toContain(password);
  });

  it('keeps answering when whoever reads its stdout closes the pipe (EPIPE on the access log)', async () => {
    const server = runCommand(['serve', '--port', '0']);
    const url = await listeningUrl(server);
    server.child.stdout?.destroy(); // a supervisor that reads only the startup line
    for (let n = 0; n < 5; n += 1) {
      const res = await fetch(`${url}/_iam-service-credentials/health`);
      expect(res.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20)); // one log flush per request: the second one meets the closed pipe
    }
    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGTERM');
    expect((await server.exit).code).toBe(0);
    expect(server.stderr()).toContain('iam-service-credentials: stdout failed (write EPIPE); the log is dropped from now on');
  });

  it('stops on SIGINT too', async () => {
    const server = runCommand(['serve', '--port', '0', '--quiet']);
    await listeningUrl(server);
    server.child.kill('SIGINT');
    expect((await server.exit).code).toBe(0);
    expect(server.stdout()).toContain('SIGINT received, shutting down');
  });

  it('bad options exit 2 with the reason and where the options are told, not the whole usage', async () => {
    const bad = runCommand(['serve', '--port', 'eighty']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toBe('iam-service-credentials: --port: expected an integer from 0 to 65535, got "eighty"\nRun with --help for the options.\n');
    expect(bad.stdout()).toBe('');
  });

  it('a PostgreSQL store that cannot be opened is a clear startup error (exit 1) that does not print the password', async () => {
    const server = runCommand(['serve', '--port', '0'], { IAM_SSC_STORE: 'postgres://app:pw-do-not-print@127.0.0.1:1/iam' });
    expect((await server.exit).code).toBe(1);
    expect(server.stderr()).toMatch(/^iam-service-credentials: (the PostgreSQL store is unavailable|cannot open the store postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/iam)/);
    expect(server.stdout() + server.stderr()).not.toContain('pw-do-not-print');
    expect(server.stdout()).not.toContain('listening on');
  });
});
