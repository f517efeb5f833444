import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CredentialEngine, createCredentialEngine, createManualClock, createSeededRandom } from '../../src/index.js';
import { SUPPORTED_ACTIONS, handleQueryRequest } from '../../src/protocol/query/index.js';
import { parseXml } from './helpers.js';

const ACCOUNTS = ['123456789012', '111111111111'] as const;

const MEMBER_NAMES = [
  'Action',
  'Version',
  'UserName',
  'ServiceName',
  'CredentialAgeDays',
  'AllUsers',
  'Marker',
  'MaxItems',
  'ServiceSpecificCredentialId',
  'Status',
  'Path',
  'PathPrefix',
];

let engine: CredentialEngine;
const knownIds: string[] = [];

beforeAll(async () => {
  engine = createCredentialEngine({ clock: createManualClock(new Date('2026-11-23T12:00:00Z')), random: createSeededRandom('property') });
  for (const accountId of ACCOUNTS) {
    for (const userName of ['anika', 'bob']) {
      (await engine.createUser({ UserName: userName }, { accountId }))._unsafeUnwrap();
      for (const service of ['codecommit.amazonaws.com', 'bedrock.amazonaws.com']) {
        const created = (await engine.createServiceSpecificCredential({ UserName: userName, ServiceName: service }, { accountId }))._unsafeUnwrap();
        knownIds.push(created.ServiceSpecificCredential.ServiceSpecificCredentialId);
      }
    }
  }
});

/** Everything a failed request must leave as it was: every user and every credential of every account used. */
const snapshot = async (): Promise<string> => {
  const parts: unknown[] = [];
  for (const accountId of ACCOUNTS) {
    parts.push((await engine.listUsers({ MaxItems: 1000 }, { accountId }))._unsafeUnwrap());
    parts.push((await engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 1000 }, { accountId }))._unsafeUnwrap());
  }
  return JSON.stringify(parts);
};

const meaningfulValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      'anika',
      'Anika',
      'bob',
      'nobody',
      'codecommit.amazonaws.com',
      'cassandra.amazonaws.com',
      'bedrock.amazonaws.com',
      'lambda.amazonaws.com',
      'true',
      'false',
      'maybe',
      '1',
      '2',
      '30',
      '0',
      '-1',
      'abc',
      '36601',
      '2010-05-08',
      'Active',
      'Inactive',
      'Expired',
      '/',
      '/a/',
      '<&"',
      '',
    ),
    fc.constantFrom(...SUPPORTED_ACTIONS),
    fc.constant(null).map(() => knownIds[0] ?? ''),
    fc.nat({ max: 1000 }).map((n) => knownIds[n % Math.max(knownIds.length, 1)] ?? ''),
  );

const anyValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: meaningfulValue() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Huge values, in the engine's length limits' neighbourhood and far beyond.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'é', '<', '\u0001', '😀', '%'), fc.integer({ min: 60, max: 70_000 })).map(([c, n]) => c.repeat(n)) },
);

const anyName: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...MEMBER_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** How one name or value is put on the wire: mostly properly encoded; sometimes raw, `+` for spaces, or percent-encoding gone wrong. */
const encoding = fc.oneof(
  { weight: 40, arbitrary: fc.constant('proper') },
  { weight: 1, arbitrary: fc.constantFrom('raw', 'plus', 'broken-percent', 'bad-utf8', 'lowercase-hex') },
);
const encode = (text: string, how: string): string => {
  switch (how) {
    case 'raw':
      return text;
    case 'plus':
      return encodeURIComponent(text).replace(/%20/g, '+');
    case 'broken-percent':
      return `${encodeURIComponent(text)}%Z`;
    case 'bad-utf8':
      return `%C3%28${encodeURIComponent(text)}`;
    case 'lowercase-hex':
      return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    default:
      return encodeURIComponent(text);
  }
};

interface Pair {
  readonly name: string;
  readonly value: string;
  readonly how: string;
}
const pair: fc.Arbitrary<Pair> = fc.record({ name: anyName, value: anyValue, how: encoding });
const render = (p: Pair): string => `${encode(p.name, p.how)}=${encode(p.value, p.how)}`;

