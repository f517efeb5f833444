// @ts-check
/**
 * Mutation testing (`npm run mutation`, docs/testing.md): StrykerJS changes one operator or constant at a time in the rules
 * (src/domain), the operations (src/app) and the AWS Query codec (src/protocol/query), and runs the in-process tests of
 * vitest.mutation.config.ts against each change. Not part of CI or `npm test`: it takes tens of minutes on two cores.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/domain/**/*.ts', 'src/app/**/*.ts', 'src/protocol/query/**/*.ts'],
  // Each test records which mutants it reaches, and a mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // A mutant reached only while modules load or in beforeAll hooks (no test covers it) would need every test file reloaded and
  // rerun: ~40% of the mutants, ~90% of the time. They are left out and counted as "ignored" (docs/testing.md).
  ignoreStatic: true,
  // The machine is shared; one test process at a time.
  concurrency: 1,
  // Reruns test only the mutants whose code or tests changed since the last run (reports/ is not in git).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  ignorePatterns: ['dist', 'coverage', 'reports', '.pgdata', 'test/.readme-*', '.stryker-tmp*'],
  cleanTempDir: 'always',
};
