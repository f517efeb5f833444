import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { IAMClient } from '@aws-sdk/client-iam';
import { XMLParser } from 'fast-xml-parser';
import { type CredentialEngine, type CredentialEngineOptions, createCredentialEngine } from '../../src/index.js';
import { type QueryServerOptions, createQueryServer } from '../../src/protocol/query/index.js';

export interface TestServer {
  readonly url: string;
  readonly engine: CredentialEngine;
  readonly server: Server;
  close(): Promise<void>;
}

/** The endpoint in-process on a free port. */
export const startTestServer = async (
  engineOptions: CredentialEngineOptions = {},
  serverOptions: QueryServerOptions = {},
): Promise<TestServer> => {
  const engine = createCredentialEngine(engineOptions);
  const server = createQueryServer(engine, serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** The real AWS SDK, pointed at the endpoint, with dummy static credentials (signatures are not checked). */
export const iamClient = (url: string, accessKeyId = 'AKIDEXAMPLE'): IAMClient =>
  new IAMClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId, secretAccessKey: 'not-checked-by-the-endpoint' },
    maxAttempts: 1,
  });

/** Parses an answer keeping every value a string (no number or boolean coercion), attributes as `@_name`. */
export const parseXml = (xml: string): Record<string, unknown> =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: true }).parse(
    xml,
  ) as Record<string, unknown>;

export interface ParsedError {
  readonly type: string;
  readonly code: string;
  readonly message: string;
  readonly requestId: string;
  readonly xmlns: string;
}

/** The ErrorResponse of an answer, or throws when the answer is not one. */
export const parseErrorResponse = (xml: string): ParsedError => {
  const doc = parseXml(xml);
  const root = doc['ErrorResponse'] as Record<string, unknown> | undefined;
  if (root === undefined) throw new Error(`not an ErrorResponse: ${xml}`);
  const error = root['Error'] as Record<string, unknown>;
  return {
    type: String(error['Type']),
    code: String(error['Code']),
    message: String(error['Message']),
    requestId: String(root['RequestId']),
    xmlns: String(root['@_xmlns']),
  };
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });

/** Captures what a thrown SDK call rejected with. */
export const rejection = async (promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the call to fail');
};
