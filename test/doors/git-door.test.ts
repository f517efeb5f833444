import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  type IAMClient,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine, createSeededRandom } from '../../src/index.js';
import { decideGitRequest } from '../../src/protocol/git/git-door.js';
import { createGitServer } from '../../src/protocol/git/git-server.js';
import { type TestServer, iamClient, startTestServer } from '../protocol/helpers.js';

const run = promisify(execFile);

let iam: TestServer;
let client: IAMClient;
let gitUrl: string;
let work: string;
let closeGit: () => Promise<void>;
const logLines: string[] = [];

const gitEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  HOME: work,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
});

const git = (args: string[], cwd = work) => run('git', ['-c', 'credential.helper=', '-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv() });

/** git's outcome without throwing: exit code and stderr. */
const gitOutcome = async (args: string[], cwd = work): Promise<{ code: number; stderr: string }> => {
  try {
    const { stderr } = await git(args, cwd);
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: failure.code ?? -1, stderr: failure.stderr ?? '' };
  }
};

/** A remote URL with the credentials in it, percent-encoded as a user must (`+`, `/`, `=` in names and passwords). */
const remote = (user: string, password: string, repo = 'demo'): string =>
  `${gitUrl.replace('http://', `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`)}/v1/repos/${repo}`;

const credential = async (userName: string, serviceName = 'codecommit.amazonaws.com') => {
  const created = await client.send(new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: serviceName }));
  const value = created.ServiceSpecificCredential!;
  return { id: value.ServiceSpecificCredentialId!, user: value.ServiceUserName!, password: value.ServicePassword! };
};

let counter = 0;
const freshDir = (): string => join(work, `c${++counter}`);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'git-door-'));
  // Seeded, so that the passwords below are known to hold `/` or `+` (and, as every ServicePassword, `=`).
  iam = await startTestServer({ random: createSeededRandom('git-door') });
  client = iamClient(iam.url);
  const root = join(work, 'root');
  await run('git', ['init', '--bare', '-q', '-b', 'main', join(root, 'demo.git')]);
  await run('git', ['init', '--bare', '-q', '-b', 'main', join(root, 'other')]);
  await writeFile(join(work, 'outside-secret'), 'must never be served\n');
  const server = createGitServer(iam.engine, { root, log: (line) => logLines.push(line) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gitUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeGit = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await client.send(new CreateUserCommand({ UserName: 'alice' }));
}, 60_000);

