import type { ResultAsync } from 'neverthrow';
import type { CredentialEngine, IamError, ServiceSpecificCredentialMetadata, User } from '../../index.js';
import type { ActivityLog, DecisionActivity, LoginActivity } from './activity.js';

/** At most this many users and credentials of one account are shown; more are counted as truncated, never fetched. */
export const MAX_USERS_PER_ACCOUNT = 1000;
export const MAX_CREDENTIALS_PER_ACCOUNT = 5000;
const PAGE = 1000;

/** A credential as the page shows it: metadata only (the engine never lists a secret), and its state at `GeneratedAt`. */
export interface CredentialView {
  readonly ServiceName: string;
  readonly ServiceUserName?: string;
  readonly ServiceCredentialAlias?: string;
  readonly ServiceSpecificCredentialId: string;
  readonly Status: string;
  readonly CreateDate: string;
  readonly ExpirationDate?: string;
  /** Whole seconds until ExpirationDate (negative once expired); absent for credentials that never expire. */
  readonly SecondsLeft?: number;
  /** The ServiceUserName without its `+N` suffix: the credentials a user holds for one service share it. */
  readonly Family?: string;
}

/** A policy whose document the page can show: inline (`Kind: inline`) or a managed policy attached (`Kind: managed`, with its ARN). */
export interface PolicyView {
  readonly Kind: 'inline' | 'managed';
  readonly PolicyName: string;
  readonly PolicyArn?: string;
  /** The document as JSON text (decoded: IAM's Get operations answer it URL-encoded); absent if it could not be read. */
  readonly Document?: string;
}

/** An access key as the page shows it: its id and status, never its secret (which the engine never lists). */
export interface AccessKeyView {
  readonly AccessKeyId: string;
  readonly Status: string;
  readonly CreateDate: string;
}

export interface UserView {
  readonly UserName: string;
  readonly UserId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate: string;
  readonly ServiceSpecificCredentials: readonly CredentialView[];
  readonly AccessKeys: readonly AccessKeyView[];
  readonly Groups: readonly string[];
  readonly Policies: readonly PolicyView[];
}

export interface GroupView {
  readonly GroupName: string;
  readonly GroupId: string;
  readonly Arn: string;
  readonly Policies: readonly PolicyView[];
}

export interface AccountView {
  readonly AccountId: string;
  readonly Users: readonly UserView[];
  readonly Groups: readonly GroupView[];
  /** More users or credentials exist than the page shows. */
  readonly Truncated: boolean;
  /** Set when the engine refused to list this account (the message, never a secret). */
  readonly Error?: string;
}

export interface LoginView {
  readonly Time: string;
  readonly Door: string;
  readonly Outcome: string;
  readonly User?: string;
  readonly AccountId?: string;
  readonly Reason?: string;
  readonly Client?: string;
}

export interface DecisionView {
  readonly Time: string;
  readonly Door: string;
  readonly Principal: string;
  readonly Action: string;
  readonly Resource: string;
  readonly Decision: string;
  readonly Mode: string;
  readonly Explanation: string;
}

/** `GET /_iam-service-credentials/state`: the page's data, for scripts too (docs/dashboard.md). */
export interface DashboardState {
  readonly GeneratedAt: string;
  readonly Accounts: readonly AccountView[];
  readonly Logins: readonly LoginView[];
  readonly Decisions: readonly DecisionView[];
}

/** `alice+2-at-123456789012` → `alice-at-123456789012`; an alias or another shape is its own family. */
export const familyOf = (serviceUserName: string): string => serviceUserName.replace(/\+\d+(?=-at-\d{12}$)/, '');

const credentialView = (credential: ServiceSpecificCredentialMetadata, now: Date): CredentialView => {
  const name = credential.ServiceUserName ?? credential.ServiceCredentialAlias;
  return {
    ServiceName: credential.ServiceName,
    ...(credential.ServiceUserName === undefined ? {} : { ServiceUserName: credential.ServiceUserName }),
    ...(credential.ServiceCredentialAlias === undefined ? {} : { ServiceCredentialAlias: credential.ServiceCredentialAlias }),
    ServiceSpecificCredentialId: credential.ServiceSpecificCredentialId,
    Status: credential.Status,
    CreateDate: credential.CreateDate.toISOString(),
    ...(credential.ExpirationDate === undefined
      ? {}
      : {
          ExpirationDate: credential.ExpirationDate.toISOString(),
          SecondsLeft: Math.floor((credential.ExpirationDate.getTime() - now.getTime()) / 1000),
        }),
    ...(name === undefined ? {} : { Family: familyOf(name) }),
  };
};

