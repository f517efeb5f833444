import { err, ok, type Result } from 'neverthrow';
import { resourceOf, groupArn, policyArn, userArn } from '../domain/action-resources.js';
import type { IamError } from '../domain/iam-error.js';
import type { AuthorizationDecision, AuthorizationRequest, ConditionContext, Principal } from '../domain/policy/types.js';
import { authorizationOf } from './authorize.js';
import { callerPrincipal, type EngineDependencies, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { answerOf, type Operation, type Step } from './operation.js';

/** What the request itself says about how it arrived: the global condition keys an endpoint knows. */
export interface CallFacts {
  /** `aws:SourceIp`: the client's address. */
  readonly sourceIp?: string | undefined;
  /** `aws:SecureTransport`: whether the request came over TLS. */
  readonly secureTransport?: boolean | undefined;
  /** `aws:RequestedRegion`: the region the request was signed for. */
  readonly region?: string | undefined;
}

/** One IAM action as a client asked for it: the Query action name, its members as sent, and how it arrived. */
export interface ActionCall {
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly facts?: CallFacts;
}

export interface ActionAuthorization {
  /** What was asked of the authorizer (or would have been, for a root principal). */
  readonly request: AuthorizationRequest;
  readonly decision: AuthorizationDecision;
  /** An account's root: identity policies do not restrict it, so the authorizer was not asked. */
  readonly root: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The user's path, read from the directory (`/` for a user that does not exist: the ARN AWS would name in its refusal). */
function* userPathOf(deps: EngineDependencies, accountId: string, userName: string): Step<string> {
  if (userName === '') return '/';
  const user = yield* answerOf(deps.ports.users.getUser(accountId, userName));
  return user?.path ?? '/';
}

/** The caller as the policies see it: a user's ARN with its path, and its UserId (aws:userid), read from the directory. */
function* resolvePrincipal(deps: EngineDependencies, accountId: string, ctx: RequestContext | undefined): Step<Principal> {
  const principal = callerPrincipal(accountId, ctx);
  if (principal.kind !== 'user' || principal.userName === undefined) return principal;
  const user = yield* answerOf(deps.ports.users.getUser(principal.accountId, principal.userName));
  if (user === undefined) return principal;
  return { ...principal, arn: userArn(principal.accountId, user.path, user.userName), userName: user.userName, userId: user.userId };
}

/** The ARN the action is authorised on, by the Service Authorization Reference's resource types. */
function* resourceArnOf(deps: EngineDependencies, accountId: string, call: ActionCall, principal: Principal): Step<string> {
  const { input } = call;
  const target = resourceOf(call.action);
  switch (target.kind) {
    case 'all':
      return '*';
    case 'user-or-all-users':
    case 'user': {
      // ListServiceSpecificCredentials with AllUsers reads every user's credentials.
      if (target.kind === 'user-or-all-users' && input['AllUsers'] === true) return userArn(accountId, '/', '*');
      const userName = text(input['UserName']) ?? principal.userName;
      // A root caller without UserName acts on no user: the operation refuses that itself (a validation message).
      if (userName === undefined) return `arn:aws:iam::${accountId}:root`;
      return userArn(accountId, yield* userPathOf(deps, accountId, userName), userName);
    }
    case 'new-user':
      return userArn(accountId, input['Path'], text(input['UserName']) ?? '');
    case 'group': {
      const groupName = text(input['GroupName']) ?? '';
      const group = groupName === '' ? undefined : yield* answerOf(deps.ports.policies.getGroup(accountId, groupName));
      return groupArn(accountId, group?.path, groupName);
    }
    case 'new-group':
      return groupArn(accountId, input['Path'], text(input['GroupName']) ?? '');
    case 'policy-arn':
      return text(input['PolicyArn']) ?? '';
    case 'new-policy':
      return policyArn(accountId, input['Path'], text(input['PolicyName']) ?? '');
  }
}

/**
 * The time keys of the last request, by its millisecond: requests that arrive within the same millisecond (an enforcing endpoint
 * under load) format the time once (~0.5 us of a ~9 us decision). Keyed by the instant alone, so any clock reads it correctly.
 */
let lastTime = { at: Number.NaN, currentTime: '', epochTime: '' };
const timeKeys = (now: Date): typeof lastTime => {
  const at = now.getTime();
  if (at !== lastTime.at) lastTime = { at, currentTime: now.toISOString(), epochTime: String(Math.floor(at / 1000)) };
  return lastTime;
};

/** The global condition keys every request has: the time, and what the request says about how it arrived. */
const globalContext = (deps: EngineDependencies, facts: CallFacts | undefined): Record<string, string | readonly string[]> => {
  const time = timeKeys(deps.clock.now());
  const context: Record<string, string | readonly string[]> = {
    'aws:CurrentTime': time.currentTime,
    'aws:EpochTime': time.epochTime,
  };
  if (facts?.sourceIp !== undefined) context['aws:SourceIp'] = facts.sourceIp;
  if (facts?.secureTransport !== undefined) context['aws:SecureTransport'] = String(facts.secureTransport);
  if (facts?.region !== undefined) context['aws:RequestedRegion'] = facts.region;
  return context;
};

/** The request's condition keys: the global keys the endpoint knows, and Create's own two. */
const conditionContext = (deps: EngineDependencies, call: ActionCall): ConditionContext => {
  const context = globalContext(deps, call.facts);
  if (call.action === 'CreateServiceSpecificCredential') {
    const serviceName = call.input['ServiceName'];
    const ageDays = call.input['CredentialAgeDays'];
    if (typeof serviceName === 'string') context['iam:ServiceSpecificCredentialServiceName'] = serviceName;
    if (typeof ageDays === 'number' && Number.isSafeInteger(ageDays)) context['iam:ServiceSpecificCredentialAgeDays'] = String(ageDays);
  }
  return context;
};

const ROOT_DECISION: AuthorizationDecision = { decision: 'allow', deciding: [] };

/**
 * Whether the caller may perform an IAM action, decided before the action runs: who is calling (the context's principal; a user's
 * ARN and UserId read from the directory), the action's resource ARN, the condition keys, then the authorizer. An account's root is
 * never restricted by identity policies (allowed without asking). Not an IAM API: the endpoint's enforcement calls it.
 */
export function* authorizeAction(deps: EngineDependencies, call: ActionCall, ctx: RequestContext | undefined): Operation<ActionAuthorization> {
  const accountId: Result<string, IamError> = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const principal = yield* resolvePrincipal(deps, accountId.value, ctx);
  const resource = yield* resourceArnOf(deps, accountId.value, call, principal);
  const request: AuthorizationRequest = { principal, action: `iam:${call.action}`, resource, context: conditionContext(deps, call) };
  if (principal.kind === 'root') return ok({ request, decision: ROOT_DECISION, root: true });
  const decision = yield* authorizationOf(deps, request);
  return decision.map((decided) => ({ request, decision: decided, root: false }));
}

/**
 * An action of another service (a front door's: `codecommit:GitPush`, `bedrock:InvokeModel`, `cassandra:Select`) by a principal
 * that has already authenticated: its account, and its user unless it is the account's root.
 */
export interface PrincipalActionCall {
  readonly principal: { readonly accountId: string; readonly userName?: string | undefined };
  /** `service:Action`. */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  /** The service's own condition keys (`codecommit:References`, `bedrock:BearerTokenType`); a list for a multivalued key. */
  readonly context?: ConditionContext | undefined;
  readonly facts?: CallFacts | undefined;
}

/**
 * Whether an authenticated principal may perform a service's action on a resource: the user's ARN (with its path) and UserId read
 * from the directory, the global keys (time, and the call's facts) beside the service's own, then the authorizer. Root is never
 * restricted by identity policies. What the front doors and an embedder's emulated service call after authenticating.
 */
export function* authorizePrincipal(deps: EngineDependencies, call: PrincipalActionCall): Operation<ActionAuthorization> {
  const { accountId, userName } = call.principal;
  const ctx: RequestContext = userName === undefined ? { accountId } : { accountId, callerUserName: userName };
  const principal = yield* resolvePrincipal(deps, accountId, ctx);
  const context = { ...globalContext(deps, call.facts), ...call.context };
  const request: AuthorizationRequest = { principal, action: call.action, resource: call.resource, context };
  if (principal.kind === 'root') return ok({ request, decision: ROOT_DECISION, root: true });
  const decision = yield* authorizationOf(deps, request);
  return decision.map((decided) => ({ request, decision: decided, root: false }));
}
