import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'iam-start-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `startIamEndpoint(options)` in a child process where `missingPackage` cannot be found (a module-resolution hook, as in an
 * install without that optional package), and returns how it rejected: the error's name, whether it is a StartupError, its message.
 */
const rejectionWithout = (missingPackage: string, options: string): { name: string; isStartupError: boolean; message: string } => {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === ${JSON.stringify(missingPackage)}) { const error = new Error("Cannot find package '${missingPackage}'"); error.code = 'ERR_MODULE_NOT_FOUND'; throw error; }
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const query = join(import.meta.dirname, '../../src/protocol/query/index.ts');
  const script = `
    import { StartupError, startIamEndpoint } from ${JSON.stringify(query)};
    startIamEndpoint(${options}).then(
      async (endpoint) => { await endpoint.close(); console.log(JSON.stringify({ started: true })); },
      (error) => console.log(JSON.stringify({ name: error.name, isStartupError: error instanceof StartupError, message: error.message })),
    );`;
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', '--input-type=module', '--eval', script],
    { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 60_000 },
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { name: string; isStartupError: boolean; message: string };
};

describe('startIamEndpoint names its own options when an optional package is missing', () => {
  it('dataDir, without @electric-sql/pglite', () => {
    const dataDir = join(dir, 'state');
    const rejection = rejectionWithout('@electric-sql/pglite', JSON.stringify({ dataDir }));
    expect(rejection).toMatchObject({ name: 'StartupError', isStartupError: true });
    expect(rejection.message).toMatch(/^the dataDir store is unavailable: cannot load the PGlite adapter \(is the '@electric-sql\/pglite' package installed\?/);
    expect(existsSync(dataDir)).toBe(false);
  }, 90_000);

  it('signatures, without @smithy/signature-v4', () => {
    const rejection = rejectionWithout('@smithy/signature-v4', JSON.stringify({ signatures: { secretAccessKeys: { AKIDA: 'secret' } } }));
    expect(rejection).toMatchObject({ name: 'StartupError', isStartupError: true });
    expect(rejection.message).toMatch(/^signatures needs the @smithy\/signature-v4 package \(npm install @smithy\/signature-v4\): /);
  }, 90_000);
});
