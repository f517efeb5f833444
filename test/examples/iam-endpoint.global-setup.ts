import { startIamEndpoint } from 'iam-service-credentials/query';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    iamEndpointUrl: string;
  }
}

/** vitest.config.ts: `test: { globalSetup: ['test/iam-endpoint.global-setup.ts'] }`. One endpoint for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const endpoint = await startIamEndpoint({
    seed: 'test/examples/fixtures.json', // created before it listens
    accountMap: { AKIDCI: { accountId: '111111111111' } }, // requests signed with AKIDCI act in account 111111111111
  }); // a free port, in memory
  project.provide('iamEndpointUrl', endpoint.url);
  return () => endpoint.close();
}
