import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import suite from './vitest.config.js';

/**
 * Under StrykerJS a mutant's run stops at the first failing test, and files are imported only when they run: quick, focused
 * files go first, the long properties next, the one file that imports the AWS SDK last.
 */
const ORDER = [
  /test\/domain\//,
  /test\/engine\/(?!properties|model|race)/,
  /test\/contract\//,
  /test\/protocol\/(query-units|query-form|query-request-rules|query-members|wire-errors|seed-example)/,
  /test\/engine\//,
  /test\/protocol\/(?!sdk-)/,
];
const rank = (file: string): number => {
  const index = ORDER.findIndex((pattern) => pattern.test(file));
  return index === -1 ? ORDER.length : index;
};
class QuickFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * The in-process tests that `npm run mutation` (stryker.config.mjs) runs against each mutant. Tests that start child processes,
 * PostgreSQL, PGlite, git, the AWS CLI, python or the front doors are left out: a mutant is only active inside this process, and
 * they are slow. The whole suite is still `npm test` (vitest.config.ts).
 */
export default defineConfig({
  // The package's name resolves to the source, as in the main config.
  resolve: suite.resolve ?? {},
  test: {
    include: [
      'test/domain/**/*.test.ts',
      'test/engine/**/*.test.ts',
      'test/contract/in-memory.contract.test.ts',
      'test/protocol/query-property.test.ts',
      'test/protocol/query-units.test.ts',
      'test/protocol/query-form.test.ts',
      'test/protocol/query-request-rules.test.ts',
      'test/protocol/query-members.test.ts',
      'test/protocol/xml-render.test.ts',
      'test/protocol/wire-errors.test.ts',
      'test/protocol/access-key-scan.test.ts',
      'test/protocol/access-key-rules.test.ts',
      'test/protocol/seed-example.test.ts',
      'test/protocol/start-iam-endpoint-options.test.ts',
      'test/protocol/start-iam-endpoint-rules.test.ts',
      'test/protocol/in-process-handler.test.ts',
      'test/protocol/account-map-rules.test.ts',
      'test/protocol/in-process-handler-rules.test.ts',
      // The AWS SDK's cases through the in-process handler, unsigned and signed. test/protocol/sdk-endpoint.test.ts runs the same
      // cases over HTTP and the examples add no rule of these folders; each file that imports the SDK costs seconds per mutant.
      'test/protocol/sdk-in-process.test.ts',
      'test/protocol/sigv4-in-process.test.ts',
    ],
    exclude: [
      // The in-memory adapter's own index is not mutated.
      'test/engine/ordered-index.test.ts',
      // Mocks node:crypto, which needs a module graph of its own (see isolate below).
      'test/domain/constant-time.test.ts',
    ],
    // One module graph for every test file: under StrykerJS each mutant reruns the files that reach it, and re-importing the AWS
    // SDK for each of them would cost more than the tests.
    isolate: false,
    sequence: { sequencer: QuickFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
