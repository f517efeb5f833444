import { err, ok, type Result } from 'neverthrow';
import { malformedPolicyDocument, type IamError } from '../iam-error.js';
import { literalTemplate, parseTemplate } from './template.js';
import type {
  ActionBlock,
  ConditionClause,
  ConditionOperatorBase,
  PolicyDocument,
  PolicyStatement,
  PolicyVersion,
  ResourceBlock,
  SetQualifier,
  Template,
} from './types.js';

/**
 * IAM's checks of an identity-based policy document, in the order IAM applies them; only the first failing stage is reported,
 * each with IAM's fixed message:
 *  1. grammar: JSON, known elements, value types, Effect `Allow`/`Deny` in any case, known condition operators ("Syntax errors
 *     in policy.");
 *  2. `Version` 2012-10-17 ("Policy document must be version 2012-10-17 or greater.");
 *  3. no `Principal`/`NotPrincipal` in an identity-based policy;
 *  4. the legacy parser: Effect spelled exactly, date condition values, resource ARN shape ("The policy failed legacy parsing");
 *  5. unique statement ids; every statement has actions;
 *  6. the resource format (the last faulty resource's message);
 *  7. action vendor prefixes;
 *  8. every statement has resources.
 * The size limits depend on where the policy goes (inline, group, managed) and are checked by the policy operations.
 */
export interface ParsePolicyOptions {
  /**
   * Accept `Version` 2008-10-17 or no `Version`, where policy variables are literal text. IAM's policy operations refuse such
   * documents; an embedder evaluating older documents of its own may accept them.
   */
  readonly acceptLegacyVersion?: boolean;
}

const SYNTAX = 'Syntax errors in policy.';
const VERSION = 'Policy document must be version 2012-10-17 or greater.';
const PRINCIPAL = 'Policy document should not specify a principal.';
const LEGACY = 'The policy failed legacy parsing';
const SIDS = 'Statement IDs (SID) in a single policy must be unique.';
const ACTIONS = 'Policy statement must contain actions.';
const RESOURCES = 'Policy statement must contain resources.';
const VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const ONE_COLON = 'Actions/Condition can contain only one colon.';

const VARIABLE = /\$\{[^}]*\}/g;
const TOP_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const IAM_RESOURCE_TYPES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];
const OPERATOR_BASES: ReadonlySet<string> = new Set<ConditionOperatorBase>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
]);

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const has = (object: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** An operator's parts: an optional set qualifier, the base, an optional `IfExists`; undefined for an unknown operator. */
export const decodeOperator = (operator: string): { base: ConditionOperatorBase; set?: SetQualifier; ifExists: boolean } | undefined => {
  let rest = operator;
  let set: SetQualifier | undefined;
  if (rest.startsWith('ForAllValues:')) {
    set = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  } else if (rest.startsWith('ForAnyValue:')) {
    set = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  if (!OPERATOR_BASES.has(rest)) return undefined;
  const base = rest as ConditionOperatorBase;
  return set === undefined ? { base, ifExists } : { base, set, ifExists };
};

/** A string, or a list whose members are all strings (IAM skips `null` members of a list). */
const isStringOrStrings = (value: Json): boolean =>
  typeof value === 'string' || (Array.isArray(value) && (value as readonly Json[]).every((member) => member === null || typeof member === 'string'));

const stringsOf = (value: Json | undefined): readonly string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? (value as readonly Json[]).filter((member): member is string => typeof member === 'string')
      : [];

/** A condition's value: a string, number or boolean, or a list of those. */
const conditionValuesOf = (value: Json): readonly string[] | undefined => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (!Array.isArray(value)) return undefined;
  const values: string[] = [];
  for (const member of value as readonly Json[]) {
    if (typeof member === 'string' || typeof member === 'number' || typeof member === 'boolean') values.push(String(member));
    else return undefined;
  }
  return values;
};

const statementSyntaxIsValid = (statement: JsonObject): boolean => {
  for (const key of Object.keys(statement)) if (!STATEMENT_ELEMENTS.has(key)) return false;
  if (has(statement, 'Action') && has(statement, 'NotAction')) return false;
  if (has(statement, 'Resource') && has(statement, 'NotResource')) return false;
  const effect = statement['Effect'];
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) return false;
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    const value = statement[key];
    if (value !== undefined && !isStringOrStrings(value)) return false;
  }
  const sid = statement['Sid'];
  if (sid !== undefined && typeof sid !== 'string') return false;
  const condition = statement['Condition'];
  if (condition !== undefined) {
    if (!isObject(condition)) return false;
    for (const [operator, block] of Object.entries(condition)) {
      if (!isObject(block)) return false;
      for (const value of Object.values(block)) if (conditionValuesOf(value) === undefined) return false;
      if (decodeOperator(operator) === undefined) return false;
    }
  }
  return true;
};

