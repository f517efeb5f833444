import type { AuthorizationRequest, TemplatePart } from './types.js';
import type { WildcardPattern } from './wildcard.js';

export type ContextValue = string | readonly string[];

/** Condition keys as written in requests, lower-cased: the same few keys come with every request. Bounded: cleared when full. */
const LOWER_CASE_KEYS = new Map<string, string>();
const lowerCaseKeyOf = (key: string): string => {
  let lower = LOWER_CASE_KEYS.get(key);
  if (lower === undefined) {
    lower = key.toLowerCase();
    if (LOWER_CASE_KEYS.size >= 1024) LOWER_CASE_KEYS.clear();
    LOWER_CASE_KEYS.set(key, lower);
  }
  return lower;
};

/**
 * The request's condition keys, looked up by lower-cased name (AWS compares keys without regard to case): the keys the request
 * carries, else the principal's own. The map of the request's keys is built on first use, so a request that no statement's
 * Resource variables or Condition reach never builds it.
 */
export class RequestContext {
  private keys: Map<string, ContextValue> | undefined;

  constructor(private readonly request: AuthorizationRequest) {}

  get(lowerCaseKey: string): ContextValue | undefined {
    this.keys ??= this.build();
    const given = this.keys.get(lowerCaseKey);
    if (given !== undefined) return given;
    const { principal } = this.request;
    switch (lowerCaseKey) {
      case 'aws:principalarn':
        return principal.arn;
      case 'aws:principalaccount':
        return principal.accountId;
      case 'aws:principaltype':
        return principal.kind === 'root' ? 'Account' : 'User';
      case 'aws:username':
        return principal.userName;
      case 'aws:userid':
        return principal.userId;
      default:
        return undefined;
    }
  }

  private build(): Map<string, ContextValue> {
    const { context } = this.request;
    const keys = new Map<string, ContextValue>();
    for (const key of Object.keys(context)) keys.set(lowerCaseKeyOf(key), context[key] as ContextValue);
    return keys;
  }
}

/**
 * A template's parts (`Template.parts`: a value without variables has none, and is matched as written) with its variables replaced by the request's values, as a pattern whose substituted and escaped characters are
 * literal; undefined when a variable has no single value in the request and no default (the value then matches nothing).
 */
export const resolveTemplate = (parts: readonly TemplatePart[], context: RequestContext): WildcardPattern | undefined => {
  let text = '';
  const literalRanges: number[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    let value: string;
    if (part.kind === 'literal') {
      value = part.text;
    } else {
      const found = context.get(part.key);
      if (typeof found === 'string') value = found;
      else if (part.fallback !== undefined) value = part.fallback;
      else return undefined;
    }
    literalRanges.push(text.length, text.length + value.length);
    text += value;
  }
  const literal = new Uint8Array(text.length);
  for (let index = 0; index < literalRanges.length; index += 2) literal.fill(1, literalRanges[index], literalRanges[index + 1]);
  return { text, literal };
};
