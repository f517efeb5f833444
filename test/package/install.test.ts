import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } };

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly engines?: { readonly node?: string };
  readonly hasInstallScript?: boolean;
}

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockedPackage> };
const locked = Object.entries(lock.packages).filter(([path]) => path !== '');
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/**
 * What a newcomer's `npm ci` prints on the oldest Node.js the project supports: no EBADENGINE warning (a locked package whose `engines`
 * excludes that Node) and no install-scripts notice (npm 11 lists every package with an install script that `allowScripts` does not
 * decide on).
 */
describe('npm ci on the oldest supported Node.js', () => {
  it("installs only packages whose engines accept it: runtime ones the package's own minimum, development ones Node 20.19 (require(esm))", () => {
    const packageMinimum = semver.minVersion(manifest.engines.node).version;
    expect(packageMinimum).toBe('20.0.0');
    const refusing = locked
      .filter(([, entry]) => entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.satisfies(entry.dev === true ? '20.19.0' : packageMinimum, entry.engines?.node ?? '*'))
      .map(([path, entry]) => `${path}@${entry.version ?? '?'} (node ${entry.engines?.node ?? ''})`);
    expect(refusing).toEqual([]);
  });

  it('has a decision in allowScripts for every package with an install script', () => {
    const undecided = locked
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path]) => nameOf(path))
      .filter((name) => manifest.allowScripts?.[name] === undefined);
    expect(undecided).toEqual([]);
  });
});
