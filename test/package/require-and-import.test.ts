import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iam-ssc-package-'));
  await run(NPM, ['pack', '--pack-destination', dir], { cwd: ROOT });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
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
