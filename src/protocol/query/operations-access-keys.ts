import type { ResultAsync } from 'neverthrow';
import type { AccessKeyMetadata } from '../../domain/access-key.js';
import type { CredentialEngine, IamError, RequestContext } from '../../index.js';
import { type XmlElement, xmlBoolean, xmlTimestamp } from './xml.js';

// The table's entry type and builder, restated here (operations.ts spreads this table into its own, so this module cannot import
// from it): structurally its `QueryOperation` and `MemberKind`.
type MemberKind = 'string' | 'integer' | 'boolean';

interface QueryOperation {
  readonly members: Readonly<Record<string, MemberKind>>;
  readonly memberList: readonly (readonly [string, MemberKind])[];
  readonly call: (engine: CredentialEngine, input: Record<string, unknown>, ctx: RequestContext) => ResultAsync<unknown, IamError>;
  readonly result: (value: unknown) => XmlElement | undefined;
}

const operation = <T>(
  members: Readonly<Record<string, MemberKind>>,
  call: (engine: CredentialEngine, input: Record<string, unknown>, ctx: RequestContext) => ResultAsync<T, IamError>,
  result: (value: T) => XmlElement | undefined,
): QueryOperation => ({ members, memberList: Object.entries(members), call, result: result as (value: unknown) => XmlElement | undefined });

/** The Query layer hands over what the client sent; the engine's validation reports what is wrong with it. */
const asRequest = (input: Record<string, unknown>): never => input as never;
const noResult = (): undefined => undefined;

/** Member order of the API reference's ListAccessKeys example. */
const accessKeyMetadataXml = (k: AccessKeyMetadata): XmlElement => ({
  UserName: k.UserName,
  AccessKeyId: k.AccessKeyId,
  Status: k.Status,
  CreateDate: xmlTimestamp(k.CreateDate),
});

/** The access-key actions, spread into the Query operations table. */
export const ACCESS_KEY_OPERATIONS: Readonly<Record<string, QueryOperation>> = {
  CreateAccessKey: operation(
    { UserName: 'string' },
    (engine, input, ctx) => engine.createAccessKey(asRequest(input), ctx),
    // Member order of the API reference's CreateAccessKey example.
    (out) => ({
      AccessKey: {
        UserName: out.AccessKey.UserName,
        AccessKeyId: out.AccessKey.AccessKeyId,
        Status: out.AccessKey.Status,
        SecretAccessKey: out.AccessKey.SecretAccessKey,
        CreateDate: xmlTimestamp(out.AccessKey.CreateDate),
      },
    }),
  ),
  ListAccessKeys: operation(
    { UserName: 'string', Marker: 'string', MaxItems: 'integer' },
    (engine, input, ctx) => engine.listAccessKeys(asRequest(input), ctx),
    (out) => ({
      AccessKeyMetadata: { member: out.AccessKeyMetadata.map(accessKeyMetadataXml) },
      IsTruncated: xmlBoolean(out.IsTruncated),
      Marker: out.Marker,
    }),
  ),
  UpdateAccessKey: operation(
    { UserName: 'string', AccessKeyId: 'string', Status: 'string' },
    (engine, input, ctx) => engine.updateAccessKey(asRequest(input), ctx),
    noResult,
  ),
  DeleteAccessKey: operation(
    { UserName: 'string', AccessKeyId: 'string' },
    (engine, input, ctx) => engine.deleteAccessKey(asRequest(input), ctx),
    noResult,
  ),
};
