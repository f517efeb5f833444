import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/** docs/permissions.md's library example is test/examples/policy-evaluation.test.ts, byte for byte: what users copy is what runs. */
it("docs/permissions.md's example is the file npm test runs", () => {
  const doc = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
  // StrykerJS (npm run mutation) prepends `// @ts-nocheck` to the files of its sandbox; the file as written has no such line.
  const example = readFileSync(new URL('../../examples/policy-evaluation.test.ts', import.meta.url), 'utf8').replace(/^\/\/ @ts-nocheck\n/, '');
  const block = /`test\/examples\/policy-evaluation\.test\.ts`[^\n]*:\n\n```ts\n([\s\S]*?)```/.exec(doc);
  expect(block?.[1]).toBe(example);
});
