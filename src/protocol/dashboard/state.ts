import type { CredentialEngine, ServiceSpecificCredentialMetadata, User } from '../../index.js';
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

export interface UserView {
  readonly UserName: string;
  readonly UserId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate: string;
  readonly ServiceSpecificCredentials: readonly CredentialView[];
}

export interface AccountView {
  readonly AccountId: string;
  readonly Users: readonly UserView[];
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
  if ('error' in users) return { AccountId: accountId, Users: [], Truncated: false, Error: users.error };
  const credentials = await collect<ServiceSpecificCredentialMetadata>(MAX_CREDENTIALS_PER_ACCOUNT, async (Marker) => {
    const answer = await engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: PAGE, ...(Marker === undefined ? {} : { Marker }) }, ctx);
    return answer.isOk()
      ? { items: answer.value.ServiceSpecificCredentials, marker: answer.value.IsTruncated ? answer.value.Marker : undefined }
      : { error: answer.error.message };
  });
  if ('error' in credentials) return { AccountId: accountId, Users: [], Truncated: false, Error: credentials.error };
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
  return {
    AccountId: accountId,
    Users: users.items.map((user) => ({
      UserName: user.UserName,
      UserId: user.UserId,
      Arn: user.Arn,
      Path: user.Path,
      CreateDate: user.CreateDate.toISOString(),
      ServiceSpecificCredentials: byUser.get(user.UserName) ?? [],
    })),
    Truncated: users.truncated || credentials.truncated,
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
