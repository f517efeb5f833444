import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { handleQueryRequest } from '../../src/protocol/query/index.js';
import { parseErrorResponse } from './helpers.js';

/**
 * Query parameters are text; the model's integer and boolean members are read from it as AWS reads them: an integer is decimal digits
 * with an optional sign (no hex, exponent, fraction or spaces), a boolean is `true` or `false` in any letter case. Anything else
 * reaches validation as the text it is, and is reported as AWS reports a value of the wrong type.
 */
const V = '2010-05-08';
const engine = createCredentialEngine();
const ask = async (body: string) => {
  const response = await handleQueryRequest(engine, { body });
  return response.status === 200 ? 'ok' : parseErrorResponse(response.body).message;
};
const MAX_ITEMS = (rule: string) => `1 validation error detected: Value at 'maxItems' failed to satisfy constraint: ${rule}`;

/** What IAM answers for `MaxItems=text` (1 to 1000). */
const maxItemsAnswer = (text: string): string => {
  if (!/^[+-]?[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) return MAX_ITEMS('Member must be an integer');
  const value = Number(text);
  if (value < 1) return MAX_ITEMS('Member must have value greater than or equal to 1');
  if (value > 1000) return MAX_ITEMS('Member must have value less than or equal to 1000');
  return 'ok';
};

const PIECES = ['0', '1', '7', '9', '+', '-', 'x', 'e', 'E', '.', ' ', '0x1', 'Infinity', '٣', '_', '00'];

describe('integer members', () => {
  it('are decimal digits with an optional sign; anything else is "Member must be an integer"', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')), async (text) => {
        expect(await ask(`Action=ListUsers&Version=${V}&MaxItems=${encodeURIComponent(text)}`)).toBe(maxItemsAnswer(text));
      }),
      { numRuns: 300 },
    );
    for (const text of ['0x10', '1e3', '5.0', ' 5', '5 ', '+-5', '9007199254740991', '9007199254740992', '-9007199254740992', '0010', '-0']) {
      expect(await ask(`Action=ListUsers&Version=${V}&MaxItems=${encodeURIComponent(text)}`), text).toBe(maxItemsAnswer(text));
    }
  });
});

describe('boolean members', () => {
  it('are true or false in any letter case; anything else is "Member must be a boolean"', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('true', 'false', 'yes', '1', '0', 'truee', ' true', 't', ''), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (word, upper) => {
        const text = [...word].map((c, i) => (upper[i % 5] === true ? c.toUpperCase() : c)).join('');
        // A boolean is answered as the engine answers the same request with that boolean (false needs a user to list).
        const typed = await engine.listServiceSpecificCredentials({ AllUsers: word === 'true' });
        const expected = ['true', 'false'].includes(word)
          ? typed.match(() => 'ok', (error) => error.message)
          : "1 validation error detected: Value at 'allUsers' failed to satisfy constraint: Member must be a boolean";
        expect(await ask(`Action=ListServiceSpecificCredentials&Version=${V}&AllUsers=${encodeURIComponent(text)}`), text).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('string members', () => {
  it('are the text given, even when it reads as an integer or a boolean', async () => {
    for (const userName of ['12345', '+7', 'true', 'FALSE']) {
      const response = await handleQueryRequest(engine, { body: `Action=CreateUser&Version=${V}&UserName=${encodeURIComponent(userName)}` });
      expect(response.status, `${userName}: ${response.body}`).toBe(200);
      expect(response.body).toContain(`<UserName>${userName}</UserName>`);
    }
  });
});
