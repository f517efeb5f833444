import type { Principal } from '../../domain/policy/types.js';
import { accessKeyIdOf } from './access-key.js';
import type { QueryHeaders } from './handle-query-request.js';

/** Who a request signed with a given access key id acts as. */
export interface AccountMapping {
  readonly accountId: string;
  /** The IAM user the key belongs to: the default subject where UserName may be omitted. Absent = a non-user caller. */
  readonly userName?: string;
}

/** Access key id -> account, as a Map or a plain record. */
export type AccountMap = ReadonlyMap<string, AccountMapping> | Readonly<Record<string, AccountMapping>>;

/** The mapping of one access key id, if the map has it (own properties only, for a record). */
const findAccountMapping = (map: AccountMap | undefined, accessKeyId: string | undefined): AccountMapping | undefined => {
  if (map === undefined || accessKeyId === undefined) return undefined;
  if (map instanceof Map) return map.get(accessKeyId);
  const record = map as Readonly<Record<string, AccountMapping>>;
  return Object.hasOwn(record, accessKeyId) ? record[accessKeyId] : undefined;
};

/** Who a request acts as: an account (undefined: the engine's default) and, when the key belongs to one, the calling IAM user. */
export interface RequestIdentity {
  readonly accountId: string | undefined;
  readonly callerUserName: string | undefined;
  /** Who is calling, when the key says: an account's root (a key mapped to an account alone) or an IAM user. */
  readonly principal?: Principal | undefined;
}

/** The account (and calling user) of an access key id: its mapping, else `defaultAccountId`. */
export const keyIdentity = (map: AccountMap | undefined, defaultAccountId: string | undefined, accessKeyId: string | undefined): RequestIdentity => {
  const mapping = findAccountMapping(map, accessKeyId);
  if (mapping === undefined) return { accountId: defaultAccountId, callerUserName: undefined };
  const { accountId, userName } = mapping;
  const principal: Principal =
    userName === undefined
      ? { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root` }
      : { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/${userName}`, userName };
  return { accountId, callerUserName: userName, principal };
};

/**
 * The account (and calling user) a request acts as: the mapping of the access key id its signature names, else `defaultAccountId`.
 * Without a map the access key id is not even looked for. Signatures are not checked here.
 */
export const requestIdentity = (
  map: AccountMap | undefined,
  defaultAccountId: string | undefined,
  headers: QueryHeaders | undefined,
  queryString: string,
): RequestIdentity => keyIdentity(map, defaultAccountId, map === undefined ? undefined : accessKeyIdOf(headers, queryString));