afterAll(async () => {
  await closeGit?.();
  await iam?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the Git door with the git CLI', () => {
  it('clone, commit, push; clone again and see the commit; the +1 user name works too; log lines name the user, never the secret', async () => {
    const first = await credential('alice');
    const second = await credential('alice');
    expect(second.user).toBe('alice+1-at-123456789012');
    // The characters that must arrive percent-encoded in a URL are really there.
    expect(`${first.password}${second.password}`).toMatch(/[/+]/);
    expect(first.password).toContain('=');
    const a = freshDir();
    await git(['clone', '-q', remote(first.user, first.password), a]);
    await writeFile(join(a, 'README'), 'hello\n');
    await git(['add', 'README'], a);
    await git(['commit', '-q', '-m', 'first commit'], a);
    await git(['push', '-q', 'origin', 'HEAD:main'], a);

    const b = freshDir();
    await git(['clone', '-q', remote(second.user, second.password), b]);
    const { stdout } = await git(['log', '--format=%s'], b);
    expect(stdout.trim()).toBe('first commit');
    // fetch works as well, with the +1 name
    await git(['fetch', '-q', 'origin'], b);

    expect(logLines.some((line) => / git login accepted user=alice\+1-at-123456789012 account=123456789012 /.test(line))).toBe(true);
    expect(logLines.some((line) => / git login challenged /.test(line))).toBe(true);
    for (const line of logLines) {
      expect(line).not.toContain(first.password);
      expect(line).not.toContain(second.password);
    }
  }, 60_000);

  it('refuses a wrong password, an Inactive, a deleted and a Keyspaces credential, and the old password after Reset; nothing is pushed', async () => {
    await client.send(new CreateUserCommand({ UserName: 'bob' }));
    const good = await credential('bob');
    const inactive = await credential('bob');
    await client.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: inactive.id, Status: 'Inactive' }));
    const keyspaces = await credential('bob', 'cassandra.amazonaws.com');
    const reset = await client.send(new ResetServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id }));
    const newPassword = reset.ServiceSpecificCredential!.ServicePassword!;

    // A working copy with a commit to push, made with the valid (new) password.
    const work1 = freshDir();
    await git(['clone', '-q', remote(good.user, newPassword), work1]);
    await writeFile(join(work1, 'refused'), 'x\n');
    await git(['add', 'refused'], work1);
    await git(['commit', '-q', '-m', 'must not arrive'], work1);

    const attempts: [string, string][] = [
      [good.user, `${newPassword.slice(0, -1)}x`], // wrong password
      [good.user, good.password], // the old password after Reset
      [inactive.user, inactive.password],
      [keyspaces.user, keyspaces.password], // right, but issued for Keyspaces
    ];
    for (const [user, password] of attempts) {
      const clone = await gitOutcome(['clone', '-q', remote(user, password), freshDir()]);
      expect(clone.code).not.toBe(0);
      expect(clone.stderr).toContain('The requested URL returned error: 403');
      const push = await gitOutcome(['push', '-q', remote(user, password), 'HEAD:main'], work1);
      expect(push.code).not.toBe(0);
      expect(push.stderr).toContain('403');
    }
    await client.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id }));
    const deleted = await gitOutcome(['push', '-q', remote(good.user, newPassword), 'HEAD:main'], work1);
    expect(deleted.stderr).toContain('The requested URL returned error: 403');

    // Nothing was pushed: the repository still has only the first test's commit (or none, if run alone).
    const { stdout } = await run('git', ['--git-dir', join(work, 'root', 'demo.git'), 'log', '--all', '--format=%s'], { env: gitEnv() });
    expect(stdout).not.toContain('must not arrive');
    expect(logLines.some((line) => / git login refused user=bob-at-123456789012 account=123456789012 reason=wrong-secret /.test(line))).toBe(true);
    expect(logLines.some((line) => /reason=credential-is-Inactive/.test(line))).toBe(true);
  }, 60_000);

  it('without credentials git gets the Basic challenge and fails with its authentication error', async () => {
    const outcome = await gitOutcome(['clone', '-q', `${gitUrl}/v1/repos/demo`, freshDir()]);
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/could not read Username|Authentication failed/);
  }, 30_000);

  it('an unknown repository is "not found" to an authenticated caller; the name is looked up as <name> or <name>.git', async () => {
    await client.send(new CreateUserCommand({ UserName: 'carol' }));
    const carol = await credential('carol');
    const missing = await gitOutcome(['clone', '-q', remote(carol.user, carol.password, 'nope'), freshDir()]);
    expect(missing.stderr).toContain('not found');
    // `other` is a bare repository without the .git suffix: it is found too
    const plain = await gitOutcome(['clone', '-q', remote(carol.user, carol.password, 'other'), freshDir()]);
    expect(plain.code).toBe(0);
  }, 30_000);

  it('names of 97 to 100 characters are served from <name>.git as from <name>; 101 characters is no repository name', async () => {
    await client.send(new CreateUserCommand({ UserName: 'dora' }));
    const dora = await credential('dora');
    const root = join(work, 'root');
    for (const length of [97, 100]) {
      const name = `${'r'.repeat(length - 2)}.x`;
      await run('git', ['init', '--bare', '-q', '-b', 'main', join(root, `${name}.git`)]);
      const cloned = await gitOutcome(['clone', '-q', remote(dora.user, dora.password, name), freshDir()]);
      expect({ length, ...cloned }).toEqual({ length, code: 0, stderr: expect.stringContaining('empty repository') });
    }
    const tooLong = 'r'.repeat(101);
    await run('git', ['init', '--bare', '-q', '-b', 'main', join(root, tooLong)]);
    const refused = await gitOutcome(['clone', '-q', remote(dora.user, dora.password, tooLong), freshDir()]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('not found');
  }, 60_000);
});

describe('the directory the backend runs in', () => {
  it('is <name> or <name>.git of the routed name, up to the 104 characters of a 100-character name with .git; nothing else', async () => {
    const engine = createCredentialEngine();
    await engine.createUser({ UserName: 'erin' });
    const created = (await engine.createServiceSpecificCredential({ UserName: 'erin', ServiceName: 'codecommit.amazonaws.com' }))._unsafeUnwrap();
    const { ServiceUserName, ServicePassword } = created.ServiceSpecificCredential;
    const authorization = `Basic ${Buffer.from(`${ServiceUserName}:${ServicePassword}`).toString('base64')}`;
    const decide = (name: string, directory: string | undefined) =>
      decideGitRequest(
        engine,
        { method: 'GET', url: `/v1/repos/${name}/info/refs?service=git-upload-pack`, authorization },
        { root: '/srv/git', findRepository: async () => directory },
      );
    const name = 'n'.repeat(100);
    for (const directory of [name, `${name}.git`]) {
      const decision = await decide(name, directory);
      expect(decision.kind === 'backend' && decision.env['PATH_INFO']).toBe(`/${directory}/info/refs`);
    }
    for (const directory of [undefined, 'other', `${name}.gi`, `../${name}`, `${name}.git.git`]) {
      const decision = await decide(name, directory);
      expect(decision.kind === 'answer' && decision.answer.status, String(directory)).toBe(404);
    }
  });
});
