import { err, ok, type Result } from 'neverthrow';
import { type IamError, serviceFailure } from '../../domain/iam-error.js';
import { AWS_MANAGED_ACCOUNT, type GroupRecord, type InlinePolicyRecord, type PolicyHolder, parsePolicyArn } from '../../domain/iam-policies.js';
import {
  type AttachedPolicy,
  type AuthorizationDecision,
  type AuthorizationRequest,
  evaluatePolicies,
  evaluatePreparedPolicies,
  parsePolicyDocument,
  type PolicyDocument,
  PreparedPolicies,
} from '../../domain/policy/index.js';
import type { UserRecord } from '../../domain/user.js';
import type { Authorizer } from '../../ports/authorizer.port.js';
import type { AwsManagedPolicies } from '../../ports/aws-managed-policies.port.js';
import type { Immediate } from '../../ports/immediate.port.js';
import type { PolicyChangeCount } from '../../ports/policy-change-count.port.js';
import type { PolicyStore } from '../../ports/policy-store.port.js';
import type { UserDirectory } from '../../ports/user-directory.port.js';

/** The ports the authorizer reads, on either face: each answer is a value (synchronous face) or a promise of one. */
interface PolicySources {
  readonly policies: PolicyStore | Immediate<PolicyStore>;
  readonly users: UserDirectory | Immediate<UserDirectory>;
  readonly awsManagedPolicies: AwsManagedPolicies;
  readonly onFailure?: ((cause: unknown) => void) | undefined;
}

/** A step that reads a port: yields the port's answer (value or promise) and is resumed with it settled. */
type Gathering<T> = Generator<unknown, T, unknown>;

function* read<T>(answer: T | Promise<T>): Gathering<T> {
  return (yield answer) as T;
}

/**
 * Parsed documents by their text: a stored document was accepted by `parsePolicyDocument` when it was stored, and the same few
 * documents are evaluated request after request, so each is parsed once. Bounded: cleared when full.
 */
const PARSED = new Map<string, Result<PolicyDocument, IamError>>();
const PARSED_MAX = 2048;
const parsed = (text: string): Result<PolicyDocument, IamError> => {
  let document = PARSED.get(text);
  if (document === undefined) {
    // AWS managed policies from before policy variables existed may carry no Version; IAM evaluates them.
    document = parsePolicyDocument(text, { acceptLegacyVersion: true });
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, document);
  }
  return document;
};

/** What the principal user's identity-based policies are: inline, attached, and each group's inline and attached. */
function* gatherPolicies(sources: PolicySources, request: AuthorizationRequest): Gathering<Result<AttachedPolicy[], IamError>> {
  const { principal } = request;
  const { accountId } = principal;
  let { userId, userName } = principal;
  if (userId === undefined || userName === undefined) {
    if (userName === undefined) return ok([]);
    const user: UserRecord | undefined = yield* read(sources.users.getUser(accountId, userName));
    if (user === undefined) return ok([]);
    userId = user.userId;
    userName = user.userName;
  }
  const policies: AttachedPolicy[] = [];
  const userHolder: PolicyHolder = { kind: 'user', id: userId };
  const inline: readonly InlinePolicyRecord[] = yield* read(sources.policies.listInlinePolicies(accountId, userHolder));
  for (const policy of inline) {
    const document = parsed(policy.document);
    if (document.isErr()) return err(document.error);
    policies.push({ source: { kind: 'user-inline', userName, policyName: policy.policyName }, document: document.value });
  }
  const attached = yield* attachedPolicies(sources, accountId, userHolder);
  if (attached.isErr()) return err(attached.error);
  policies.push(...attached.value);
  const groups: readonly GroupRecord[] = yield* read(sources.policies.listGroupsOfUser(accountId, userId));
  for (const group of groups) {
    const holder: PolicyHolder = { kind: 'group', id: group.groupId };
    const groupInline: readonly InlinePolicyRecord[] = yield* read(sources.policies.listInlinePolicies(accountId, holder));
    for (const policy of groupInline) {
      const document = parsed(policy.document);
      if (document.isErr()) return err(document.error);
      policies.push({ source: { kind: 'group-inline', groupName: group.groupName, policyName: policy.policyName }, document: document.value });
    }
    const groupAttached = yield* attachedPolicies(sources, accountId, holder);
    if (groupAttached.isErr()) return err(groupAttached.error);
    policies.push(...groupAttached.value);
  }
  return ok(policies);
}

/** The managed policies attached to a holder, with their documents (an attachment whose policy is gone meanwhile grants nothing). */
function* attachedPolicies(sources: PolicySources, accountId: string, holder: PolicyHolder): Gathering<Result<AttachedPolicy[], IamError>> {
  const arns: readonly string[] = yield* read(sources.policies.listAttachedPolicies(accountId, holder));
  const policies: AttachedPolicy[] = [];
  for (const policyArn of arns) {
    const parts = parsePolicyArn(policyArn);
    if (parts.isErr()) continue;
    const record =
      parts.value.accountId === AWS_MANAGED_ACCOUNT
        ? sources.awsManagedPolicies.find(policyArn)
        : yield* read(sources.policies.getManagedPolicy(accountId, parts.value.policyName));
    if (record === undefined) continue;
    const document = parsed(record.document);
    if (document.isErr()) {
      // AWS wrote its managed policies; the few whose resources the document parser does not accept (docs/fidelity.md) grant
      // nothing here rather than failing every request of the user they are attached to.
      if (record.accountId === AWS_MANAGED_ACCOUNT) {
        sources.onFailure?.(new Error(`AWS managed policy ${policyArn} not evaluated: ${document.error.message}`));
        continue;
      }
      return err(document.error);
    }
    policies.push({ source: { kind: 'managed', policyArn, policyName: record.policyName }, document: document.value });
  }
  return ok(policies);
}

