import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

/** The README's quick start is code users copy: it must run, and print what its comments say. */
it('README quick start runs as written', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Quick start in code\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const source = (block as string).replace("from 'iam-service-credentials'", `from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)}`);
  const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'));
  try {
    const file = join(dir, 'quick-start.ts');
    writeFileSync(file, source);
    const output = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
    // Three console.log calls: the principal, the API key check, the quota error. Ids are random, so they are matched by format.
    const normalised = output.replace(/ACCA[A-Z0-9]{17}/g, '<id>');
    expect(normalised).toBe(
      [
        '{',
        "  AccountId: '123456789012',",
        "  UserName: 'alice',",
        "  ServiceSpecificCredentialId: '<id>'",
        '}',
        'true',
        '{',
        "  code: 'LimitExceeded',",
        "  message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2',",
        '  httpStatus: 409,',
        "  type: 'Sender'",
        '}',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The README's "Run it" section is what a stranger types on a fresh machine: the server command in one terminal, then the shell
 * block in another. Run both as written, in a copy of the repository (`npm start` builds `dist/`; `npm ci` is what made the
 * node_modules the copy links to), on a free port instead of 4599 (the README's `npm start -- --port`), with the real AWS CLI and
 * no AWS configuration of this machine. Every command of the block must succeed.
 */
const awsPath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'aws'))
  .find((candidate) => existsSync(candidate));
if (awsPath === undefined && process.env.CI) throw new Error('readme.test.ts: the AWS CLI (`aws`) must be installed in CI; .ci/run installs it');
if (awsPath === undefined) console.log("readme.test.ts: the README's Run-it block is skipped because the AWS CLI (`aws`) is not installed on this machine");

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** A shell script run with `bash -e`, in an environment with no AWS configuration (a fresh machine's, as far as the CLI can tell). */
const shell = (script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      'bash',
      ['-e', '-c', script],
      {
        cwd,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

it.runIf(awsPath !== undefined)("README's Run it: the server command, then the shell block, as written", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = /## Run it\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);
  expect(blocks).toHaveLength(2);
  const [server, client] = blocks as [string, string];
  expect(server).toBe('npm ci && npm start\n');
  expect(client).toContain('http://127.0.0.1:4599');
  expect(client.replaceAll('http://127.0.0.1:4599', '')).not.toMatch(/4599/);

  const root = fileURLToPath(new URL('..', import.meta.url));
  const copy = mkdtempSync(join(tmpdir(), 'iam-ssc-readme-'));
  let started: ChildProcess | undefined;
  try {
    for (const name of ['package.json', 'package-lock.json', 'tsconfig.json', 'src']) cpSync(join(root, name), join(copy, name), { recursive: true });
    symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'));
    const port = await freePort();
    // `npm ci` already ran for the node_modules linked above; `npm start` runs as written, on the free port.
    started = spawn('bash', ['-c', server.replace('npm ci && ', '').replace('npm start', `npm start -- --port ${port}`)], {
      cwd: copy,
      detached: true, // its own process group: npm, the build and the server stop together
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await vi.waitFor(() => expect(output).toContain(`listening on http://127.0.0.1:${port}`), { timeout: 180_000, interval: 200 });

    const script = client.replaceAll('http://127.0.0.1:4599', `http://127.0.0.1:${port}`);
    // On a fresh machine without the block's first line the CLI stops before sending anything.
    const withoutExport = await shell(script.split('\n').slice(1).join('\n'), copy);
    expect(withoutExport.code).not.toBe(0);
    expect(withoutExport.stderr).toMatch(/You must specify a region|Unable to locate credentials/);

    const ran = await shell(script, copy);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('"UserName": "alice"');
    expect(ran.stdout).toContain('"ServiceUserName": "alice-at-123456789012"');
  } finally {
    if (started?.pid !== undefined && started.exitCode === null) {
      const exited = new Promise((settle) => started?.once('close', settle));
      process.kill(-started.pid, 'SIGTERM');
      await exited;
    }
    rmSync(copy, { recursive: true, force: true });
  }
}, 300_000);