const integerIn = (text: string, low: number, high: number): boolean => {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return false;
  const value = Number(trimmed);
  return value >= low && value <= high;
};

/** The legacy parser's reading of a date condition value: an ISO 8601 date-time, or non-negative epoch seconds. */
const legacyDateIsValid = (value: string): boolean => {
  const lower = value.toLowerCase();
  if (!lower.includes('t') && !value.includes('-')) return integerIn(value, 0, Number.MAX_SAFE_INTEGER);
  const tAt = lower.indexOf('t');
  let date = tAt < 0 ? lower : lower.slice(0, tAt);
  const clock = tAt < 0 ? '' : lower.slice(tAt + 1);
  const negative = date.startsWith('-');
  if (negative) date = date.slice(1);
  const dateParts = date.split('-');
  if (!integerIn((negative ? '-' : '') + (dateParts[0] ?? ''), -292275054, 292278993)) return false;
  if (dateParts.length > 3) return false;
  if (dateParts.length > 1 && !integerIn(dateParts[1] ?? '', 1, 12)) return false;
  if (dateParts.length > 2 && !integerIn(dateParts[2] ?? '', 1, 31)) return false;
  const timeParts = clock.split(':');
  if ((timeParts[0] ?? '') !== '' && !integerIn(timeParts[0] ?? '', 0, 23)) return false;
  if (timeParts.length > 1 && !integerIn(timeParts[1] ?? '', 0, 59)) return false;
  if (timeParts.length > 2) {
    let seconds = timeParts[2] ?? '';
    const zAt = seconds.indexOf('z');
    const plusAt = seconds.indexOf('+');
    if (zAt >= 0) {
      if (zAt !== seconds.length - 1) return false;
      seconds = seconds.slice(0, zAt);
    } else if (plusAt >= 0) {
      const zoneHours = seconds.slice(plusAt + 1);
      seconds = seconds.slice(0, plusAt);
      if (zoneHours.length !== 2 || !integerIn(zoneHours, 0, 23)) return false;
      // A zone written `+hh:mm` was split at its colon: its minutes are the fourth part.
      const zoneMinutes = timeParts[3];
      if (zoneMinutes !== undefined && (zoneMinutes.length !== 2 || !integerIn(zoneMinutes, 0, 59))) return false;
    }
    const dotAt = seconds.indexOf('.');
    if (!integerIn(dotAt < 0 ? seconds : seconds.slice(0, dotAt), 0, 59)) return false;
    if (dotAt >= 0 && !integerIn(seconds.slice(dotAt + 1), 0, 999999999)) return false;
  }
  return true;
};

const legacyResourceIsValid = (resource: string): boolean => {
  if (resource === '*' || resource === '') return true;
  const colons = resource.split(':').length - 1;
  if (colons < 5 && resource.includes('::')) return false;
  return (resource.split(':')[2] ?? '') !== '';
};

