import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createCredentialEngine } from '../src/index.js';
import { createBedrockServer } from '../src/protocol/bedrock/bedrock-server.js';
import { listenDoor } from '../src/protocol/front-door/door-server.js';
import { median } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export interface DoorsOptions {
  /** Timed requests per protocol (after one untimed). */
  readonly requests: number;
}

/**
 * The Bedrock door carrying a 1 MB request body, through the Bedrock Runtime SDK over HTTP/2 (its default handler) against the
 * same over HTTP/1.1: what the door's HTTP/2 flow-control windows cost or save. The last user message is short, so the answer
 * is small and the time is the upload's.
 */
export const runDoors = async (options: DoorsOptions): Promise<ResultRow[]> => {
  const engine = createCredentialEngine();
  await engine.createUser({ UserName: 'bench' });
  const created = await engine.createServiceSpecificCredential({ UserName: 'bench', ServiceName: 'bedrock.amazonaws.com' });
  if (created.isErr()) throw new Error(created.error.message);
  const key = created.value.ServiceSpecificCredential.ServiceCredentialSecret ?? '';
  const door = await listenDoor(createBedrockServer(engine), 0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${door.address.port}`;
  const messages = [
    { role: 'user' as const, content: [{ text: 'x'.repeat(1_000_000) }] },
    { role: 'assistant' as const, content: [{ text: 'ok' }] },
    { role: 'user' as const, content: [{ text: 'short' }] },
  ];
  const timeConverse = async (client: BedrockRuntimeClient): Promise<number> => {
    const times: number[] = [];
    for (let index = 0; index <= options.requests; index += 1) {
      const started = performance.now();
      const answer = await client.send(new ConverseCommand({ modelId: 'bench', messages }));
      if (answer.output?.message?.content?.[0]?.text !== 'short') throw new Error('the door did not answer the bench request');
      if (index > 0) times.push(performance.now() - started);
    }
    client.destroy();
    return median(times);
  };
  const client = (http1: boolean): BedrockRuntimeClient =>
    new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint,
      token: { token: key },
      authSchemePreference: ['httpBearerAuth'],
      maxAttempts: 1,
      ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
    });
  try {
    const http2 = await timeConverse(client(false));
    const http1 = await timeConverse(client(true));
    return [
      {
        id: 'doors.bedrock-1mb-body.http2',
        section: 'Front doors',
        label: 'Bedrock door: Converse with a 1 MB body, SDK over HTTP/2 (its default)',
        value: http2,
        unit: 'ms',
        baseline: { label: 'same over HTTP/1.1', value: http1 },
        ratio: http2 / http1,
      },
    ];
  } finally {
    await door.close(0);
  }
};