/** Mostly a real Action and Version among distinct random parameters (now and then a repeated one), in random order. */
const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        action: fc.option(fc.constantFrom(...SUPPORTED_ACTIONS), { freq: 12 }),
        version: fc.option(fc.oneof({ weight: 10, arbitrary: fc.constant('2010-05-08') }, { weight: 1, arbitrary: fc.constantFrom('2010-05-08-08', '') }), { freq: 12 }),
        rest: fc.uniqueArray(pair, { maxLength: 5, selector: (p) => p.name }),
        repeated: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: pair }),
        order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
      })
      .map(({ action, version, rest, repeated, order }) => {
        const names = new Set([...(action === null ? [] : ['Action']), ...(version === null ? [] : ['Version'])]);
        const segments = [
          ...(action === null ? [] : [`Action=${action}`]),
          ...(version === null ? [] : [`Version=${version}`]),
          ...rest.filter((p) => !names.has(p.name)).map(render),
          ...(repeated === null ? [] : [render(repeated)]),
        ];
        return segments
          .map((segment, index) => ({ segment, key: order[index % order.length] ?? 0 }))
          .sort((a, b) => a.key - b.key)
          .map(({ segment }) => segment)
          .join('&');
      }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const context = fc.record(
  {
    accountId: fc.constantFrom(...ACCOUNTS, ACCOUNTS[0], 'not-an-account'),
    callerUserName: fc.constantFrom('anika', 'nobody'),
    contentType: fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8') },
      { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain') },
    ),
  },
  { requiredKeys: [] },
);

describe('handleQueryRequest on arbitrary bodies', () => {
  it('never throws, never answers 5xx, always renders a well-formed answer, and leaves state unchanged on failure', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(body, context, async (requestBody, ctx) => {
        const before = await snapshot();
        const answer = await handleQueryRequest(engine, {
          body: requestBody,
          ...(ctx.contentType === undefined ? {} : { headers: { 'content-type': ctx.contentType } }),
          ...(ctx.accountId === undefined ? {} : { accountId: ctx.accountId }),
          ...(ctx.callerUserName === undefined ? {} : { callerUserName: ctx.callerUserName }),
        });
        outcomes.set(answer.errorCode ?? `ok:${answer.action}`, (outcomes.get(answer.errorCode ?? `ok:${answer.action}`) ?? 0) + 1);
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers['Content-Type']).toBe('text/xml');
        expect(XMLValidator.validate(answer.body)).toBe(true);
        const doc = parseXml(answer.body);
        const requestId = answer.headers['x-amzn-RequestId'];
        expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

        if (answer.status === 200) {
          expect(answer.action).toBeDefined();
          expect(SUPPORTED_ACTIONS).toContain(answer.action);
          const root = doc[`${answer.action}Response`] as Record<string, unknown>;
          expect(root).toBeDefined();
          expect(root['@_xmlns']).toBe('https://iam.amazonaws.com/doc/2010-05-08/');
          expect(root['ResponseMetadata']).toEqual({ RequestId: requestId });
          return;
        }
        expect(Object.keys(doc)).toEqual(['ErrorResponse']);
        const root = doc['ErrorResponse'] as Record<string, unknown>;
        const error = root['Error'] as Record<string, unknown>;
        expect(error['Type']).toBe('Sender');
        expect(error['Code']).toMatch(/^[A-Za-z]+$/);
        expect(error['Code']).toBe(answer.errorCode);
        expect(typeof error['Message']).toBe('string');
        expect(String(error['Message']).length).toBeGreaterThan(0);
        expect(root['RequestId']).toBe(requestId);
        expect(await snapshot()).toBe(before);
      }),
      { numRuns: 400 },
    );
    // The generator reaches both arms: answers that ran an operation, and failures of several kinds.
    expect([...outcomes.keys()].some((key) => key.startsWith('ok:'))).toBe(true);
    expect([...outcomes.keys()].filter((key) => !key.startsWith('ok:')).length).toBeGreaterThan(3);
  });
});