/** The message for a resource IAM cannot read as an ARN, or undefined when it can. */
const resourceFormatError = (resource: string): string | undefined => {
  if (resource === '*') return undefined;
  const firstColon = resource.indexOf(':');
  if (firstColon < 0) return `Resource ${resource} must be in ARN format or "*".`;
  const afterArn = resource.slice(firstColon + 1);
  const secondColon = afterArn.indexOf(':');
  const partition = secondColon < 0 ? afterArn : afterArn.slice(0, secondColon);
  const rest = secondColon < 0 ? '' : afterArn.slice(secondColon + 1);
  if (partition !== '*' && !PARTITIONS.has(partition)) {
    const remaining = rest.split(':');
    const at = (index: number): string => remaining[index] ?? '*';
    const service = remaining[0] === '' && remaining.length === 1 ? '*' : at(0);
    const resourceId = remaining.length > 3 ? remaining.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${service}:${at(1)}:${at(2)}:${resourceId}".`;
  }
  if (secondColon < 0) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const serviceEnd = rest.indexOf(':');
  const service = serviceEnd < 0 ? rest : rest.slice(0, serviceEnd);
  const afterService = serviceEnd < 0 ? '' : rest.slice(serviceEnd + 1);
  const regionEnd = afterService.indexOf(':');
  const afterRegion = regionEnd < 0 ? '' : afterService.slice(regionEnd + 1);
  const accountEnd = afterRegion.indexOf(':');
  const resourceId = accountEnd < 0 ? '' : afterRegion.slice(accountEnd + 1);
  if (service === 'iam') {
    if (!afterService.startsWith(':')) return `IAM resource ${resource} cannot contain region information.`;
    if (resourceId !== '*' && !IAM_RESOURCE_TYPES.some((type) => resourceId.startsWith(type)))
      return `IAM resource path must either be "*" or start with ${IAM_RESOURCE_TYPES.join(', ')}.`;
  }
  if (service === 's3' && !afterService.startsWith(':') && !resourceId.startsWith('accesspoint/'))
    return `Resource ${resource} can not contain region information.`;
  return undefined;
};

const actionPrefixError = (action: string): string | undefined => {
  const parts = action.split(':');
  if (parts.length === 1 && parts[0] !== '*') return VENDOR;
  if (parts.length > 2) return ONE_COLON;
  const vendor = parts[0] ?? '';
  if (vendor !== '*' && /[^a-zA-Z0-9.-]/.test(vendor)) return `Vendor ${vendor} is not valid`;
  return undefined;
};

const present = (statement: JsonObject, key: string, notKey: string): boolean => {
  const value = has(statement, key) ? statement[key] : statement[notKey];
  if (value === undefined) return false;
  return !Array.isArray(value) || value.length > 0;
};

const compileStatement = (statement: JsonObject, version: PolicyVersion): PolicyStatement => {
  const template = version === '2012-10-17' ? parseTemplate : literalTemplate;
  const actionNegated = !has(statement, 'Action');
  const actionPatterns = stringsOf(actionNegated ? statement['NotAction'] : statement['Action']);
  const action: ActionBlock = {
    negated: actionNegated,
    patterns: actionPatterns,
    lowerCasePatterns: actionPatterns.map((pattern) => pattern.toLowerCase()),
  };
  const resourceNegated = !has(statement, 'Resource');
  const resource: ResourceBlock = {
    negated: resourceNegated,
    patterns: stringsOf(resourceNegated ? statement['NotResource'] : statement['Resource']).map(template),
  };
  const conditions: ConditionClause[] = [];
  const condition = statement['Condition'];
  if (isObject(condition)) {
    for (const [operator, block] of Object.entries(condition)) {
      const decoded = decodeOperator(operator);
      if (decoded === undefined || !isObject(block)) continue;
      for (const [key, value] of Object.entries(block)) {
        const values: readonly Template[] = (conditionValuesOf(value) ?? []).map(template);
        conditions.push({ operator, ...decoded, key, lowerCaseKey: key.toLowerCase(), values });
      }
    }
  }
  const sid = statement['Sid'];
  const effect = statement['Effect'] === 'Deny' ? 'Deny' : 'Allow';
  return typeof sid === 'string' && sid !== '' ? { sid, effect, action, resource, conditions } : { effect, action, resource, conditions };
};

/**
 * Reads a policy document as IAM does, or answers IAM's `MalformedPolicyDocument` for the first fault found. The result is what a
 * store keeps and what `evaluatePolicies` reads; parsing again for each request is never needed.
 */
