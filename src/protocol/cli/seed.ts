import { err, ok, type Result } from 'neverthrow';
import { isAccountId } from '../../domain/account.js';
import { formatApiKey, parseApiKey } from '../../domain/api-key.js';
import type { CredentialEngine, IamError, RandomSource } from '../../index.js';
import { defaultServiceCatalogue } from '../../index.js';

/**
 * Fixtures created before the endpoint listens (`--seed <file.json>`, `startIamEndpoint({ seed })`), through the engine, so every rule
 * applies. The format (docs/testing-with-iam-service-credentials.md):
 *
 * { "accounts": { "123456789012": { "users": [ { "UserName": "alice", "Path": "/",
 *     "accessKeys": [ { "AccessKeyId": "AKIA…", "SecretAccessKey": "<40 characters>", "Status": "Active" } ], "credentials": [
 *     { "ServiceName": "codecommit.amazonaws.com", "ServicePassword": "<base64 of 32 bytes>" },
 *     { "ServiceName": "bedrock.amazonaws.com", "CredentialAgeDays": 30, "ServiceCredentialSecret": "ABSK…" },
 *     { "ServiceName": "cassandra.amazonaws.com", "Status": "Inactive" } ] } ] } } }
 */
export interface SeedDocument {
  readonly accounts: Readonly<Record<string, SeedAccount>>;
}

export interface SeedAccount {
  readonly users: readonly SeedUser[];
  /** Customer managed policies, created before the groups and users that attach them. */
  readonly policies?: readonly SeedManagedPolicy[];
  /** Groups, created before the users that join them. */
  readonly groups?: readonly SeedGroup[];
}

export interface SeedUser {
  readonly UserName: string;
  readonly Path?: string;
  readonly credentials?: readonly SeedCredential[];
  readonly accessKeys?: readonly SeedAccessKey[];
  /** Inline policies: name -> document (a JSON object, or its text). */
  readonly policies?: Readonly<Record<string, string>>;
  /** ARNs of managed policies to attach (`arn:aws:iam::aws:policy/…` or the account's own). */
  readonly attachedPolicies?: readonly string[];
  /** Names of the account's seeded groups the user joins. */
  readonly groups?: readonly string[];
}

export interface SeedManagedPolicy {
  readonly PolicyName: string;
  readonly Path?: string;
  readonly Description?: string;
  readonly PolicyDocument: string;
}

export interface SeedGroup {
  readonly GroupName: string;
  readonly Path?: string;
  readonly policies?: Readonly<Record<string, string>>;
  readonly attachedPolicies?: readonly string[];
}

/**
 * A user's access key with its id and secret fixed (a test signs requests with them): `AKIA` + 16 of [A-Z0-9], and 40 characters
 * of [A-Za-z0-9+/] (standard base64 of 30 bytes, as this endpoint issues them). Status Active unless given.
 */
export interface SeedAccessKey {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly Status?: 'Active' | 'Inactive';
}

export interface SeedCredential {
  readonly ServiceName: string;
  /** A password service's fixed password: standard base64 of 32 bytes (44 characters), as the service generates them. */
  readonly ServicePassword?: string;
  /** An API-key service's fixed key: the prefix, then base64 of `alias:secret`, the alias being the one this credential gets. */
  readonly ServiceCredentialSecret?: string;
  readonly CredentialAgeDays?: number;
  readonly Status?: 'Active' | 'Inactive';
}

/** One credential the seed created. `generated`: its secret was drawn at random (and is shown once, in the startup table). */
export interface SeededCredential {
  readonly accountId: string;
  readonly userName: string;
  readonly serviceName: string;
  readonly serviceSpecificCredentialId: string;
  /** The ServiceUserName of a password credential, the alias of an API key. */
  readonly serviceUserName: string;
  /** The ServicePassword or the whole API key. */
  readonly secret: string;
  readonly generated: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const unknownKeys = (value: Record<string, unknown>, allowed: readonly string[]): string[] => Object.keys(value).filter((key) => !allowed.includes(key));

/** Standard base64 of exactly `size` bytes, in its one canonical spelling (padding included, unused bits zero). */
const canonicalBase64Bytes = (text: string, size: number): Uint8Array | undefined => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === size && bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
};

