import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';

/** The Bedrock Runtime SDK with bearer-token auth, as a user configures it for an API key (its default HTTP/2 handler). */
export const bedrockClient = (endpoint: string, apiKey: string): BedrockRuntimeClient =>
  new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    token: { token: apiKey },
    authSchemePreference: ['httpBearerAuth'],
    maxAttempts: 1,
  });

/** One Converse call with one user message. */
export const converseWith = (client: BedrockRuntimeClient, text = 'hello from the test'): Promise<ConverseCommandOutput> =>
  client.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text }] }] }));