export const parsePolicyDocument = (text: string, options: ParsePolicyOptions = {}): Result<PolicyDocument, IamError> => {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    return err(malformedPolicyDocument(SYNTAX));
  }
  if (!isObject(json)) return err(malformedPolicyDocument(SYNTAX));
  for (const key of Object.keys(json)) if (!TOP_ELEMENTS.has(key)) return err(malformedPolicyDocument(SYNTAX));
  const version = json['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') return err(malformedPolicyDocument(SYNTAX));
  const id = json['Id'];
  if (id !== undefined && typeof id !== 'string') return err(malformedPolicyDocument(SYNTAX));
  const statementElement = json['Statement'];
  const statements: readonly Json[] = isObject(statementElement)
    ? [statementElement]
    : Array.isArray(statementElement)
      ? (statementElement as readonly Json[])
      : [];
  if (statements.length === 0) return err(malformedPolicyDocument(SYNTAX));
  const objects: JsonObject[] = [];
  for (const statement of statements) {
    if (!isObject(statement) || !statementSyntaxIsValid(statement)) return err(malformedPolicyDocument(SYNTAX));
    objects.push(statement);
  }

  if (version !== '2012-10-17' && options.acceptLegacyVersion !== true) return err(malformedPolicyDocument(VERSION));
  if (objects.some((statement) => has(statement, 'Principal') || has(statement, 'NotPrincipal'))) return err(malformedPolicyDocument(PRINCIPAL));

  let resourceError: string | undefined;
  for (const statement of objects) {
    if (statement['Effect'] !== 'Allow' && statement['Effect'] !== 'Deny') return err(malformedPolicyDocument(LEGACY));
    const condition = statement['Condition'];
    if (isObject(condition)) {
      for (const [operator, block] of Object.entries(condition)) {
        if (!(decodeOperator(operator)?.base.startsWith('Date') ?? false) || !isObject(block)) continue;
        for (const value of Object.values(block)) {
          if (!(conditionValuesOf(value) ?? []).every(legacyDateIsValid)) return err(malformedPolicyDocument(LEGACY));
        }
      }
    }
  }
  // A policy variable stands for a value not known yet, like a wildcard; its own colons (`${aws:username}`) are not the ARN's.
  const shapeOf = version === '2012-10-17' ? (resource: string) => resource.replace(VARIABLE, '*') : (resource: string) => resource;
  for (const key of ['Resource', 'NotResource']) {
    for (const statement of objects) {
      if (!has(statement, key)) continue;
      const shapes = stringsOf(statement[key]).map(shapeOf);
      // IAM reports the last faulty resource of a list, reading the list in reverse order of its sorted members.
      const resources = shapes.filter((resource) => resource !== '').sort().reverse();
      for (const resource of resources) resourceError = resourceFormatError(resource) ?? resourceError;
      if (resourceError === undefined && !shapes.every(legacyResourceIsValid)) return err(malformedPolicyDocument(LEGACY));
    }
  }

  const sids = new Set<string>();
  for (const statement of objects) {
    const sid = statement['Sid'];
    if (typeof sid === 'string' && sid !== '') {
      if (sids.has(sid)) return err(malformedPolicyDocument(SIDS));
      sids.add(sid);
    }
  }
  if (!objects.every((statement) => present(statement, 'Action', 'NotAction'))) return err(malformedPolicyDocument(ACTIONS));
  if (resourceError !== undefined) return err(malformedPolicyDocument(resourceError));
  for (const key of ['Action', 'NotAction']) {
    for (const statement of objects) {
      for (const action of stringsOf(statement[key])) {
        const prefixError = actionPrefixError(action);
        if (prefixError !== undefined) return err(malformedPolicyDocument(prefixError));
      }
    }
  }
  if (!objects.every((statement) => present(statement, 'Resource', 'NotResource'))) return err(malformedPolicyDocument(RESOURCES));

  const effectiveVersion: PolicyVersion = version === '2012-10-17' ? '2012-10-17' : '2008-10-17';
  const compiled = objects.map((statement) => compileStatement(statement, effectiveVersion));
  return ok(typeof id === 'string' ? { version: effectiveVersion, id, statements: compiled } : { version: effectiveVersion, statements: compiled });
};
