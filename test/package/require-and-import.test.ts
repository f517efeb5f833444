import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The package as a user gets it: `npm pack` (its prepack builds dist), installed from the tarball into a throw-away directory that
 * holds a CommonJS project and an ESM one. Every entry point must load both ways (require() through Node's require(esm), Node
 * 20.19+), and work.
 */
let dir: string;
/** The tarball's files, as npm lists them (`package/...`), and where it is unpacked. */
let tarballFiles: string[];
let unpacked: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iam-ssc-package-'));
  await run(NPM, ['pack', '--pack-destination', dir], { cwd: ROOT });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked);
  await run('tar', ['-xzf', join(dir, tarball), '-C', unpacked]);
  tarballFiles = (await run('tar', ['-tzf', join(dir, tarball)])).stdout.trim().split('\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'throw-away', private: true }));
  // pg and @electric-sql/pglite: the optional peer dependencies of iam-service-credentials/postgres and /pglite.
  await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', join(dir, tarball), 'pg', '@electric-sql/pglite'], { cwd: dir });
}, 300_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** What both projects do with the package: every entry point, the engine, the in-process SDK handler's shape, the endpoint. */
const body = `
  const engine = createCredentialEngine();
  await engine.createUser({ UserName: 'alice' });
  const created = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
  const endpoint = await startIamEndpoint();
  const health = await (await fetch(endpoint.url + '/_iam-service-credentials/health')).json();
  await endpoint.close();
  console.log(JSON.stringify({
    user: created.value.ServiceSpecificCredential.ServiceUserName,
    handler: typeof createIamRequestHandler(engine).handle,
    postgres: typeof createPostgresAdapters,
    pglite: typeof createPGliteAdapters,
    frontDoors: [typeof createBedrockServer, isRepositoryName('demo'), isRepositoryName('../etc')],
    health: health.Status,
  }));
`;

const project = async (kind: 'commonjs' | 'module', source: string): Promise<unknown> => {
  const projectDir = join(dir, kind);
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: `throw-away-${kind}`, private: true, type: kind }));
  writeFileSync(join(projectDir, 'index.js'), source);
  const { stdout, stderr } = await run(process.execPath, ['index.js'], { cwd: projectDir });
  expect(stderr).toBe('');
  return JSON.parse(stdout);
};

const EXPECTED = { user: 'alice-at-123456789012', handler: 'function', postgres: 'function', pglite: 'function', frontDoors: ['function', true, false], health: 'ok' };

describe('the packed package', () => {
  it('loads with require() from a CommonJS project (a Jest project, say), every entry point', async () => {
    const source = `
const { createCredentialEngine } = require('iam-service-credentials');
const { startIamEndpoint, createIamRequestHandler } = require('iam-service-credentials/query');
const { createPostgresAdapters } = require('iam-service-credentials/postgres');
const { createPGliteAdapters } = require('iam-service-credentials/pglite');
const { createBedrockServer, isRepositoryName } = require('iam-service-credentials/front-doors');
(async () => {${body}})().catch((error) => { console.error(error); process.exit(1); });
`;
    expect(await project('commonjs', source)).toEqual(EXPECTED);
  });

  it('loads with import from an ESM project, every entry point', async () => {
    const source = `
import { createCredentialEngine } from 'iam-service-credentials';
import { startIamEndpoint, createIamRequestHandler } from 'iam-service-credentials/query';
import { createPostgresAdapters } from 'iam-service-credentials/postgres';
import { createPGliteAdapters } from 'iam-service-credentials/pglite';
import { createBedrockServer, isRepositoryName } from 'iam-service-credentials/front-doors';
${body}`;
    expect(await project('module', source)).toEqual(EXPECTED);
  });
});

/** Every file of the unpacked package, relative to its root. */
const packageFiles = (): string[] => tarballFiles.map((path) => path.replace(/^package\//, ''));

describe('the tarball', () => {
  it('holds the licence and the changelog', () => {
    expect(packageFiles()).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(readFileSync(join(unpacked, 'package', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) iam-service-credentials contributors\n/);
  });

  it('holds every source that its source maps (.js.map, .d.ts.map) name', () => {
    const maps = packageFiles().filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    expect(maps.some((path) => path.endsWith('.d.ts.map'))).toBe(true);
    const missing: string[] = [];
    for (const map of maps) {
      const file = join(unpacked, 'package', map);
      const { sources, sourceRoot } = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourceRoot?: string };
      expect(sources.length, map).toBeGreaterThan(0);
      for (const source of sources) {
        const path = resolve(dirname(file), sourceRoot ?? '', source);
        if (!path.startsWith(join(unpacked, 'package')) || !existsSync(path)) missing.push(`${map} -> ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

/**
 * A TypeScript consumer of every entry point, compiled with the repository's tsc against the installed tarball. The
 * `@ts-expect-error` lines prove that the types were found: were an entry point typed `any`, they would be unused, an error.
 */
const CONSUMER = `
import { createCredentialEngine, type CredentialEngine } from 'iam-service-credentials';
import { startIamEndpoint, type IamEndpoint } from 'iam-service-credentials/query';
import { createPostgresAdapters } from 'iam-service-credentials/postgres';
import { createPGliteAdapters } from 'iam-service-credentials/pglite';
import { createBedrockServer, isRepositoryName } from 'iam-service-credentials/front-doors';

export const engine: CredentialEngine = createCredentialEngine();
export const endpoint: Promise<IamEndpoint> = startIamEndpoint({ port: 0 });
export const named: boolean = isRepositoryName('demo');
export const factories = [createPostgresAdapters, createPGliteAdapters, createBedrockServer];
// @ts-expect-error: the options are an object
startIamEndpoint(4599);
// @ts-expect-error: a repository name is a string
isRepositoryName(42);
// @ts-expect-error: the engine has no such operation
engine.createRole();
`;

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const compileConsumer = async (
  name: string,
  type: 'commonjs' | 'module',
  compilerOptions: Record<string, unknown>,
): Promise<{ code: number; output: string }> => {
  const consumerDir = join(dir, name);
  mkdirSync(consumerDir, { recursive: true });
  writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ name: `throw-away-${name}`, private: true, type }));
  writeFileSync(join(consumerDir, 'consumer.ts'), CONSUMER);
  writeFileSync(
    join(consumerDir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, types: [], ...compilerOptions }, files: ['consumer.ts'] }),
  );
  return run(process.execPath, [TSC, '-p', consumerDir]).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
  );
};

describe('TypeScript consumers of the packed package', () => {
  it('find the types of every entry point under moduleResolution node10 (typesVersions)', async () => {
    expect(await compileConsumer('ts-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', target: 'es2022' })).toEqual({ code: 0, output: '' });
  }, 60_000);

  it('find them under node16 (an ESM project) and bundler too (exports)', async () => {
    expect(await compileConsumer('ts-node16', 'module', { module: 'node16', moduleResolution: 'node16', target: 'es2022' })).toEqual({ code: 0, output: '' });
    expect(await compileConsumer('ts-bundler', 'module', { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' })).toEqual({ code: 0, output: '' });
  }, 60_000);
});
