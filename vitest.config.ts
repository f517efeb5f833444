import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import the package by name, as users do; here that name is the source.
  resolve: {
    alias: [
      { find: /^iam-service-credentials\/query$/, replacement: fileURLToPath(new URL('./src/protocol/query/index.ts', import.meta.url)) },
      { find: /^iam-service-credentials$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Starts a throw-away PostgreSQL server for test/postgres (or uses IAM_SSC_TEST_DATABASE_URL).
    // test/examples: the globalSetup of docs/testing-with-iam-service-credentials.md, used as a user would.
    globalSetup: ['test/postgres/global-setup.ts', 'test/examples/iam-endpoint.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
