import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/**
 * A throw-away project of a user of the package, in a temporary directory: `node_modules/iam-service-credentials` holds the package
 * as `npm run build` emits it (its `dist/` and package.json), and beside it, linked from this repository's node_modules, the
 * package's own dependencies and the packages named: what `npm install` would have put there, and nothing else.
 */
export const createConsumerProject = async (options: {
  /** `declarations`: only the .d.ts files (for `tsc`, quicker); `javascript`: the .js files and the .d.ts files. */
  readonly emit: 'declarations' | 'javascript';
  readonly packages: readonly string[];
}): Promise<string> => {
  const project = mkdtempSync(join(tmpdir(), 'iam-ssc-consumer-'));
  const modules = join(project, 'node_modules');
  const ours = join(modules, 'iam-service-credentials');
  await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--outDir', join(ours, 'dist'), ...(options.emit === 'declarations' ? ['--emitDeclarationOnly'] : [])], {
    cwd: ROOT,
  });
  const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
  writeFileSync(join(ours, 'package.json'), manifest);
  const dependencies = Object.keys((JSON.parse(manifest) as { dependencies: Record<string, string> }).dependencies);
  for (const name of new Set([...dependencies, ...options.packages])) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return project;
};
