import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/protocol/cli/serve-options.js';
import { type CommandProcess, listeningUrl, runCommand } from '../support/serve-process.js';
import { KEY_A, KEY_B, signedClient } from './sigv4-support.js';

/** What a secret looks like in a message: any 8 characters of it in a row. */
const fragmentsOf = (secret: string): string[] => Array.from({ length: secret.length - 7 }, (_, index) => secret.slice(index, index + 8));

const expectNoFragmentOf = (secret: string, output: string): void => {
  for (const fragment of fragmentsOf(secret)) expect(output).not.toContain(fragment);
};

const outputOf = (command: CommandProcess): string => command.stdout() + command.stderr();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iam-cli-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 44-character ServicePassword (standard base64 of 32 bytes). */
const PASSWORD = Buffer.alloc(32, 0x5a).toString('base64');

describe('files that are not JSON', () => {
  const secretOf = fc.stringMatching(/^[A-Za-z0-9+/]{16,40}$/);
  const broken = (secret: string, breakage: number): string =>
    [
      `{"AKIDA": {"secretAccessKey": ${secret}, "accountId": "111111111111"}}`,
      `{"AKIDA": {"secretAccessKey": "${secret}" "accountId": "111111111111"}}`,
      `{"AKIDA": {"secretAccessKey": "${secret}", "accountId": 111111111111x}}`,
      `{"AKIDA": {"secretAccessKey": "${secret}\u0001", "accountId": "111111111111"}}`,
      `{"AKIDA": {"secretAccessKey": "${secret}"}} trailing`,
      `{"AKIDA": {"secretAccessKey": "${secret}\\q"}}`,
      `{"AKIDA": {"secretAccessKey": "${secret}`,
    ][breakage % 7] as string;

  it('are refused by line and column, whatever the secret and wherever the text breaks, never quoting it', () => {
    fc.assert(
      fc.property(secretOf, fc.nat(), (secret, breakage) => {
        const parsed = parseCommand(['serve', '--account-map-file', 'keys.json'], {}, () => broken(secret, breakage));
        expect(parsed.kind).toBe('error');
        if (parsed.kind !== 'error') return;
        expect(parsed.message).toMatch(/^--account-map-file: keys\.json is not valid JSON at line 1, column \d+ \(character \d+\)$/);
        expectNoFragmentOf(secret, parsed.message);
      }),
      { numRuns: 300 },
    );
  });

  it('a malformed --account-map-file: exit 2, the line and column, no part of the secret (a real process)', async () => {
    const file = join(dir, 'map.json');
    await writeFile(file, `{\n  "${KEY_A.accessKeyId}": {\n    "secretAccessKey": ${KEY_A.secretAccessKey}\n  }\n}\n`);
    const command = runCommand(['serve', '--port', '0', '--account-map-file', file]);
    expect((await command.exit).code).toBe(2);
    expect(command.stderr()).toBe(
      `iam-service-credentials: --account-map-file: ${file} is not valid JSON at line 3, column 24 (character 43)\nRun with --help for the options.\n`,
    );
    expectNoFragmentOf(KEY_A.secretAccessKey, outputOf(command));
  });

  it('a malformed --seed: exit 2, the line and column, no part of the password (a real process)', async () => {
    const file = join(dir, 'seed.json');
    const credential = `{"ServiceName": "codecommit.amazonaws.com", "ServicePassword": "${PASSWORD}" "Status": "Active"}`;
    await writeFile(file, `{"accounts": {"123456789012": {"users": [{"UserName": "alice", "credentials": [${credential}]}]}}}`);
    const command = runCommand(['serve', '--port', '0', '--seed', file]);
    expect((await command.exit).code).toBe(2);
    expect(command.stderr()).toMatch(/^iam-service-credentials: --seed: .*seed\.json is not valid JSON at line 1, column \d+ \(character \d+\)\n/);
    expectNoFragmentOf(PASSWORD, outputOf(command));
  });
});

