import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/**
 * The snippets of docs/testing-with-iam-service-credentials.md are files of this test suite (named in backticks just above each
 * block, ending in `:`): each block must be exactly that file, so what users copy is what `npm test` runs.
 */
it('every snippet named after a file of test/examples is that file, byte for byte', () => {
  const doc = readFileSync(new URL('../docs/testing-with-iam-service-credentials.md', import.meta.url), 'utf8');
  const named = [...doc.matchAll(/`(test\/examples\/[^`]+)`[^\n]*:\n\n```[a-z]*\n([\s\S]*?)```/g)];
  expect(named.map((match) => match[1])).toEqual([
    'test/examples/in-process.test.ts',
    'test/examples/iam-endpoint.global-setup.ts',
    'test/examples/with-endpoint.test.ts',
    'test/examples/signatures-and-doors.test.ts',
    'test/examples/fixtures.json',
  ]);
  for (const [, path, block] of named) {
    expect(block, path).toBe(readFileSync(new URL(`../${path as string}`, import.meta.url), 'utf8'));
  }
});
