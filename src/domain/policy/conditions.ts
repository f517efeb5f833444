import { resolveTemplate, type ContextValue, type RequestContext } from './context.js';
import { blockContains, parseIpAddress, parseIpBlock } from './ip.js';
import type { ConditionClause, ConditionOperatorBase, Template } from './types.js';
import { wildcardMatchRange, type WildcardPattern } from './wildcard.js';

/**
 * The negated operators: AWS documents that they match when the key is absent from the request ("If the key that you specify in
 * a policy condition is not present in the request context, the values do not match [...] If the policy condition requires that
 * the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true").
 */
const NEGATED: ReadonlySet<ConditionOperatorBase> = new Set<ConditionOperatorBase>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export const isNegatedOperator = (base: ConditionOperatorBase): boolean => NEGATED.has(base);

/** The positive operator a negated one is the negation of. */
const POSITIVE_OF: Readonly<Partial<Record<ConditionOperatorBase, ConditionOperatorBase>>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export const parseConditionNumber = (text: string): number | undefined => (NUMBER.test(text) ? Number(text) : undefined);

const ISO_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[Tt]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * A date condition value as epoch milliseconds: ISO 8601 (`2026-01-01`, `2026-01-01T12:00:00Z`, with an offset or fraction; no
 * zone means UTC) or epoch seconds (`1767225600`); undefined for anything else.
 */
export const parseConditionDate = (text: string): number | undefined => {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = ISO_DATE.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hours, minutes, seconds, fraction, zone] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hours ?? 0), Number(minutes ?? 0), Number(seconds ?? 0));
  // Date.UTC rolls a day past the month's end over into the next month (February 30th is March 2nd): no such date.
  if (new Date(utc).getUTCDate() !== Number(day)) return undefined;
  const milliseconds = Math.floor(Number(`0${fraction ?? ''}`) * 1000);
  // `Z` (or no zone) is UTC; `±hh`, `±hhmm`, `±hh:mm` an offset from it.
  const offset = (zone ?? 'Z').slice(1).replace(':', '');
  const offsetMinutes = (zone?.startsWith('-') === true ? -1 : 1) * (Number(offset.slice(0, 2)) * 60 + Number(offset.slice(2)));
  return utc + milliseconds - offsetMinutes * 60_000;
};

const compareNumbers = (base: ConditionOperatorBase, request: number, policy: number): boolean => {
  switch (base) {
    case 'NumericEquals':
    case 'DateEquals':
      return request === policy;
    case 'NumericLessThan':
    case 'DateLessThan':
      return request < policy;
    case 'NumericLessThanEquals':
    case 'DateLessThanEquals':
      return request <= policy;
    case 'NumericGreaterThan':
    case 'DateGreaterThan':
      return request > policy;
    default:
      return request >= policy;
  }
};

/** The six parts of an ARN (`arn:partition:service:region:account:resource`), as the index each part starts at and the end. */
const arnBoundaries = (text: string): number[] | undefined => {
  const starts = [0];
  let from = 0;
  for (let colon = 0; colon < 5; colon += 1) {
    const at = text.indexOf(':', from);
    if (at === -1) return undefined;
    starts.push(at + 1);
    from = at + 1;
  }
  return starts;
};

/**
 * ArnEquals and ArnLike (AWS: the same): each of the six parts matched on its own, with `*` and `?`; case-sensitive. Undefined
 * when either side is not an ARN.
 */
const arnMatches = (pattern: WildcardPattern, value: string): boolean | undefined => {
  const patternStarts = arnBoundaries(pattern.text);
  const valueStarts = arnBoundaries(value);
  if (patternStarts === undefined || valueStarts === undefined) return undefined;
  for (let part = 0; part < 6; part += 1) {
    const patternStart = patternStarts[part] ?? 0;
    const patternEnd = part < 5 ? (patternStarts[part + 1] ?? 0) - 1 : pattern.text.length;
    const valueStart = valueStarts[part] ?? 0;
    const valueEnd = part < 5 ? (valueStarts[part + 1] ?? 0) - 1 : value.length;
    if (!wildcardMatchRange(pattern.text, pattern.literal, patternStart, patternEnd, value, valueStart, valueEnd)) return false;
  }
  return true;
};