describe('a secret on the command line where the command expects none', () => {
  it('a value whose option went missing is told by its position, never echoed (a real process)', async () => {
    const command = runCommand(['serve', '--verify-signatures', `${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}`]);
    expect((await command.exit).code).toBe(2);
    expect(command.stderr()).toBe(
      "iam-service-credentials: unexpected argument 3: serve takes options only (is an option's name missing before it?)\nRun with --help for the options.\n",
    );
    expectNoFragmentOf(KEY_A.secretAccessKey, outputOf(command));
  });

  it('neither is a first argument that is not the command, nor a value Node\'s parser refuses (one line, the option named)', () => {
    const parsed = parseCommand([`${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}`, 'serve'], {}, () => '');
    expect(parsed).toEqual({ kind: 'error', message: 'unknown command (argument 1); the command is: serve' });
    const dashed = parseCommand(['serve', '--access-key', `-${KEY_A.secretAccessKey}`], {}, () => '');
    expect(dashed).toEqual({
      kind: 'error',
      message:
        "Option '--access-key' argument is ambiguous. Did you forget to specify the option argument for '--access-key'? To specify an option argument starting with a dash use '--access-key=-XYZ'.",
    });
    const misspelt = parseCommand(['serve', `--acess-key=${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}`], {}, () => '');
    expect(misspelt).toEqual({ kind: 'error', message: 'unknown option --acess-key' });
  });
});