const loginView = (login: LoginActivity): LoginView => ({
  Time: new Date(login.time).toISOString(),
  Door: login.door,
  Outcome: login.outcome,
  ...(login.presented === undefined ? {} : { User: login.presented }),
  ...(login.accountId === undefined ? {} : { AccountId: login.accountId }),
  ...(login.reason === undefined ? {} : { Reason: login.reason }),
  ...(login.client === undefined ? {} : { Client: login.client }),
});

const decisionView = (decision: DecisionActivity): DecisionView => ({
  Time: new Date(decision.time).toISOString(),
  Door: decision.door,
  Principal: decision.principal,
  Action: decision.action,
  Resource: decision.resource,
  Decision: decision.decision,
  Mode: decision.mode,
  Explanation: decision.explanation,
});

/** Every page of a listing, up to `max` items; `truncated` when more exist. Stops at the engine's first error. */
const collect = async <T>(
  max: number,
  page: (marker: string | undefined) => Promise<{ items: readonly T[]; marker: string | undefined } | { error: string }>,
): Promise<{ items: T[]; truncated: boolean } | { error: string }> => {
  const items: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const answer = await page(marker);
    if ('error' in answer) return answer;
    items.push(...answer.items);
    marker = answer.marker;
    if (marker === undefined) return { items: items.slice(0, max), truncated: items.length > max };
    if (items.length >= max) return { items: items.slice(0, max), truncated: true };
  }
};

const accountView = async (engine: CredentialEngine, accountId: string, now: Date): Promise<AccountView> => {
  const ctx = { accountId };
  const users = await collect<User>(MAX_USERS_PER_ACCOUNT, async (Marker) => {
    const answer = await engine.listUsers({ MaxItems: PAGE, ...(Marker === undefined ? {} : { Marker }) }, ctx);
    return answer.isOk()
      ? { items: answer.value.Users, marker: answer.value.IsTruncated ? answer.value.Marker : undefined }
      : { error: answer.error.message };
  });
  if ('error' in users) return { AccountId: accountId, Users: [], Groups: [], Truncated: false, Error: users.error };
  const credentials = await collect<ServiceSpecificCredentialMetadata>(MAX_CREDENTIALS_PER_ACCOUNT, async (Marker) => {
    const answer = await engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: PAGE, ...(Marker === undefined ? {} : { Marker }) }, ctx);
    return answer.isOk()
      ? { items: answer.value.ServiceSpecificCredentials, marker: answer.value.IsTruncated ? answer.value.Marker : undefined }
      : { error: answer.error.message };
  });
  if ('error' in credentials) return { AccountId: accountId, Users: [], Groups: [], Truncated: false, Error: credentials.error };
  const byUser = new Map<string, CredentialView[]>();
  for (const credential of credentials.items) {
    const list = byUser.get(credential.UserName) ?? [];
    list.push(credentialView(credential, now));
    byUser.set(credential.UserName, list);
  }
  // Grouped for reading: by service, then by name (so a `+N` family stands together).
  const order = (a: CredentialView, b: CredentialView): number =>
    a.ServiceName.localeCompare(b.ServiceName) || (a.ServiceUserName ?? a.ServiceCredentialAlias ?? '').localeCompare(b.ServiceUserName ?? b.ServiceCredentialAlias ?? '');
  for (const list of byUser.values()) list.sort(order);
  const documents = new ManagedDocuments(engine, ctx);
  const groups = await valueOr(engine.listGroups({ MaxItems: PAGE }, ctx), { Groups: [], IsTruncated: false });
  return {
    AccountId: accountId,
    Users: await Promise.all(
      users.items.map(async (user) => ({
        UserName: user.UserName,
        UserId: user.UserId,
        Arn: user.Arn,
        Path: user.Path,
        CreateDate: user.CreateDate.toISOString(),
        ServiceSpecificCredentials: byUser.get(user.UserName) ?? [],
        ...(await permissionsOfUser(engine, ctx, user.UserName, documents)),
      })),
    ),
    Groups: await Promise.all(
      groups.Groups.map(async (group) => ({
        GroupName: group.GroupName,
        GroupId: group.GroupId,
        Arn: group.Arn,
        Policies: await policiesOf(
          engine.listGroupPolicies({ GroupName: group.GroupName, MaxItems: PAGE }, ctx),
          (PolicyName) => engine.getGroupPolicy({ GroupName: group.GroupName, PolicyName }, ctx),
          engine.listAttachedGroupPolicies({ GroupName: group.GroupName, MaxItems: PAGE }, ctx),
          documents,
        ),
      })),
    ),
    Truncated: users.truncated || credentials.truncated,
  };
};

