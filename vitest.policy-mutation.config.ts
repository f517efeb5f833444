import { defineConfig } from 'vitest/config';
import suite from './vitest.config.js';

export default defineConfig({
  resolve: suite.resolve ?? {},
  test: {
    include: ['test/domain/policy/**/*.test.ts'],
    exclude: ['test/domain/policy/differential.test.ts'],
    isolate: false,
    testTimeout: 60_000,
  },
});
