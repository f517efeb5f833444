import type { ActionAuthorization, CallFacts } from '../../app/authorize-operation.js';
import { accessDenied, type IamError } from '../../domain/iam-error.js';
import { accessDeniedMessage } from '../../domain/policy/access-denied.js';
import { deciderName, explainDecision } from '../../domain/policy/explanation.js';
import type { DoorName } from '../front-door/login-attempt.js';
import type { CredentialEngine, RequestContext } from '../../index.js';

/**
 * IAM enforcement, opt-in (as LocalStack's ENFORCE_IAM): `on` authorises every action before it runs and refuses with AccessDenied;
 * `soft` lets everything run and only logs what would have been refused.
 */
export type EnforceIamMode = 'on' | 'soft';

export interface EnforceIamOptions {
  readonly mode: EnforceIamMode;
  /** Receives one line per decision (principal, action, resource, decision, deciding policy and Sid; never a secret). */
  readonly log?: ((line: string) => void) | undefined;
  /** Receives each decision as a value (the dashboard's recent decisions). */
  readonly onDecision?: ((authorization: ActionAuthorization, mode: EnforceIamMode, door?: DoorName) => void) | undefined;
}

export const isEnforceIamMode = (value: unknown): value is EnforceIamMode => value === 'on' || value === 'soft';

/** Printable ASCII only (a resource ARN is built from request text), bounded. */
const loggable = (value: string, max = 400): string => {
  const clean = value.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
};

/** Why the decision went as it did, in words (see `explainDecision`). */
export const decisionExplanation = (authorization: ActionAuthorization): string => explainDecision(authorization);

/** The decision's log line. */
export const decisionLine = (authorization: ActionAuthorization, mode: EnforceIamMode, door?: DoorName): string => {
  const { request, decision, root } = authorization;
  const refused = decision.decision !== 'allow';
  const outcome = !refused ? 'allowed' : mode === 'soft' ? 'would-deny(soft)' : 'denied';
  const deciding = root ? 'root' : decision.deciding.length === 0 ? '-' : decision.deciding.map(deciderName).join(',');
  return `iam-authz ${door === undefined ? '' : `door=${door} `}principal=${loggable(request.principal.arn)} action=${loggable(request.action)} resource=${loggable(request.resource)} decision=${decision.decision} outcome=${outcome} deciding=${loggable(deciding, 1000)}`;
};

/**
 * Authorises one action before it runs: undefined to go on (allowed, root, or `soft`), else the error to answer (AccessDenied, or
 * the engine's error when the decision itself failed). Logs the decision.
 */
export const enforceAction = async (
  engine: CredentialEngine,
  options: EnforceIamOptions,
  action: string,
  input: Readonly<Record<string, unknown>>,
  ctx: RequestContext,
  facts: CallFacts,
): Promise<IamError | undefined> => {
  const outcome = await engine.authorizeAction({ action, input, facts }, ctx);
  if (outcome.isErr()) return outcome.error;
  const authorization = outcome.value;
  options.log?.(decisionLine(authorization, options.mode));
  options.onDecision?.(authorization, options.mode);
  if (authorization.decision.decision === 'allow' || options.mode === 'soft') return undefined;
  return accessDenied(accessDeniedMessage(authorization.request, authorization.decision));
};
