import base from './stryker.config.mjs';
export default {
  ...base,
  vitest: { configFile: 'vitest.policy-mutation.config.ts', related: false },
  mutate: ['src/domain/policy/{evaluate,conditions,context,wildcard,ip,access-denied}.ts'],
  incrementalFile: 'reports/stryker-policy-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/policy.html' },
  jsonReporter: { fileName: 'reports/mutation/policy.json' },
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
};