/** The sizes domain/secrets.ts draws: a password is base64 of 32 random bytes, an API key's inner secret base64 of 44. */
const PASSWORD_BYTES = 32;
const API_KEY_SECRET_BYTES = 44;

/** A fixed secret: the random bytes that make it (a password's 32, an API key's inner 44), and an API key's alias. */
interface FixedSecret {
  readonly bytes: Uint8Array;
  readonly alias?: string;
}

const fixedSecret = (credential: SeedCredential): Result<FixedSecret | undefined, string> => {
  if (credential.ServicePassword !== undefined) {
    const bytes = canonicalBase64Bytes(credential.ServicePassword, PASSWORD_BYTES);
    return bytes === undefined ? err('ServicePassword must be standard base64 of 32 bytes (44 characters ending in "=")') : ok({ bytes });
  }
  const key = credential.ServiceCredentialSecret;
  if (key !== undefined) {
    const service = Object.hasOwn(defaultServiceCatalogue, credential.ServiceName) ? defaultServiceCatalogue[credential.ServiceName] : undefined;
    if (service?.kind !== 'api-key') return err(`ServiceCredentialSecret is only for API-key services; ${credential.ServiceName} is not one`);
    const parsed = parseApiKey(service.secretPrefix, key);
    const bytes = parsed.isErr() ? undefined : canonicalBase64Bytes(parsed.value.secret, API_KEY_SECRET_BYTES);
    if (parsed.isErr() || bytes === undefined || formatApiKey(service.secretPrefix, parsed.value.alias, parsed.value.secret) !== key) {
      return err(`ServiceCredentialSecret must be ${service.secretPrefix} + standard base64 of "<alias>:<standard base64 of 44 bytes>"`);
    }
    return ok({ bytes, alias: parsed.value.alias });
  }
  return ok(undefined);
};

const parseCredential = (value: unknown, where: string): Result<SeedCredential, string> => {
  if (!isRecord(value)) return err(`${where}: expected an object`);
  const extra = unknownKeys(value, ['ServiceName', 'ServicePassword', 'ServiceCredentialSecret', 'CredentialAgeDays', 'Status']);
  if (extra.length > 0) return err(`${where}: unknown field(s) ${extra.join(', ')}`);
  const { ServiceName, ServicePassword, ServiceCredentialSecret, CredentialAgeDays, Status } = value;
  if (typeof ServiceName !== 'string') return err(`${where}: ServiceName must be a string`);
  if (ServicePassword !== undefined && typeof ServicePassword !== 'string') return err(`${where}: ServicePassword must be a string`);
  if (ServiceCredentialSecret !== undefined && typeof ServiceCredentialSecret !== 'string') {
    return err(`${where}: ServiceCredentialSecret must be a string`);
  }
  if (ServicePassword !== undefined && ServiceCredentialSecret !== undefined) {
    return err(`${where}: give ServicePassword or ServiceCredentialSecret, not both`);
  }
  if (CredentialAgeDays !== undefined && !Number.isSafeInteger(CredentialAgeDays)) return err(`${where}: CredentialAgeDays must be an integer`);
  if (Status !== undefined && Status !== 'Active' && Status !== 'Inactive') return err(`${where}: Status must be Active or Inactive`);
  const credential = {
    ServiceName,
    ...(ServicePassword === undefined ? {} : { ServicePassword }),
    ...(ServiceCredentialSecret === undefined ? {} : { ServiceCredentialSecret }),
    ...(CredentialAgeDays === undefined ? {} : { CredentialAgeDays: CredentialAgeDays as number }),
    ...(Status === undefined ? {} : { Status }),
  } as SeedCredential;
  return fixedSecret(credential).map(() => credential).mapErr((message) => `${where}: ${message}`);
};

