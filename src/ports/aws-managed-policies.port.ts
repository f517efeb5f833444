import type { ManagedPolicyRecord } from '../domain/iam-policies.js';

/**
 * The AWS managed policies (`arn:aws:iam::aws:policy/…`): the same in every account, read-only. The default adapter is a snapshot of
 * their latest versions (`adapters/aws-managed`); an embedder may bring its own list.
 */
export interface AwsManagedPolicies {
  /** The policy with exactly this ARN, if any. */
  find(policyArn: string): ManagedPolicyRecord | undefined;
  /** Every policy, in the order of their ARNs. */
  list(): readonly ManagedPolicyRecord[];
}
