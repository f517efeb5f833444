import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** The recipes of docs/front-doors.md are code users copy: each must run as written and print what its comments say. */
const doc = readFileSync(new URL('../../docs/front-doors.md', import.meta.url), 'utf8');
const recipe = (name: string): string => {
  const block = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1];
  if (block === undefined) throw new Error(`no recipe ${name} in docs/front-doors.md`);
  return block.replace("from 'iam-service-credentials'", `from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).pathname)}`);
};
/** What the `// comment` after each console.log says it prints. */
const expectedOutput = (source: string): string[] =>
  [...source.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((match) => match[1] as string);

const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.recipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('docs/front-doors.md recipes', () => {
  for (const name of ['node-http', 'fastify', 'sasl']) {
    it(`${name} runs as written`, async () => {
      const source = recipe(name);
      const file = join(dir, `${name}.ts`);
      writeFileSync(file, source);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 30_000 });
      const expected = expectedOutput(source);
      expect(expected.length).toBeGreaterThan(1);
      expect(stdout.trim().split('\n')).toEqual(expected);
    }, 40_000);
  }
});
