import { XMLBuilder } from 'fast-xml-parser';
import type { WireError } from './wire-error.js';

/** The namespace of every IAM Query answer, success or error (model metadata `xmlNamespace`). */
export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/**
 * A node of an answer, in document order. Leaves are already text; `XmlList` renders awsQuery's `<member>` wrapping; an undefined
 * member is left out.
 */
export type XmlNode = string | XmlElement | XmlList;
export interface XmlElement {
  readonly [name: string]: XmlNode | undefined;
}
export interface XmlList {
  readonly member: readonly XmlElement[];
}

/**
 * fast-xml-parser's XMLBuilder: it escapes `& < > " '` (to `&amp; &lt; &gt; &quot; &apos;`). Every leaf whose text holds one of those
 * characters (or a character XML cannot carry) is built by it; see `leaf`.
 */
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
 * True when a text needs nothing done to it: none of the five characters XML escapes, no control character but tab/LF/CR, no
 * surrogate (paired ones are fine, but are left to the careful path), no U+FFFE/U+FFFF. Per UTF-16 code unit, no `u` flag.
 */
// eslint-disable-next-line no-control-regex
const NEEDS_CARE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Texts already found plain. The same texts come back request after request (user names, statuses, service names, credential ids,
 * cached timestamps), usually as the same string objects, whose hash V8 keeps: a Set lookup is cheaper than running the regex again.
 * Bounded: cleared when full, so client-chosen texts cannot grow it without limit.
 */
const PLAIN_TEXTS = new Set<string>();
const PLAIN_TEXTS_MAX = 4096;
const PLAIN_TEXT_MAX_LENGTH = 256;
const isPlain = (text: string): boolean => {
  if (PLAIN_TEXTS.has(text)) return true;
  if (NEEDS_CARE.test(text)) return false;
  if (text.length <= PLAIN_TEXT_MAX_LENGTH) {
    if (PLAIN_TEXTS.size >= PLAIN_TEXTS_MAX) PLAIN_TEXTS.clear();
    PLAIN_TEXTS.add(text);
  }
  return true;
};

/**
 * One text element, `<name>text</name>` and a newline. Plain text (the usual case: ids, names, dates, base64 secrets) is written as
 * it is; any other text is replaced where XML cannot carry it (`xmlSafe`) and the element is built by XMLBuilder, which escapes it.
 * Both give the same bytes as XMLBuilder over the whole document (checked by test/protocol/xml-render.test.ts).
 */
const leaf = (indent: string, name: string, text: string): string =>
  (SECRET_ELEMENTS.has(name) ? !NEEDS_CARE.test(text) : isPlain(text))
    ? `${indent}<${name}>${text}</${name}>\n`
    : indent + (builder.build({ [name]: xmlSafe(text) }) as string);

/** Secrets are checked every time, never remembered by isPlain. */
const SECRET_ELEMENTS = new Set(['ServicePassword', 'ServiceCredentialSecret']);

/** The RequestId element: a new text each time, so it is checked but not remembered. */
const requestIdLeaf = (indent: string, requestId: string): string =>
  NEEDS_CARE.test(requestId) ? leaf(indent, 'RequestId', requestId) : `${indent}<RequestId>${requestId}</RequestId>\n`;

const INDENTS: string[] = [''];
const indentOf = (level: number): string => {
  for (let next = INDENTS.length; next <= level; next += 1) INDENTS.push('  '.repeat(next));
  return INDENTS[level] as string;
};

/** The children of an element, one per line at `level`, in document order (undefined members left out). */
const children = (node: XmlElement, level: number): string => {
  let out = '';
  for (const name in node) {
    const child = node[name];
    if (child === undefined) continue;
    if (Array.isArray(child)) {
      for (const item of child as readonly XmlElement[]) out += element(name, item, level);
    } else {
      out += element(name, child as XmlNode, level);
    }
  }
  return out;
};

/** An element: a text leaf, or `<name>` + children + `</name>` on their own lines (`<name></name>` when it has none). */
const element = (name: string, node: XmlNode, level: number): string => {
  const indent = indentOf(level);
  if (typeof node === 'string') return leaf(indent, name, node);
  const inner = children(node as XmlElement, level + 1);
  return inner === '' ? `${indent}<${name}></${name}>\n` : `${indent}<${name}>\n${inner}${indent}</${name}>\n`;
};

/**
 * Instant (ms) -> its rendering. Answers render the same stored instants (creation dates) again and again, each time from a fresh
 * Date; `toISOString` is the costliest part of a List member. Bounded: cleared when full.
 */
const TIMESTAMPS = new Map<number, string>();
const TIMESTAMPS_MAX = 4096;

/**
 * IAM renders whole seconds (`2026-03-27T02:34:20Z`); an instant with milliseconds keeps them (`2016-11-01T17:47:22.382Z`, the API
 * reference's example) so that what the SDK parses equals what the engine returned.
 */
export const xmlTimestamp = (date: Date): string => {
  const time = date.getTime();
  const known = TIMESTAMPS.get(time);
  if (known !== undefined) return known;
  const iso = date.toISOString(); // throws for an invalid date, as before (NaN is never cached)
  const text = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  if (TIMESTAMPS.size >= TIMESTAMPS_MAX) TIMESTAMPS.clear();
  TIMESTAMPS.set(time, text);
  return text;
};


export const xmlBoolean = (value: boolean): string => (value ? 'true' : 'false');

const ROOT_ATTRIBUTES = ` xmlns="${IAM_XML_NAMESPACE}"`;

/**
 * `<XResponse xmlns=…>[<XResult>…</XResult>]<ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></XResponse>`, indented by two
 * spaces, one element per line, as XMLBuilder with `format: true` writes it. `action` is one of the supported actions (never client
 * text): element names are never escaped.
 */
export const renderSuccess = (action: string, result: XmlElement | undefined, requestId: string): string => {
  const root = `${action}Response`;
  const body = result === undefined ? '' : element(`${action}Result`, result, 1);
  return `<${root}${ROOT_ATTRIBUTES}>\n${body}  <ResponseMetadata>\n${requestIdLeaf('    ', requestId)}  </ResponseMetadata>\n</${root}>\n`;
};

/** `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (Smithy awsQuery). */
export const renderError = (error: WireError, requestId: string): string =>
  `<ErrorResponse${ROOT_ATTRIBUTES}>\n  <Error>\n${leaf('    ', 'Type', error.type)}${leaf('    ', 'Code', error.code)}${leaf('    ', 'Message', error.message)}  </Error>\n${requestIdLeaf('  ', requestId)}</ErrorResponse>\n`;
