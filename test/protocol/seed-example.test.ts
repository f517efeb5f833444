import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { createCredentialEngine, createManualClock, createSeededRandom } from '../../src/index.js';
import { handleQueryRequest } from '../../src/protocol/query/index.js';

/**
 * The example of the CreateServiceSpecificCredential API reference (shared/seeds/004_e96c474f20c2c401.txt), copied here so the test
 * does not depend on files outside the repository.
 */
const SAMPLE_REQUEST = 'Action=CreateServiceSpecificCredential&UserName=Anika&ServiceName=codecommit.amazonaws.com&Version=2010-05-08';
const SAMPLE_RESPONSE = `<CreateServiceSpecificCredentialResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"> <CreateServiceSpecificCredentialResult> <ServiceSpecificCredential> <ServicePassword>xTBAr/czp+D3EXAMPLE47lrJ6/43r2zqGwR3EXAMPLE=</ServicePassword> <ServiceName>codecommit.amazonaws.com</ServiceName> <UserName>anika</UserName> <ServiceUserName>anika+1-at-123456789012</ServiceUserName> <ServiceSpecificCredentialId>ACCA12345ABCDEXAMPLE</ServiceSpecificCredentialId> <Status>Active</Status> <CreateDate>2016-11-01T17:47:22.382Z</CreateDate> </ServiceSpecificCredential> </CreateServiceSpecificCredentialResult> <ResponseMetadata> <RequestId>EXAMPLE8-90ab-cdef-fedc-ba987EXAMPLE</RequestId> </ResponseMetadata> </CreateServiceSpecificCredentialResponse>`;

/** Element names, attributes and texts in document order. */
type Node = { readonly name: string; readonly attributes: Record<string, string>; readonly text?: string; readonly children: Node[] };
const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: true });
const toNodes = (items: unknown[]): Node[] =>
  items.flatMap((item) => {
    const record = item as Record<string, unknown>;
    const name = Object.keys(record).find((key) => key !== ':@');
    if (name === undefined || name === '#text') return [];
    const children = record[name] as unknown[];
    const textItem = children.find((child) => Object.hasOwn(child as object, '#text')) as { '#text': string } | undefined;
    return [
      {
        name,
        attributes: (record[':@'] as Record<string, string> | undefined) ?? {},
        ...(textItem === undefined ? {} : { text: textItem['#text'] }),
        children: toNodes(children),
      },
    ];
  });
const parse = (xml: string): Node[] => toNodes(ordered.parse(xml) as unknown[]);

/** The same tree with the values that are random by nature (secret, id, request id) blanked, after checking their formats. */
const RANDOM: Record<string, RegExp> = {
  ServicePassword: /^[A-Za-z0-9+/]{43}=$/,
  ServiceSpecificCredentialId: /^ACCA[A-Z0-9]{17}$/,
  RequestId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};
const blankRandom = (nodes: Node[], check: boolean): Node[] =>
  nodes.map((node) => {
    const pattern = RANDOM[node.name];
    if (pattern !== undefined && check) expect(node.text).toMatch(pattern);
    return { ...node, ...(pattern === undefined ? {} : { text: '<random>' }), children: blankRandom(node.children, check) };
  });

const sequentialRequestIds = (): (() => string) => {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
};

const runExample = async (): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
  const clock = createManualClock(new Date('2016-11-01T17:40:00Z'));
  const engine = createCredentialEngine({ clock, random: createSeededRandom('api-reference-example') });
  (await engine.createUser({ UserName: 'anika' }))._unsafeUnwrap();
  (await engine.createServiceSpecificCredential({ UserName: 'anika', ServiceName: 'codecommit.amazonaws.com' }))._unsafeUnwrap();
  clock.set(new Date('2016-11-01T17:47:22.382Z'));
  const answer = await handleQueryRequest(engine, { body: SAMPLE_REQUEST }, { requestId: sequentialRequestIds() });
  return { status: answer.status, headers: { ...answer.headers }, body: answer.body };
};

describe('the API reference example of CreateServiceSpecificCredential', () => {
  it('is reproduced: same structure and order, same values except the random ones (whose formats are checked)', async () => {
    const answer = await runExample();
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ 'Content-Type': 'text/xml', 'x-amzn-RequestId': '00000000-0000-4000-8000-000000000001' });
    expect(blankRandom(parse(answer.body), true)).toEqual(blankRandom(parse(SAMPLE_RESPONSE), false));
    // Spot checks of the values the comparison above covers, for a readable failure.
    expect(answer.body).toContain('<UserName>anika</UserName>');
    expect(answer.body).toContain('<ServiceUserName>anika+1-at-123456789012</ServiceUserName>');
    expect(answer.body).toContain('<CreateDate>2016-11-01T17:47:22.382Z</CreateDate>');
  });

  it('is byte-for-byte reproducible with the same seed, clock and request ids', async () => {
    const first = await runExample();
    const second = await runExample();
    expect(second).toEqual(first);
  });
});
