import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/examples/iam-endpoint.global-setup.ts'], // one endpoint for the whole run, before any test file
  },
});
