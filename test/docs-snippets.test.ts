import { CreateServiceSpecificCredentialCommand, CreateUserCommand, IAMClient, LimitExceededException } from '@aws-sdk/client-iam';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { createCredentialEngine } from '../src/index.js';
import { createIamRequestHandler, startIamEndpoint } from '../src/protocol/query/index.js';
import { createConsumerProject, packageBuild, ROOT, run, TSC } from './support/consumer-project.js';

/** One build of the package for the tests below that install it in a throw-away project. */
const build = packageBuild();
afterAll(build.remove);

/**
 * The snippets of docs/testing-with-iam-service-credentials.md are files of this test suite (named in backticks just above each
 * block, ending in `:`): each block must be exactly that file, so what users copy is what `npm test` runs.
 */
it('every snippet named after a file of test/examples is that file, byte for byte', () => {
  const doc = readFileSync(new URL('../docs/testing-with-iam-service-credentials.md', import.meta.url), 'utf8');
  const named = [...doc.matchAll(/`(test\/examples\/[^`]+)`[^\n]*:\n\n```[a-z]*\n([\s\S]*?)```/g)];
  expect(named.map((match) => match[1])).toEqual([
    'test/examples/in-process.test.ts',
    'test/examples/vitest.config.ts',
    'test/examples/iam-endpoint.global-setup.ts',
    'test/examples/with-endpoint.test.ts',
    'test/examples/signatures-and-doors.test.ts',
    'test/examples/fixtures.json',
  ]);
  for (const [, path, block] of named) {
    expect(block, path).toBe(readFileSync(new URL(`../${path as string}`, import.meta.url), 'utf8'));
  }
});

/**
 * docs/endpoint.md's access-log line: its action column is the Query action, `authenticate`/`authenticateApiKey` on the authenticate
 * path, `health` and `reset` on those control paths, `-` otherwise. Read from the doc's sentence, checked against real requests.
 */
it('the access log names the action as docs/endpoint.md says, path by path', async () => {
  const doc = readFileSync(new URL('../docs/endpoint.md', import.meta.url), 'utf8');
  expect(doc).toContain(
    'action (the Query action, `authenticate` or `authenticateApiKey` on the authenticate path, `health` and `reset` on those control paths, `-` otherwise)',
  );
  const lines: string[] = [];
  const endpoint = await startIamEndpoint({ authenticateEndpoint: true, log: (line) => lines.push(line) });
  try {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const requests: [string, RequestInit, string][] = [
      ['/', { method: 'POST', headers: form, body: 'Action=CreateUser&Version=2010-05-08&UserName=alice' }, 'CreateUser'],
      ['/', { method: 'POST', headers: form, body: 'Action=NoSuchAction&Version=2010-05-08' }, '-'],
      ['/_iam-service-credentials/health', { method: 'GET' }, 'health'],
      ['/_iam-service-credentials/reset', { method: 'POST' }, 'reset'],
      ['/_iam-service-credentials/authenticate', { method: 'POST', body: '{"ServiceName":"bedrock.amazonaws.com","ApiKey":"ABSKeA=="}' }, 'authenticateApiKey'],
      [
        '/_iam-service-credentials/authenticate',
        { method: 'POST', body: '{"ServiceName":"codecommit.amazonaws.com","ServiceUserName":"a-at-123456789012","ServicePassword":"x"}' },
        'authenticate',
      ],
      ['/_iam-service-credentials/elsewhere', { method: 'GET' }, '-'],
    ];
    for (const [path, init, action] of requests) {
      const before = lines.length;
      await (await fetch(`${endpoint.url}${path}`, init)).arrayBuffer();
      await vi.waitFor(() => expect(lines.length).toBeGreaterThan(before));
      // time, client address, method, path, status, action, …
      const columns = (lines.at(-1) as string).split(' ');
      expect(columns[3], lines.at(-1)).toBe(path);
      expect(columns[5], lines.at(-1)).toBe(action);
    }
  } finally {
    await endpoint.close();
  }
});

/**
 * docs/testing-with-iam-service-credentials.md and docs/endpoint.md tell SDK users to set `maxAttempts: 1` when they expect
 * LimitExceeded, because the SDK retries it as throttling. This pins that claim to the SDK version the project tests with.
 */
it('the AWS SDK retries LimitExceededException (3 attempts) unless maxAttempts is 1, as the docs say', async () => {
  const attemptsOfThirdCreate = async (maxAttempts?: number): Promise<unknown> => {
    const iam = new IAMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'anything' },
      requestHandler: createIamRequestHandler(createCredentialEngine()),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const create = new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
    await iam.send(create);
    await iam.send(create);
    const refused: unknown = await iam.send(create).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LimitExceededException);
    return (refused as LimitExceededException).$metadata.attempts;
  };
  expect(await attemptsOfThirdCreate(1)).toBe(1);
  expect(await attemptsOfThirdCreate()).toBe(3);
  const doc = readFileSync(new URL('../docs/testing-with-iam-service-credentials.md', import.meta.url), 'utf8');
  expect(doc).toContain('retries it: 3 attempts in all');
});

/**
 * docs/postgres.md's TypeScript blocks compile in a consumer's project that installed what the page says (and nothing else): the
 * package as `npm run build` emits it, in the consumer's node_modules with its dependencies, `skipLibCheck` off.
 * Without `@types/pg`, which the page names, they do not (TS7016): that is why the page names it.
 */
it('the TypeScript blocks of docs/postgres.md compile with what the page says to install', async () => {
  const doc = readFileSync(join(ROOT, 'docs/postgres.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  const installed = [...doc.matchAll(/`npm install (?:-D )?([^`]+)`/g)].flatMap((match) => (match[1] as string).split(' '));
  expect(installed).toEqual(expect.arrayContaining(['pg', '@types/pg', '@electric-sql/pglite']));

  // What the page says to install, and the types of Node that any TypeScript project on Node has.
  const project = createConsumerProject(await build.directory(), [...installed, '@types/node']);
  try {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false }, include: ['*.ts'] }),
    );
    blocks.forEach((block, index) => writeFileSync(join(project, `snippet-${index}.ts`), block));
    const tsc = (): Promise<{ code: number; output: string }> =>
      run(process.execPath, [TSC, '-p', '.'], { cwd: project }).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
      );

    expect(await tsc()).toEqual({ code: 0, output: '' });
    rmSync(join(project, 'node_modules/@types/pg'));
    const withoutTypes = await tsc();
    expect(withoutTypes.code).not.toBe(0);
    expect(withoutTypes.output).toContain("error TS7016: Could not find a declaration file for module 'pg'");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}, 300_000);

