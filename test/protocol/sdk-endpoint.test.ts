import { describeSdkCases } from './sdk-cases.js';
import { iamClient, startTestServer } from './helpers.js';

// The shared SDK cases over HTTP: the endpoint on a free port, the SDK's own node:http handler.
describeSdkCases(async (engineOptions, options) => {
  const server = await startTestServer(engineOptions, options);
  return { client: (accessKeyId) => iamClient(server.url, accessKeyId), engine: server.engine, close: () => server.close() };
});
