import base from './stryker.config.mjs';
export default {
  ...base,
  vitest: { configFile: 'vitest.policy-mutation.config.ts', related: false },
  mutate: ['src/domain/policy/{parse,template}.ts'],
  incrementalFile: 'reports/stryker-policy-parse-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/policy-parse.html' },
  jsonReporter: { fileName: 'reports/mutation/policy-parse.json' },
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
};