/** A policy document as a seed gives it: a JSON object (written compactly) or its text. */
const documentText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : isRecord(value) ? JSON.stringify(value) : undefined;

/** `policies` (name -> document) and `attachedPolicies` (ARNs) of a user or group. */
const parsePolicyFields = (
  value: Record<string, unknown>,
  where: string,
): Result<{ policies?: Record<string, string>; attachedPolicies?: string[] }, string> => {
  const { policies, attachedPolicies } = value;
  const fields: { policies?: Record<string, string>; attachedPolicies?: string[] } = {};
  if (policies !== undefined) {
    if (!isRecord(policies)) return err(`${where}: policies must be an object of policy name -> document`);
    const documents: Record<string, string> = {};
    for (const [name, document] of Object.entries(policies)) {
      const text = documentText(document);
      if (text === undefined) return err(`${where}.policies.${name}: a policy document is a JSON object or its text`);
      documents[name] = text;
    }
    fields.policies = documents;
  }
  if (attachedPolicies !== undefined) {
    if (!Array.isArray(attachedPolicies) || !attachedPolicies.every((arn) => typeof arn === 'string')) {
      return err(`${where}: attachedPolicies must be an array of policy ARNs`);
    }
    fields.attachedPolicies = attachedPolicies as string[];
  }
  return ok(fields);
};

const parseManagedPolicy = (value: unknown, where: string): Result<SeedManagedPolicy, string> => {
  if (!isRecord(value)) return err(`${where}: expected an object`);
  const extra = unknownKeys(value, ['PolicyName', 'Path', 'Description', 'PolicyDocument']);
  if (extra.length > 0) return err(`${where}: unknown field(s) ${extra.join(', ')}`);
  const { PolicyName, Path, Description, PolicyDocument } = value;
  if (typeof PolicyName !== 'string') return err(`${where}: PolicyName must be a string`);
  if (Path !== undefined && typeof Path !== 'string') return err(`${where}: Path must be a string`);
  if (Description !== undefined && typeof Description !== 'string') return err(`${where}: Description must be a string`);
  const document = documentText(PolicyDocument);
  if (document === undefined) return err(`${where}: PolicyDocument must be a JSON object or its text`);
  return ok({
    PolicyName,
    ...(Path === undefined ? {} : { Path }),
    ...(Description === undefined ? {} : { Description }),
    PolicyDocument: document,
  });
};

const parseGroup = (value: unknown, where: string): Result<SeedGroup, string> => {
  if (!isRecord(value)) return err(`${where}: expected an object`);
  const extra = unknownKeys(value, ['GroupName', 'Path', 'policies', 'attachedPolicies']);
  if (extra.length > 0) return err(`${where}: unknown field(s) ${extra.join(', ')}`);
  const { GroupName, Path } = value;
  if (typeof GroupName !== 'string') return err(`${where}: GroupName must be a string`);
  if (Path !== undefined && typeof Path !== 'string') return err(`${where}: Path must be a string`);
  return parsePolicyFields(value, where).map((fields) => ({ GroupName, ...(Path === undefined ? {} : { Path }), ...fields }));
};

const parseList = <T>(value: unknown, where: string, parse: (item: unknown, where: string) => Result<T, string>): Result<T[], string> => {
  if (!Array.isArray(value)) return err(`${where}: expected an array`);
  const items: T[] = [];
  for (const [index, item] of value.entries()) {
    const one = parse(item, `${where}[${index}]`);
    if (one.isErr()) return err(one.error);
    items.push(one.value);
  }
  return ok(items);
};

