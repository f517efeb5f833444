import type { AuthorizationRequest, TemplatePart } from './types.js';
import type { WildcardPattern } from './wildcard.js';

export type ContextValue = string | readonly string[];

/** A key set to undefined (a root principal's user name) is a key the request does not carry. */
type StoredValue = ContextValue | undefined;

/**
 * The request's condition keys, looked up by lower-cased name (AWS compares keys without regard to case). Built on first use, so a
 * request that no statement's Resource variables or Condition reach never builds it.
 */
export class RequestContext {
  private keys: Map<string, StoredValue> | undefined;

  constructor(private readonly request: AuthorizationRequest) {}

  get(lowerCaseKey: string): ContextValue | undefined {
    this.keys ??= this.build();
    return this.keys.get(lowerCaseKey);
  }

  private build(): Map<string, StoredValue> {
    const { principal, context } = this.request;
    const keys = new Map<string, StoredValue>();
    keys.set('aws:principalarn', principal.arn);
    keys.set('aws:principalaccount', principal.accountId);
    keys.set('aws:principaltype', principal.kind === 'root' ? 'Account' : 'User');
    keys.set('aws:username', principal.userName);
    keys.set('aws:userid', principal.userId);
    for (const key of Object.keys(context)) keys.set(key.toLowerCase(), context[key]);
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
