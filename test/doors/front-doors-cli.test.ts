import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/protocol/cli/serve-options.js';
import { iamClient } from '../protocol/helpers.js';
import { type CommandProcess, runCommand } from '../support/serve-process.js';
import { bedrockClient, converseWith } from './bedrock-support.js';

const noFile = (): string => {
  throw new Error('no file expected');
};

describe('front-door options', () => {
  it('are off by default and read --git-port/--git-root, --bedrock-port, --keyspaces-port', () => {
    const none = parseCommand(['serve'], {}, noFile);
    expect(none.kind === 'serve' && none.config.frontDoors).toBeUndefined();
    const all = parseCommand(['serve', '--git-port', '0', '--git-root', '/srv/git', '--bedrock-port', '9001', '--keyspaces-port=9042'], {}, noFile);
    expect(all.kind === 'serve' && all.config.frontDoors).toEqual({ git: { port: 0, root: '/srv/git' }, bedrock: { port: 9001 }, keyspaces: { port: 9042 } });
  });

  it('refuses a Git port without a root (and the other way round) and bad port numbers', () => {
    for (const args of [['--git-port', '1'], ['--git-root', '/x'], ['--git-port', '1', '--git-root', ''], ['--bedrock-port', '70000'], ['--keyspaces-port', 'x']]) {
      const parsed = parseCommand(['serve', ...args], {}, noFile);
      expect(parsed.kind, args.join(' ')).toBe('error');
    }
  });
});

describe('a front door that cannot start', () => {
  it('stops the command before it says it is listening: exit 1 and the reason', async () => {
    const failed = runCommand(['serve', '--port', '0', '--git-port', '0', '--git-root', join(tmpdir(), 'no-such-git-root-for-doors')]);
    expect((await failed.exit).code).toBe(1);
    expect(failed.stderr()).toMatch(/cannot start the front doors: --git-root .*no-such-git-root-for-doors is not a directory/);
    expect(failed.stdout()).not.toContain('listening on');
  }, 30_000);
});

let server: CommandProcess;
let work: string;
const urls: { iam: string; git: string; bedrock: string; keyspacesPort: number } = { iam: '', git: '', bedrock: '', keyspacesPort: 0 };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'doors-cli-'));
  await promisify(execFile)('git', ['init', '--bare', '-q', join(work, 'demo.git')]);
  server = runCommand(['serve', '--port', '0', '--git-port', '0', '--git-root', work, '--bedrock-port', '0', '--keyspaces-port', '0']);
  urls.iam = (await server.waitFor(/iam-service-credentials listening on (http:\/\/\S+)/))[1]!;
  urls.git = (await server.waitFor(/git \(CodeCommit\) door listening on (http:\/\/[^/\s]+)/))[1]!;
  urls.bedrock = (await server.waitFor(/bedrock \(Bedrock Runtime stand-in\) door listening on (http:\/\/\S+)/))[1]!;
  urls.keyspacesPort = Number((await server.waitFor(/keyspaces \(CQL native protocol v4\) door listening on \S+:(\d+)/))[1]);
}, 60_000);

afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill('SIGKILL');
  }
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** Sends raw bytes, maybe closing early; resolves with what came back before the server or the timeout ended it. */
const raw = (port: number, chunks: (Buffer | string)[], { closeEarly = false, waitMs = 300 } = {}): Promise<string> =>
  new Promise((resolveRaw) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolveRaw(received));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (closeEarly) socket.destroy();
      else setTimeout(() => socket.destroy(), waitMs);
    });
  });

const portOf = (url: string): number => Number(new URL(url).port);

describe('the serve command with every front door', () => {
  it('survives bad input at every door: garbage, huge headers, truncated frames, early disconnects; the IAM endpoint keeps answering', async () => {
    const git = portOf(urls.git);
    const bedrock = portOf(urls.bedrock);
    const cql = urls.keyspacesPort;
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0x80, 0x84, 0x00]);
    const hugeHeader = `GET /v1/repos/demo/info/refs?service=git-upload-pack HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
    const answers = await Promise.all([
      raw(git, [garbage]),
      raw(git, [hugeHeader]),
      raw(git, ['GET /v1/repos/demo/info/refs HTTP/1.1\r\nHost: x\r\n'], { closeEarly: true }),
      raw(git, ['POST /v1/repos/demo/git-receive-pack HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\nContent-Length: 100000\r\n\r\nPACK'], {
        closeEarly: true,
      }),
      raw(bedrock, [garbage]),
      raw(bedrock, [hugeHeader.replace('/v1/repos/demo/info/refs?service=git-upload-pack', '/model/m/converse')]),
      raw(bedrock, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', garbage]),
      raw(bedrock, ['PRI * HTTP/2.0\r\n'], { closeEarly: true }),
      raw(bedrock, ['POST /model/m/converse HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n{"messages"'], { closeEarly: true }),
      raw(cql, [garbage]),
      raw(cql, [Buffer.from([0x04, 0x00, 0x00, 0x01, 0x01, 0xff, 0xff, 0xff, 0xff])]),
      raw(cql, [Buffer.from([0x04, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00])], { closeEarly: true }),
      raw(cql, [Buffer.from([0x42, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00])]),
    ]);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 431/);
    expect(answers[4]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[5]).toMatch(/^HTTP\/1\.1 431/);
    expect(answers[10]).toContain('too large');
    expect(answers[12]).toContain('Invalid or unsupported protocol version (66)');
    expect(server.child.exitCode).toBeNull();

    // Everything still answers: IAM, and each door.
    const iam = iamClient(urls.iam);
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['alice']);
    const challenge = await fetch(`${urls.git}/v1/repos/demo/info/refs?service=git-upload-pack`);
    expect([challenge.status, challenge.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="iam-service-credentials CodeCommit"']);
    expect((await fetch(`${urls.bedrock}/model/m/converse`, { method: 'POST', body: '{}' })).status).toBe(403);

    const key = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com' }));
    const bedrockRuntime = bedrockClient(urls.bedrock, key.ServiceSpecificCredential!.ServiceCredentialSecret!);
    const converse = await converseWith(bedrockRuntime, 'still here');
    expect(converse.output?.message?.content?.[0]?.text).toBe('still here');
    bedrockRuntime.destroy();

    const password = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'cassandra.amazonaws.com' }));
    const session = new cassandra.Client({
      contactPoints: [`127.0.0.1:${urls.keyspacesPort}`],
      localDataCenter: 'us-east-1',
      authProvider: new cassandra.auth.PlainTextAuthProvider(
        password.ServiceSpecificCredential!.ServiceUserName!,
        password.ServiceSpecificCredential!.ServicePassword!,
      ),
      isMetadataSyncEnabled: false,
    });
    try {
      await session.connect();
      expect((await session.execute('SELECT release_version FROM system.local')).first().get('release_version')).toBe('3.11.2');
    } finally {
      await session.shutdown();
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.stdout()).toMatch(/ keyspaces login accepted user=alice-at-123456789012 account=123456789012 /);
    expect(server.stdout()).toMatch(/ bedrock login accepted user=alice-at-123456789012 account=123456789012 /);
    expect(server.stdout()).not.toContain(password.ServiceSpecificCredential!.ServicePassword!);
  }, 60_000);

  it('stops every door on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect((await server.exit).code).toBe(0);
    expect(server.stdout()).toContain('iam-service-credentials: stopped');
  }, 30_000);
});