describe('secrets kept off the command line: --access-key-file and IAM_SSC_ACCESS_KEYS', () => {
  const files = new Map<string, string>();
  const read = (path: string): string => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };

  it('read AKID=SECRET[:ACCOUNT[:USERNAME]] entries: one per line of a file (blank and # lines skipped), white-space separated in the environment', () => {
    files.set('keys.txt', `# team keys\n\n${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}:111111111111:alice\r\n  AKIDC=secret/C+  \n`);
    const parsed = parseCommand(
      ['serve', '--verify-signatures', '--access-key-file', 'keys.txt', '--access-key', 'AKIDD=secretD'],
      { IAM_SSC_ACCESS_KEYS: `\n${KEY_B.accessKeyId}=${KEY_B.secretAccessKey}:222222222222  AKIDE=secretE\n` },
      read,
    );
    expect(parsed.kind).toBe('serve');
    if (parsed.kind !== 'serve') return;
    expect(parsed.config.secretAccessKeys).toEqual(
      new Map([
        ['AKIDD', 'secretD'],
        [KEY_A.accessKeyId, KEY_A.secretAccessKey],
        ['AKIDC', 'secret/C+'],
        [KEY_B.accessKeyId, KEY_B.secretAccessKey],
        ['AKIDE', 'secretE'],
      ]),
    );
    expect(parsed.config.accountMap).toEqual(
      new Map([
        [KEY_A.accessKeyId, { accountId: '111111111111', userName: 'alice' }],
        [KEY_B.accessKeyId, { accountId: '222222222222' }],
      ]),
    );
    // The environment alone is enough for --verify-signatures.
    const fromEnv = parseCommand(['serve', '--verify-signatures'], { IAM_SSC_ACCESS_KEYS: `${KEY_B.accessKeyId}=${KEY_B.secretAccessKey}` }, read);
    expect(fromEnv.kind === 'serve' && fromEnv.config.secretAccessKeys).toEqual(new Map([[KEY_B.accessKeyId, KEY_B.secretAccessKey]]));
  });

  it('refuse a bad entry by where it is (file and line, or entry number), never by its text', () => {
    files.set('bad.txt', `# keys\nAKIDA=TOP SECRET\n`);
    files.set('colons.txt', `AKIDA=TOPSECRET:111111111111:alice:x\n`);
    files.set('no-id.txt', `\n\nTOPSECRET\n`);
    files.set('twice.txt', `AKIDA=TOPSECRET\nAKIDA=TOPSECRET2\n`);
    const cases: [string[], Record<string, string>, string][] = [
      [['--access-key-file', 'bad.txt'], {}, "--access-key-file bad.txt line 2: the secret of AKIDA must be 1 to 256 printable characters without spaces or ':'"],
      [['--access-key-file', 'colons.txt'], {}, "--access-key-file colons.txt line 1 AKIDA: expected AKID=SECRET[:ACCOUNT[:USERNAME]], got more ':' parts"],
      [['--access-key-file', 'no-id.txt'], {}, '--access-key-file no-id.txt line 3: expected AKID=SECRET[:ACCOUNT[:USERNAME]] with an alphanumeric AKID'],
      [['--access-key-file', 'twice.txt'], {}, '--access-key-file twice.txt line 2: access key AKIDA is given a secret more than once'],
      [['--access-key-file', 'missing.txt'], {}, "--access-key-file: cannot read missing.txt (ENOENT: no such file or directory, open 'missing.txt')"],
      [[], { IAM_SSC_ACCESS_KEYS: 'AKIDA=TOPSECRET TOPSECRET2' }, 'IAM_SSC_ACCESS_KEYS entry 2: expected AKID=SECRET[:ACCOUNT[:USERNAME]] with an alphanumeric AKID'],
      [['--access-key', 'AKIDA=TOPSECRET'], { IAM_SSC_ACCESS_KEYS: 'AKIDA=TOPSECRET' }, 'IAM_SSC_ACCESS_KEYS entry 1: access key AKIDA is given a secret more than once'],
      [['--account-map', 'AKIDA=111111111111'], { IAM_SSC_ACCESS_KEYS: 'AKIDA=TOPSECRET:222222222222' }, 'IAM_SSC_ACCESS_KEYS entry 1 AKIDA: the key is already mapped by --account-map or --account-map-file'],
    ];
    for (const [args, env, message] of cases) {
      expect(parseCommand(['serve', ...args], env, read)).toEqual({ kind: 'error', message });
    }
  });

  it('serve signed requests with keys from both, which neither ps nor the output shows (a real process)', async () => {
    const file = join(dir, 'keys.txt');
    await writeFile(file, `# the team's key\n${KEY_A.accessKeyId}=${KEY_A.secretAccessKey}:111111111111\n`, { mode: 0o600 });
    const server = runCommand(['serve', '--port', '0', '--verify-signatures', '--access-key-file', file], {
      IAM_SSC_ACCESS_KEYS: `${KEY_B.accessKeyId}=${KEY_B.secretAccessKey}:222222222222`,
    });
    try {
      const url = await listeningUrl(server);
      expect(server.stdout()).toContain('2 mapped access key(s); signatures are verified, 2 access key(s) with secrets)');
      // What ps shows: the process's command line.
      const commandLine = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8');
      expect(commandLine).toContain('--access-key-file');
      for (const key of [KEY_A, KEY_B]) expectNoFragmentOf(key.secretAccessKey, commandLine);
      const [iamA, iamB] = [signedClient(url, KEY_A), signedClient(url, KEY_B)];
      try {
        await iamA.send(new CreateUserCommand({ UserName: 'in-a' }));
        await iamB.send(new CreateUserCommand({ UserName: 'in-b' }));
        expect((await iamA.send(new ListUsersCommand({}))).Users?.map((user) => user.Arn)).toEqual(['arn:aws:iam::111111111111:user/in-a']);
        expect((await iamB.send(new ListUsersCommand({}))).Users?.map((user) => user.Arn)).toEqual(['arn:aws:iam::222222222222:user/in-b']);
      } finally {
        iamA.destroy();
        iamB.destroy();
      }
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exit).code).toBe(0);
    for (const key of [KEY_A, KEY_B]) expectNoFragmentOf(key.secretAccessKey, outputOf(server));
  }, 60_000);
});