/**
 * Whether the request's single value matches one policy value under a positive operator; undefined when the policy value cannot
 * be read (a variable without a value, a number or date or address that is none): such a value matches under no operator,
 * positive or negated.
 */
const positiveMatch = (base: ConditionOperatorBase, requestValue: string, policyValue: Template, context: RequestContext): boolean | undefined => {
  switch (base) {
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const policy = parseConditionNumber(policyValue.raw);
      const request = parseConditionNumber(requestValue);
      return policy === undefined || request === undefined ? undefined : compareNumbers(base, request, policy);
    }
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const policy = parseConditionDate(policyValue.raw);
      const request = parseConditionDate(requestValue);
      return policy === undefined || request === undefined ? undefined : compareNumbers(base, request, policy);
    }
    case 'IpAddress': {
      const block = parseIpBlock(policyValue.raw);
      const address = parseIpAddress(requestValue);
      return block === undefined || address === undefined ? undefined : blockContains(block, address);
    }
    default:
      break;
  }
  // A value without variables (the common case) is matched as written, with no substitution and nothing allocated.
  let text = policyValue.raw;
  let literal: Uint8Array | undefined;
  if (policyValue.parts !== undefined) {
    const resolved = resolveTemplate(policyValue.parts, context);
    if (resolved === undefined) return undefined;
    text = resolved.text;
    literal = resolved.literal;
  }
  switch (base) {
    case 'StringEquals':
    case 'BinaryEquals':
      return text === requestValue;
    case 'StringEqualsIgnoreCase':
      return text.toLowerCase() === requestValue.toLowerCase();
    case 'StringLike':
      return wildcardMatchRange(text, literal, 0, text.length, requestValue, 0, requestValue.length);
    case 'Bool': {
      // Bool has no negated form: a value that is not true/false simply matches nothing.
      const request = requestValue.toLowerCase();
      return (request === 'true' || request === 'false') && text.toLowerCase() === request;
    }
    default:
      return arnMatches({ text, literal }, requestValue);
  }
};

/**
 * One request value against the clause's values: a positive operator matches when some value matches (values are ORed); a
 * negated one when every value can be read and none matches.
 */
const singleValueMatches = (base: ConditionOperatorBase, requestValue: string, values: readonly Template[], context: RequestContext): boolean => {
  const positive = POSITIVE_OF[base];
  if (positive === undefined) {
    for (const value of values) if (positiveMatch(base, requestValue, value, context) === true) return true;
    return false;
  }
  for (const value of values) if (positiveMatch(positive, requestValue, value, context) !== false) return false;
  return true;
};

/**
 * One `"Operator": { "key": values }` pair. A key absent from the request: `Null` tests exactly that; `…IfExists` and the negated
 * operators match; `ForAllValues` matches (nothing to contradict it); anything else does not. A multivalued key needs a set
 * operator: a single-valued operator does not match it (AWS: "use single-valued condition operators only with single-valued
 * condition keys").
 */
export const clauseMatches = (clause: ConditionClause, context: RequestContext): boolean => {
  const requestValue: ContextValue | undefined = context.get(clause.lowerCaseKey);
  if (clause.base === 'Null') {
    const wanted = requestValue === undefined ? 'true' : 'false';
    return clause.values.some((value) => value.raw.toLowerCase() === wanted);
  }
  if (requestValue === undefined) {
    if (clause.ifExists) return true;
    if (clause.set === 'ForAllValues') return true;
    if (clause.set === 'ForAnyValue') return false;
    return NEGATED.has(clause.base);
  }
  if (clause.set === undefined) {
    return typeof requestValue === 'string' && singleValueMatches(clause.base, requestValue, clause.values, context);
  }
  const requestValues: readonly string[] = typeof requestValue === 'string' ? [requestValue] : requestValue;
  if (clause.set === 'ForAllValues') {
    for (const value of requestValues) if (!singleValueMatches(clause.base, value, clause.values, context)) return false;
    return true;
  }
  for (const value of requestValues) if (singleValueMatches(clause.base, value, clause.values, context)) return true;
  return false;
};
