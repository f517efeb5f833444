import { randomUUID } from 'node:crypto';
import { type CredentialEngine, authenticateHttpAuthorization } from '../../index.js';
import { httpLoginAttempt, type LoginAttempt } from '../front-door/login-attempt.js';

/**
 * A Bedrock Runtime stand-in, Sans-I/O: a parsed request in, an answer out. It accepts only `Authorization: Bearer <API key>` of an
 * Active, unexpired `bedrock.amazonaws.com` credential, and answers Converse and InvokeModel with a deterministic echo of the last
 * user message, in the Converse response shape. Failures use Bedrock's error shape (the `x-amzn-ErrorType` header and a JSON
 * message), so the AWS SDK raises its typed exceptions.
 */
export const BEDROCK_SERVICE = 'bedrock.amazonaws.com';

/** The largest request body read; Bedrock's own limits are model-specific, this only bounds memory. */
export const MAX_BEDROCK_BODY_BYTES = 1024 * 1024;

export interface BedrockRequest {
  readonly method: string;
  /** The request target as received (percent-encoded path, maybe a query). */
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: Uint8Array;
}

export interface BedrockAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Observed answers of Bedrock to a bad API key (403, JSON `Message`). */
export const INVALID_API_KEY_MESSAGE = 'Authentication failed: Please make sure your API Key is valid.';
export const API_KEY_FORMAT_MESSAGE = 'Invalid API Key format: Must start with pre-defined prefix';

const answer = (status: number, value: unknown, requestId: string, errorType?: string): BedrockAnswer => ({
  status,
  headers: {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  },
  body: JSON.stringify(value),
});

const error = (status: number, type: string, message: string, requestId: string): BedrockAnswer =>
  answer(status, { message }, requestId, type);

type Operation = { readonly kind: 'converse' | 'invoke'; readonly modelId: string } | { readonly kind: 'unsupported'; readonly name: string };

const ROUTE = /^\/model\/([^/]+)\/(converse|invoke|converse-stream|invoke-with-response-stream)$/;

const decodeModelId = (encoded: string): string | undefined => {
  try {
    const modelId = decodeURIComponent(encoded);
    return modelId.length >= 1 && modelId.length <= 2048 ? modelId : undefined;
  } catch {
    return undefined;
  }
};

/** `POST /model/{modelId}/converse` or `/invoke`; the streaming operations are recognised and refused. */
export const routeBedrockRequest = (method: string, url: string): Operation | undefined => {
  const question = url.indexOf('?');
  const match = ROUTE.exec(question === -1 ? url : url.slice(0, question));
  if (match === null || method !== 'POST') return undefined;
  const modelId = decodeModelId(match[1] as string);
  if (modelId === undefined) return undefined;
  const name = match[2] as string;
  return name === 'converse' || name === 'invoke' ? { kind: name, modelId } : { kind: 'unsupported', name };
};

type Message = { readonly role?: unknown; readonly content?: unknown };

/** The text blocks of the last user message, joined by newlines; undefined when the request has no such message. */
const lastUserText = (messages: readonly Message[]): string | undefined => {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as Message;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content; // InvokeModel bodies of some model families
    if (!Array.isArray(message.content)) return undefined;
    return message.content
      .map((block: unknown) => (typeof block === 'object' && block !== null && typeof (block as { text?: unknown }).text === 'string' ? (block as { text: string }).text : ''))
      .filter((text) => text !== '')
      .join('\n');
  }
  return undefined;
};

const words = (text: string): number => text.split(/\s+/).filter((word) => word !== '').length;

/** The stand-in result: the last user message echoed back, as a Converse response. Token counts are words, deterministically. */
const converseResult = (input: string): Record<string, unknown> => {
  const inputTokens = words(input);
  return {
    output: { message: { role: 'assistant', content: [{ text: input }] } },
    stopReason: 'end_turn',
    usage: { inputTokens, outputTokens: inputTokens, totalTokens: 2 * inputTokens },
    metrics: { latencyMs: 0 },
  };
};

export interface BedrockOutcome {
  readonly answer: BedrockAnswer;
  /** Present when the request reached the credential check. */
  readonly attempt: LoginAttempt | undefined;
}

/**
 * Check order: credentials first (as AWS's front end does: an unauthenticated caller learns nothing about routes), then route,
 * then the request body.
 */
export const answerBedrockRequest = async (
  engine: CredentialEngine,
  request: BedrockRequest,
  requestId: string = randomUUID(),
): Promise<BedrockOutcome> => {
  const authorization = request.authorization;
  if (authorization === undefined) {
    return { answer: error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId), attempt: undefined };
  }
  const outcome = await authenticateHttpAuthorization(engine, { ServiceName: BEDROCK_SERVICE, Authorization: authorization });
  const attempt = httpLoginAttempt('bedrock', authorization, outcome);
  if (outcome.isErr()) {
    const bearer = /^bearer +(.*)$/i.exec(authorization);
    const message =
      bearer === null ? 'This stand-in accepts only Bedrock API keys (Authorization: Bearer).' : bearer[1]?.startsWith('ABSK') ? INVALID_API_KEY_MESSAGE : API_KEY_FORMAT_MESSAGE;
    return { answer: answer(403, { Message: message }, requestId, 'AccessDeniedException'), attempt };
  }
  const operation = routeBedrockRequest(request.method, request.url);
  if (operation === undefined) {
    return { answer: error(404, 'UnknownOperationException', 'The requested operation is not recognized by this stand-in.', requestId), attempt };
  }
  if (operation.kind === 'unsupported') {
    return {
      answer: error(400, 'ValidationException', `This stand-in answers Converse and InvokeModel only, not ${operation.name}.`, requestId),
      attempt,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(request.body).toString('utf8'));
  } catch {
    return { answer: error(400, 'ValidationException', 'The request body is not valid JSON.', requestId), attempt };
  }
  const messages = typeof parsed === 'object' && parsed !== null ? (parsed as { messages?: unknown }).messages : undefined;
  const text = Array.isArray(messages) ? lastUserText(messages as Message[]) : undefined;
  if (text === undefined) {
    return { answer: error(400, 'ValidationException', 'The request needs a messages list whose last user message has text content.', requestId), attempt };
  }
  return { answer: answer(200, converseResult(text), requestId), attempt };
};
