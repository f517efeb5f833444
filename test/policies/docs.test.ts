import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it("docs/permissions.md's policies-and-groups example is test/examples/policies-and-groups.test.ts, byte for byte", () => {
  const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  const match = /`test\/examples\/policies-and-groups\.test\.ts`[^\n]*:\n\n```ts\n([\s\S]*?)```/.exec(doc);
  expect(match?.[1]).toBe(readFileSync(new URL('../examples/policies-and-groups.test.ts', import.meta.url), 'utf8'));
});
