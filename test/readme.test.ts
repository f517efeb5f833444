import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

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
