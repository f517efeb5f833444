import { startIamEndpoint } from 'iam-service-credentials/query';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    iamEndpointUrl: string;
  }
}

/** Named in vitest.config.ts's `test.globalSetup`: one endpoint for the whole run, its URL given to the test files. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const endpoint = await startIamEndpoint({
    seed: 'test/examples/fixtures.json', // created before it listens
    accountMap: { AKIDCI: { accountId: '111111111111' } }, // requests signed with AKIDCI act in account 111111111111
  }); // a free port, in memory
  project.provide('iamEndpointUrl', endpoint.url);
  return () => endpoint.close();
}
