import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** The package as `npm run build` makes it (`dist/`, .js and .d.ts, and package.json), built once on first use, in a temporary directory. */
export interface PackageBuild {
  readonly directory: () => Promise<string>;
  readonly remove: () => void;
}

export const packageBuild = (): PackageBuild => {
  let built: Promise<string> | undefined;
  let directory: string | undefined;
  return {
    directory: () => {
      built ??= (async () => {
        directory = mkdtempSync(join(tmpdir(), 'iam-ssc-build-'));
        await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--outDir', join(directory, 'dist')], { cwd: ROOT });
        writeFileSync(join(directory, 'package.json'), readFileSync(join(ROOT, 'package.json')));
        return directory;
      })();
      return built;
    },
    remove: () => {
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
};

/**
 * A throw-away project of a user of the package, in a temporary directory: `node_modules/iam-service-credentials` holds the built
 * package, and beside it, linked from this repository's node_modules, the package's own dependencies and the packages named: what
 * `npm install` would have put there, and nothing else.
 */
export const createConsumerProject = (build: string, packages: readonly string[]): string => {
  const project = mkdtempSync(join(tmpdir(), 'iam-ssc-consumer-'));
  const modules = join(project, 'node_modules');
  cpSync(build, join(modules, 'iam-service-credentials'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(build, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of new Set([...Object.keys(manifest.dependencies), ...packages])) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return project;
};
