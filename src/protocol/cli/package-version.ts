import { readFileSync } from 'node:fs';

/**
 * The package's version (`--version`, the health path), read from package.json, which sits three levels up from both src/protocol/cli
 * and dist/protocol/cli. `unknown` if it cannot be read.
 */
export const packageVersion = (): string => {
  try {
    const json = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
};
