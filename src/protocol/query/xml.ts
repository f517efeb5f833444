import { XMLBuilder } from 'fast-xml-parser';
import type { WireError } from './wire-error.js';

/** The namespace of every IAM Query answer, success or error (model metadata `xmlNamespace`). */
export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/**
 * A node of an answer, in document order. Leaves are already text; `XmlList` renders awsQuery's `<member>` wrapping. Built with
 * fast-xml-parser's XMLBuilder, which escapes `& < > " '` in every text and attribute value.
 */
export type XmlNode = string | XmlElement | XmlList;
export interface XmlElement {
  readonly [name: string]: XmlNode | undefined;
}
export interface XmlList {
  readonly member: readonly XmlElement[];
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

/**
 * XML 1.0 cannot carry most C0 controls, U+FFFE/U+FFFF or unpaired surrogates even escaped; an echoed client value containing one
 * (a ServiceName in an error message, say) has it replaced by U+FFFD so the answer always parses.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const xmlSafe = (value: string): string => value.replace(NOT_XML_CHAR, '\uFFFD');

/**
 * IAM renders whole seconds (`2026-03-27T02:34:20Z`); an instant with milliseconds keeps them (`2016-11-01T17:47:22.382Z`, the API
 * reference's example) so that what the SDK parses equals what the engine returned.
 */
export const xmlTimestamp = (date: Date): string => date.toISOString().replace(/\.000Z$/, 'Z');

export const xmlBoolean = (value: boolean): string => (value ? 'true' : 'false');

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

/** `<XResponse xmlns=…>[<XResult>…</XResult>]<ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></XResponse>`. */
export const renderSuccess = (action: string, result: XmlElement | undefined, requestId: string): string =>
  builder.build({
    [`${action}Response`]: {
      '@_xmlns': IAM_XML_NAMESPACE,
      ...(result === undefined ? {} : { [`${action}Result`]: sanitize(result) }),
      ResponseMetadata: { RequestId: xmlSafe(requestId) },
    },
  }) as string;

/** `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (Smithy awsQuery). */
export const renderError = (error: WireError, requestId: string): string =>
  builder.build({
    ErrorResponse: {
      '@_xmlns': IAM_XML_NAMESPACE,
      Error: { Type: error.type, Code: xmlSafe(error.code), Message: xmlSafe(error.message) },
      RequestId: xmlSafe(requestId),
    },
  }) as string;