/**
 * docs/testing-with-iam-service-credentials.md's section 2 is a project's whole vitest setup: its four files, copied byte for byte into
 * a throw-away project that has the package as `npm run build` makes it, `vitest` and `@aws-sdk/client-iam`, must pass there under
 * `vitest run`, with nothing of this repository's own configuration (its aliases, its other global setups).
 */
it("the doc's vitest setup runs as a project of its own", async () => {
  const project = createConsumerProject(await build.directory(), ['vitest', '@aws-sdk/client-iam']);
  try {
    const examples = join(ROOT, 'test/examples');
    cpSync(join(examples, 'vitest.config.ts'), join(project, 'vitest.config.ts'));
    for (const name of ['iam-endpoint.global-setup.ts', 'with-endpoint.test.ts', 'fixtures.json']) {
      cpSync(join(examples, name), join(project, 'test/examples', name));
    }
    const report = join(project, 'report.json');
    await run(process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`], {
      cwd: project,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' },
    });
    const results = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTests: number; numPassedTests: number; testResults: { name: string }[] };
    const declared = readFileSync(join(examples, 'with-endpoint.test.ts'), 'utf8').match(/^it\(/gm)?.length;
    expect(results.testResults.map((file) => file.name)).toEqual([join(project, 'test/examples/with-endpoint.test.ts')]);
    expect(results.numTotalTests).toBe(declared);
    expect(results.numPassedTests).toBe(declared);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}, 300_000);

/** The docs are reference for users, who cannot see the project's issue tracker: no page names an issue or a ticket number. */
it('no doc and not the README refers to an issue number', () => {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  for (const page of pages) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    expect(text.match(/\bissues? \d+|(?<![\w/])#\d+\b/gi) ?? [], page).toEqual([]);
  }
});
