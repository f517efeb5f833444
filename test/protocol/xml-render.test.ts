import fc from 'fast-check';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_ACTIONS } from '../../src/protocol/query/index.js';
import type { WireError } from '../../src/protocol/query/wire-error.js';
import { IAM_XML_NAMESPACE, type XmlElement, type XmlNode, renderError, renderSuccess, xmlSafe } from '../../src/protocol/query/xml.js';

/**
 * The renderer writes plain-text leaves itself and hands every other leaf to XMLBuilder. The reference below is the whole-document
 * XMLBuilder rendering it replaced (format: true, a `xmlSafe` copy of every value): both must give the same bytes for any tree and
 * any text, and every text must come back unchanged (after `xmlSafe`) through fast-xml-parser's XMLParser.
 */
const reference = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});
const sanitize = (node: XmlNode | undefined): unknown => {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return xmlSafe(node);
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(node)) {
    if (child === undefined) continue;
    out[name] = Array.isArray(child) ? child.map((item: XmlElement) => sanitize(item)) : sanitize(child as XmlNode);
  }
  return out;
};
const referenceSuccess = (action: string, result: XmlElement | undefined, requestId: string): string =>
  reference.build({
    [`${action}Response`]: {
      '@_xmlns': IAM_XML_NAMESPACE,
      ...(result === undefined ? {} : { [`${action}Result`]: sanitize(result) }),
      ResponseMetadata: { RequestId: xmlSafe(requestId) },
    },
  }) as string;
const referenceError = (error: WireError, requestId: string): string =>
  reference.build({
    ErrorResponse: {
      '@_xmlns': IAM_XML_NAMESPACE,
      Error: { Type: error.type, Code: xmlSafe(error.code), Message: xmlSafe(error.message) },
      RequestId: xmlSafe(requestId),
    },
  }) as string;

/** Texts: mostly plain, often with the five escaped characters, controls, surrogates (paired or not), U+FFFE/U+FFFF, whitespace. */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'a', ' ', '\n', '\r', '\t', '\u0000', '\u001f', '\ud800', '\udc00', '\ufffe', '\uffff', '😀', '&amp;', ']]>'), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'true', '0', 'a&b', "Value 'x' at 'userName'", 'xTBAr/czp+D3EXAMPLE47lrJ6/43r2zqGwR3EXAMPLE=') },
);
const NAMES = ['UserName', 'ServiceName', 'Status', 'Marker', 'IsTruncated', 'CreateDate', 'Users', 'User', 'Path', 'Arn', 'X'];
const name = fc.constantFrom(...NAMES);

const tree: fc.Arbitrary<XmlElement> = fc.letrec<{ element: XmlElement; node: XmlNode | undefined }>((tie) => ({
  element: fc.dictionary(name, tie('node'), { maxKeys: 4 }) as fc.Arbitrary<XmlElement>,
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: text },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: tie('element') as fc.Arbitrary<XmlNode> },
    { weight: 1, arbitrary: fc.array(tie('element') as fc.Arbitrary<XmlElement>, { maxLength: 3 }).map((member) => ({ member })) },
  ),
})).element;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, processEntities: true });

describe('the XML renderer', () => {
  it('writes the same bytes as XMLBuilder over the whole (xmlSafe-copied) document, for any tree and text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUPPORTED_ACTIONS), fc.option(tree, { freq: 5 }), text, (action, result, requestId) => {
        const rendered = renderSuccess(action, result ?? undefined, requestId);
        expect(rendered).toBe(referenceSuccess(action, result ?? undefined, requestId));
        expect(XMLValidator.validate(rendered)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the same bytes as XMLBuilder for any error', () => {
    fc.assert(
      fc.property(fc.constantFrom<'Sender' | 'Receiver'>('Sender', 'Receiver'), text, text, fc.integer({ min: 400, max: 599 }), text, (type, code, message, httpStatus, requestId) => {
        const error: WireError = { type, code, message, httpStatus };
        const rendered = renderError(error, requestId);
        expect(rendered).toBe(referenceError(error, requestId));
        expect(XMLValidator.validate(rendered)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes every text so that it parses back to itself (characters XML cannot carry replaced by U+FFFD)', () => {
    fc.assert(
      fc.property(text, text, (message, requestId) => {
        // Texts the parser would normalise or trim in ways unrelated to escaping (CR, surrounding whitespace) are compared as it reads them.
        fc.pre(!/[\r]/.test(message + requestId));
        const doc = parser.parse(renderError({ type: 'Sender', code: 'InvalidInput', message, httpStatus: 400 }, requestId)) as {
          ErrorResponse: { Error: { Message: unknown }; RequestId: unknown };
        };
        expect(textOf(doc.ErrorResponse.Error.Message)).toBe(xmlSafe(message));
        expect(textOf(doc.ErrorResponse.RequestId)).toBe(xmlSafe(requestId));
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes the five XML characters and replaces what XML cannot carry', () => {
    const rendered = renderError({ type: 'Sender', code: 'X', message: `a&b<c>d"e'f\u0001g\ud800h😀`, httpStatus: 400 }, 'r');
    expect(rendered).toContain('<Message>a&amp;b&lt;c&gt;d&quot;e&apos;f\ufffdg\ufffdh😀</Message>');
  });
});

/** fast-xml-parser gives an empty element as '' and whitespace-only text as-is with trimValues false. */
const textOf = (value: unknown): string => (value === undefined ? '' : String(value));