const parseUser = (value: unknown, where: string): Result<SeedUser, string> => {
  if (!isRecord(value)) return err(`${where}: expected an object`);
  const extra = unknownKeys(value, ['UserName', 'Path', 'credentials', 'accessKeys', 'policies', 'attachedPolicies', 'groups']);
  if (extra.length > 0) return err(`${where}: unknown field(s) ${extra.join(', ')}`);
  const { UserName, Path, credentials, accessKeys } = value;
  if (typeof UserName !== 'string') return err(`${where}: UserName must be a string`);
  if (Path !== undefined && typeof Path !== 'string') return err(`${where}: Path must be a string`);
  if (credentials !== undefined && !Array.isArray(credentials)) return err(`${where}: credentials must be an array`);
  const parsed: SeedCredential[] = [];
  for (const [index, credential] of (credentials ?? []).entries()) {
    const one = parseCredential(credential, `${where}.credentials[${index}]`);
    if (one.isErr()) return err(one.error);
    parsed.push(one.value);
  }
  if (accessKeys !== undefined && !Array.isArray(accessKeys)) return err(`${where}: accessKeys must be an array`);
  const keys: SeedAccessKey[] = [];
  for (const [index, key] of (accessKeys ?? []).entries()) {
    const one = parseAccessKey(key, `${where}.accessKeys[${index}]`);
    if (one.isErr()) return err(one.error);
    keys.push(one.value);
  }
  const policyFields = parsePolicyFields(value, where);
  if (policyFields.isErr()) return err(policyFields.error);
  const { groups } = value;
  if (groups !== undefined && (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string'))) {
    return err(`${where}: groups must be an array of group names`);
  }
  return ok({
    UserName,
    ...(Path === undefined ? {} : { Path }),
    credentials: parsed,
    ...policyFields.value,
    ...(groups === undefined ? {} : { groups: groups as string[] }),
    ...(keys.length === 0 ? {} : { accessKeys: keys }),
  });
};

const SEED_ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const SEED_SECRET_ACCESS_KEY = /^[A-Za-z0-9+/]{40}$/;
const ACCESS_KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const parseAccessKey = (value: unknown, where: string): Result<SeedAccessKey, string> => {
  if (!isRecord(value)) return err(`${where}: expected an object`);
  const extra = unknownKeys(value, ['AccessKeyId', 'SecretAccessKey', 'Status']);
  if (extra.length > 0) return err(`${where}: unknown field(s) ${extra.join(', ')}`);
  const { AccessKeyId, SecretAccessKey, Status } = value;
  if (typeof AccessKeyId !== 'string' || !SEED_ACCESS_KEY_ID.test(AccessKeyId)) return err(`${where}: AccessKeyId must be AKIA and 16 of [A-Z0-9]`);
  // The secret is never echoed in a message.
  if (typeof SecretAccessKey !== 'string' || !SEED_SECRET_ACCESS_KEY.test(SecretAccessKey)) {
    return err(`${where}: SecretAccessKey must be 40 characters of [A-Za-z0-9+/]`);
  }
  if (Status !== undefined && Status !== 'Active' && Status !== 'Inactive') return err(`${where}: Status must be Active or Inactive`);
  return ok({ AccessKeyId, SecretAccessKey, ...(Status === undefined ? {} : { Status }) });
};

/**
 * The random draws CreateAccessKey makes, in its order, that give exactly this key: the secret's 30 bytes (its base64), then a
 * round of the id's draw whose first 16 bytes are its characters' places in the alphabet (every one usable, so they are taken in order).
 */
const accessKeyDraws = (key: SeedAccessKey): Uint8Array[] => {
  const idBytes = new Uint8Array(32);
  for (let index = 0; index < 16; index += 1) idBytes[index] = ACCESS_KEY_ID_ALPHABET.indexOf(key.AccessKeyId.charAt(4 + index));
  return [new Uint8Array(Buffer.from(key.SecretAccessKey, 'base64')), idBytes];
};

/** Checks the shape of a seed document (what the engine cannot: field names, types, the format of fixed secrets). */
export const parseSeedDocument = (json: unknown): Result<SeedDocument, string> => {
  if (!isRecord(json)) return err('expected a JSON object {"accounts": {...}}');
  const extra = unknownKeys(json, ['accounts']);
  if (extra.length > 0) return err(`unknown field(s) ${extra.join(', ')}`);
  if (!isRecord(json['accounts'])) return err('"accounts" must be an object of account id -> {"users": [...]}');
  const accounts: Record<string, SeedAccount> = {};
  for (const [accountId, account] of Object.entries(json['accounts'])) {
    const where = `accounts.${accountId}`;
    if (!isAccountId(accountId)) return err(`${where}: an account id is 12 digits`);
    if (!isRecord(account) || !Array.isArray(account['users']) || unknownKeys(account, ['users', 'policies', 'groups']).length > 0) {
      return err(`${where}: expected {"users": [...]} (with "policies" and "groups" if any)`);
    }
    const policies = account['policies'] === undefined ? ok(undefined) : parseList(account['policies'], `${where}.policies`, parseManagedPolicy);
    if (policies.isErr()) return err(policies.error);
    const groups = account['groups'] === undefined ? ok(undefined) : parseList(account['groups'], `${where}.groups`, parseGroup);
    if (groups.isErr()) return err(groups.error);
    const users: SeedUser[] = [];
    for (const [index, user] of (account['users'] as unknown[]).entries()) {
      const one = parseUser(user, `${where}.users[${index}]`);
      if (one.isErr()) return err(one.error);
      users.push(one.value);
    }
    accounts[accountId] = {
      users,
      ...(policies.value === undefined ? {} : { policies: policies.value }),
      ...(groups.value === undefined ? {} : { groups: groups.value }),
    };
  }
  return ok({ accounts });
};

/**
 * The engine's random source while seeding: the bytes of the next fixed secret are handed out once, to the first draw of their size
 * (a secret's size: ids draw another); everything else comes from `fallback`. Checked after each Create: the answer must show exactly
 * the fixed secret, so a mismatch can never pass silently.
 */
export class SeedingRandom implements RandomSource {
  /** Handed out in order, each to the first draw of its size once the ones before it are gone. */
  private primed: Uint8Array[] = [];

  constructor(private readonly fallback: RandomSource) {}

  prime(bytes: Uint8Array | undefined): void {
    this.primed = bytes === undefined ? [] : [bytes];
  }

  /** Several draws in a row (an access key's secret, then its id). */
  primeAll(draws: readonly Uint8Array[]): void {
    this.primed = [...draws];
  }

  bytes(size: number): Uint8Array {
    const primed = this.primed[0];
    if (primed !== undefined && primed.length === size) {
      this.primed.shift();
      return primed.slice();
    }
    return this.fallback.bytes(size);
  }
}

/**
 * Creates the seed's users and credentials through the engine, in file order. Stops at the first failure with the engine's error and
 * the entry that caused it (e.g. `accounts.123456789012.users[0] (alice).credentials[2]: LimitExceeded: …`).
 */
export const applySeed = async (
  engine: CredentialEngine,
  seed: SeedDocument,
  random: SeedingRandom,
): Promise<Result<SeededCredential[], string>> => {
  const seeded: SeededCredential[] = [];
  for (const [accountId, account] of Object.entries(seed.accounts)) {
    const ctx = { accountId };
    const policiesAndGroups = await applyPoliciesAndGroups(engine, accountId, account);
    if (policiesAndGroups.isErr()) return err(policiesAndGroups.error);
    for (const [userIndex, user] of account.users.entries()) {
      const userWhere = `accounts.${accountId}.users[${userIndex}] (${user.UserName})`;
      const created = await engine.createUser({ UserName: user.UserName, ...(user.Path === undefined ? {} : { Path: user.Path }) }, ctx);
      if (created.isErr()) return err(`${userWhere}: ${created.error.code}: ${created.error.message}`);
      for (const [index, credential] of (user.credentials ?? []).entries()) {
        const where = `${userWhere}.credentials[${index}] (${credential.ServiceName})`;
        const fixed = fixedSecret(credential);
        if (fixed.isErr()) return err(`${where}: ${fixed.error}`);
        random.prime(fixed.value?.bytes);
        const outcome = await engine.createServiceSpecificCredential(
          {
            UserName: created.value.User.UserName,
            ServiceName: credential.ServiceName,
            ...(credential.CredentialAgeDays === undefined ? {} : { CredentialAgeDays: credential.CredentialAgeDays }),
          },
          ctx,
        );
        random.prime(undefined);
        if (outcome.isErr()) return err(`${where}: ${outcome.error.code}: ${outcome.error.message}`);
        const made = outcome.value.ServiceSpecificCredential;
        const secret = made.ServicePassword ?? made.ServiceCredentialSecret ?? '';
        const name = made.ServiceUserName ?? made.ServiceCredentialAlias ?? '';
        const wanted = credential.ServicePassword ?? credential.ServiceCredentialSecret;
        if (wanted !== undefined && wanted !== secret) {
          const alias = fixed.value?.alias;
          return err(
            credential.ServicePassword !== undefined && made.ServicePassword === undefined
              ? `${where}: ServicePassword is only for password services; ${credential.ServiceName} issues API keys`
              : alias !== undefined && alias !== name
                ? `${where}: the alias in ServiceCredentialSecret is ${JSON.stringify(alias)}, but this credential gets ${JSON.stringify(name)}`
                : `${where}: the fixed secret could not be given to this credential`,
          );
        }
        if (credential.Status === 'Inactive') {
          const updated = await engine.updateServiceSpecificCredential(
            { UserName: made.UserName, ServiceSpecificCredentialId: made.ServiceSpecificCredentialId, Status: 'Inactive' },
            ctx,
          );
          if (updated.isErr()) return err(`${where}: ${updated.error.code}: ${updated.error.message}`);
        }
        seeded.push({
          accountId,
          userName: made.UserName,
          serviceName: made.ServiceName,
          serviceSpecificCredentialId: made.ServiceSpecificCredentialId,
          serviceUserName: name,
          secret,
          generated: wanted === undefined,
        });
      }
      const keys = await createSeedAccessKeys(engine, user, created.value.User.UserName, ctx, random, userWhere);
      if (keys.isErr()) return err(keys.error);
      const holdings = await applyUserHoldings(engine, ctx, created.value.User.UserName, user, userWhere);
      if (holdings.isErr()) return err(holdings.error);
    }
  }
  return ok(seeded);
};

/** Creates a seeded user's access keys through the engine, each with its fixed id and secret (checked in the answer). */
const createSeedAccessKeys = async (
  engine: CredentialEngine,
  user: SeedUser,
  userName: string,
  ctx: { readonly accountId: string },
  random: SeedingRandom,
  userWhere: string,
): Promise<Result<void, string>> => {
  for (const [index, key] of (user.accessKeys ?? []).entries()) {
    const where = `${userWhere}.accessKeys[${index}] (${key.AccessKeyId})`;
    random.primeAll(accessKeyDraws(key));
    const outcome = await engine.createAccessKey({ UserName: userName }, ctx);
    random.prime(undefined);
    if (outcome.isErr()) return err(`${where}: ${outcome.error.code}: ${outcome.error.message}`);
    const made = outcome.value.AccessKey;
    if (made.AccessKeyId !== key.AccessKeyId || made.SecretAccessKey !== key.SecretAccessKey) {
      // Another key already has this id (in this or another account): the engine drew another.
      await engine.deleteAccessKey({ UserName: userName, AccessKeyId: made.AccessKeyId }, ctx);
      return err(`${where}: this AccessKeyId is already taken`);
    }
    if (key.Status === 'Inactive') {
      const updated = await engine.updateAccessKey({ UserName: userName, AccessKeyId: made.AccessKeyId, Status: 'Inactive' }, ctx);
      if (updated.isErr()) return err(`${where}: ${updated.error.code}: ${updated.error.message}`);
    }
  }
  return ok(undefined);
};

/** An engine call's failure as a seed error at `where`. */
const failureOf = (where: string, outcome: Result<unknown, IamError>): Result<void, string> =>
  outcome.isErr() ? err(`${where}: ${outcome.error.code}: ${outcome.error.message}`) : ok(undefined);

/** The account's customer managed policies, then its groups with their inline and attached policies. */
const applyPoliciesAndGroups = async (engine: CredentialEngine, accountId: string, account: SeedAccount): Promise<Result<void, string>> => {
  const ctx = { accountId };
  for (const [index, policy] of (account.policies ?? []).entries()) {
    const created = await engine.createPolicy(policy, ctx);
    const failed = failureOf(`accounts.${accountId}.policies[${index}] (${policy.PolicyName})`, created);
    if (failed.isErr()) return failed;
  }
  for (const [index, group] of (account.groups ?? []).entries()) {
    const where = `accounts.${accountId}.groups[${index}] (${group.GroupName})`;
    const created = await engine.createGroup({ GroupName: group.GroupName, ...(group.Path === undefined ? {} : { Path: group.Path }) }, ctx);
    const failed = failureOf(where, created);
    if (failed.isErr()) return failed;
    for (const [policyName, document] of Object.entries(group.policies ?? {})) {
      const put = failureOf(`${where}.policies.${policyName}`, await engine.putGroupPolicy({ GroupName: group.GroupName, PolicyName: policyName, PolicyDocument: document }, ctx));
      if (put.isErr()) return put;
    }
    for (const policyArn of group.attachedPolicies ?? []) {
      const attached = failureOf(`${where}.attachedPolicies (${policyArn})`, await engine.attachGroupPolicy({ GroupName: group.GroupName, PolicyArn: policyArn }, ctx));
      if (attached.isErr()) return attached;
    }
  }
  return ok(undefined);
};

/** A seeded user's inline policies, attached policies and groups. */
const applyUserHoldings = async (
  engine: CredentialEngine,
  ctx: { readonly accountId: string },
  userName: string,
  user: SeedUser,
  where: string,
): Promise<Result<void, string>> => {
  for (const [policyName, document] of Object.entries(user.policies ?? {})) {
    const put = failureOf(`${where}.policies.${policyName}`, await engine.putUserPolicy({ UserName: userName, PolicyName: policyName, PolicyDocument: document }, ctx));
    if (put.isErr()) return put;
  }
  for (const policyArn of user.attachedPolicies ?? []) {
    const attached = failureOf(`${where}.attachedPolicies (${policyArn})`, await engine.attachUserPolicy({ UserName: userName, PolicyArn: policyArn }, ctx));
    if (attached.isErr()) return attached;
  }
  for (const groupName of user.groups ?? []) {
    const added = failureOf(`${where}.groups (${groupName})`, await engine.addUserToGroup({ GroupName: groupName, UserName: userName }, ctx));
    if (added.isErr()) return added;
  }
  return ok(undefined);
};

/** The startup table: seeded credentials whose secret was generated (the only place such a secret appears outside an API answer). */
export const generatedSecretsTable = (seeded: readonly SeededCredential[]): string[] => {
  const rows = seeded
    .filter((credential) => credential.generated)
    .map((credential) => [credential.accountId, credential.userName, credential.serviceName, credential.serviceUserName, credential.serviceSpecificCredentialId, credential.secret]);
  if (rows.length === 0) return [];
  const header = ['ACCOUNT', 'USER', 'SERVICE', 'SERVICE USER NAME / ALIAS', 'CREDENTIAL ID', 'SECRET (shown once)'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd();
  return ['seeded credentials with generated secrets:', line(header), ...rows.map(line)];
};