/** The value of a call that may fail (a user deleted while the page reads): the fallback then, the page shows what it can. */
const valueOr = async <T>(answer: ResultAsync<T, IamError>, fallback: T): Promise<T> => (await answer).unwrapOr(fallback);

/** IAM's Get operations answer a document URL-encoded; the page shows it as JSON text. */
const decodedDocument = (encoded: string): string => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
};

/** The documents of managed policies, each read once per state (GetPolicy for its default version, then GetPolicyVersion). */
class ManagedDocuments {
  readonly #byArn = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly engine: CredentialEngine,
    private readonly ctx: { readonly accountId: string },
  ) {}

  of(PolicyArn: string): Promise<string | undefined> {
    let document = this.#byArn.get(PolicyArn);
    if (document === undefined) {
      document = this.#read(PolicyArn);
      this.#byArn.set(PolicyArn, document);
    }
    return document;
  }

  async #read(PolicyArn: string): Promise<string | undefined> {
    const policy = await this.engine.getPolicy({ PolicyArn }, this.ctx);
    if (policy.isErr()) return undefined;
    const version = await this.engine.getPolicyVersion({ PolicyArn, VersionId: policy.value.Policy.DefaultVersionId }, this.ctx);
    return version.isOk() ? decodedDocument(version.value.PolicyVersion.Document) : undefined;
  }
}

/** A holder's inline policies (with their documents) and attached managed policies (with theirs). */
const policiesOf = async (
  names: ResultAsync<{ PolicyNames: string[] }, IamError>,
  inline: (name: string) => ResultAsync<{ PolicyDocument: string }, IamError>,
  attached: ResultAsync<{ AttachedPolicies: { PolicyName: string; PolicyArn: string }[] }, IamError>,
  documents: ManagedDocuments,
): Promise<PolicyView[]> => {
  const inlineViews = await Promise.all(
    (await valueOr(names, { PolicyNames: [] })).PolicyNames.map(async (PolicyName): Promise<PolicyView> => {
      const got = await inline(PolicyName);
      return { Kind: 'inline', PolicyName, ...(got.isOk() ? { Document: decodedDocument(got.value.PolicyDocument) } : {}) };
    }),
  );
  const managedViews = await Promise.all(
    (await valueOr(attached, { AttachedPolicies: [] })).AttachedPolicies.map(async ({ PolicyName, PolicyArn }): Promise<PolicyView> => {
      const document = await documents.of(PolicyArn);
      return { Kind: 'managed', PolicyName, PolicyArn, ...(document === undefined ? {} : { Document: document }) };
    }),
  );
  return [...inlineViews, ...managedViews];
};

/** A user's access keys (ids and status only), groups and policies. */
const permissionsOfUser = async (
  engine: CredentialEngine,
  ctx: { readonly accountId: string },
  UserName: string,
  documents: ManagedDocuments,
): Promise<Pick<UserView, 'AccessKeys' | 'Groups' | 'Policies'>> => {
  const [keys, groups, policies] = await Promise.all([
    valueOr(engine.listAccessKeys({ UserName, MaxItems: PAGE }, ctx), { AccessKeyMetadata: [], IsTruncated: false }),
    valueOr(engine.listGroupsForUser({ UserName, MaxItems: PAGE }, ctx), { Groups: [], IsTruncated: false }),
    policiesOf(
      engine.listUserPolicies({ UserName, MaxItems: PAGE }, ctx),
      (PolicyName) => engine.getUserPolicy({ UserName, PolicyName }, ctx),
      engine.listAttachedUserPolicies({ UserName, MaxItems: PAGE }, ctx),
      documents,
    ),
  ]);
  return {
    AccessKeys: keys.AccessKeyMetadata.map((key) => ({ AccessKeyId: key.AccessKeyId, Status: key.Status, CreateDate: key.CreateDate.toISOString() })),
    Groups: groups.Groups.map((group) => group.GroupName),
    Policies: policies,
  };
};

/**
 * The state the page shows, read through the engine's own API (ListUsers, ListServiceSpecificCredentials with AllUsers): only
 * metadata, copied field by field, so no secret can reach the page even from an embedder's engine that returned more.
 */
export const dashboardState = async (
  engine: CredentialEngine,
  accountIds: readonly string[],
  activity: ActivityLog,
  now: Date,
): Promise<DashboardState> => ({
  GeneratedAt: now.toISOString(),
  Accounts: await Promise.all([...new Set(accountIds)].sort().map((accountId) => accountView(engine, accountId, now))),
  Logins: activity.logins().map(loginView),
  Decisions: activity.decisions().map(decisionView),
});