/**
 * A stored document that no longer parses was not written through the policy operations (a hand-edited database): the adapter
 * failed, not the caller.
 */
const decide = (request: AuthorizationRequest, gathered: Result<readonly AttachedPolicy[], IamError>): Result<AuthorizationDecision, IamError> =>
  gathered.isErr() ? err(serviceFailure()) : ok(evaluatePolicies(request, gathered.value));

/** A user's gathered policies, prepared, and the user name their sources name (the request's, as when they were gathered). */
interface Gathered {
  readonly userName: string;
  readonly policies: PreparedPolicies;
}

/**
 * The default Authorizer: the principal user's identity-based policies from the policy store (its inline policies, the managed
 * policies attached to it, and those of its groups), evaluated by `evaluatePolicies`. A user that does not exist has no policies
 * (implicit deny). Over the synchronous face of the in-memory adapters it answers at once (`Immediate<Authorizer>`).
 *
 * Given the store's change count, it keeps each user's gathered policies (by account and UserId, which is never reused) until the
 * count moves, prepared for evaluation (`PreparedPolicies`): gathering (store reads, ARN parsing, document look-ups) and matching
 * every statement's Action would otherwise be most of a decision's cost, and what gathering reads changes only by a write to the
 * policy store (the AWS managed policies are read-only). A principal without a UserId is gathered each time (its user is looked
 * up by name in the directory, which the count does not cover).
 */
export const createImmediatePolicyAuthorizer = (sources: {
  readonly policies: Immediate<PolicyStore> & Partial<PolicyChangeCount>;
  readonly users: Immediate<UserDirectory>;
  readonly awsManagedPolicies: AwsManagedPolicies;
  /** Told why a port failed (the answer is ServiceFailure). */
  readonly onFailure?: (cause: unknown) => void;
}): Immediate<Authorizer> => {
  const store = sources.policies;
  /** Gathered policies by account, then UserId, all gathered at change count `keptAt`; bounded: emptied when it holds too many users. */
  const kept = new Map<string, Map<string, Gathered>>();
  let keptAt = -1;
  let keptUsers = 0;
  const KEPT_MAX = 4096;

  const gather = (request: AuthorizationRequest): Result<readonly AttachedPolicy[], IamError> => {
    const gathering = gatherPolicies(sources, request);
    let step = gathering.next();
    while (step.done !== true) step = gathering.next(step.value);
    return step.value;
  };

  const decideKept = (request: AuthorizationRequest, changeCount: number, userId: string, userName: string): Result<AuthorizationDecision, IamError> => {
    if (changeCount !== keptAt) {
      kept.clear();
      keptUsers = 0;
      keptAt = changeCount;
    }
    const { accountId } = request.principal;
    const found = kept.get(accountId)?.get(userId);
    if (found !== undefined && found.userName === userName) return ok(evaluatePreparedPolicies(request, found.policies));
    const gathered = gather(request);
    if (gathered.isErr()) return decide(request, gathered);
    const policies = new PreparedPolicies(gathered.value);
    if (keptUsers >= KEPT_MAX) {
      kept.clear();
      keptUsers = 0;
    }
    let ofAccount = kept.get(accountId);
    if (ofAccount === undefined) kept.set(accountId, (ofAccount = new Map()));
    if (!ofAccount.has(userId)) keptUsers += 1;
    ofAccount.set(userId, { userName, policies });
    return ok(evaluatePreparedPolicies(request, policies));
  };

  return {
    authorize(request) {
      try {
        const { userId, userName } = request.principal;
        return store.policyChangeCount === undefined || userId === undefined || userName === undefined
          ? decide(request, gather(request))
          : decideKept(request, store.policyChangeCount(), userId, userName);
      } catch (cause) {
        sources.onFailure?.(cause);
        return err(serviceFailure());
      }
    },
  };
};

/** The default Authorizer over the async ports (PostgreSQL, PGlite, an embedder's adapters). A failing port is ServiceFailure. */
export const createPolicyAuthorizer = (sources: {
  readonly policies: PolicyStore;
  readonly users: UserDirectory;
  readonly awsManagedPolicies: AwsManagedPolicies;
  readonly onFailure?: (cause: unknown) => void;
}): Authorizer => ({
  async authorize(request) {
    try {
      const gathering = gatherPolicies(sources, request);
      let step = gathering.next();
      while (step.done !== true) step = gathering.next(await step.value);
      return decide(request, step.value);
    } catch (cause) {
      sources.onFailure?.(cause);
      return err(serviceFailure());
    }
  },
});
