/**
 * Not part of IAM: how often a policy store has changed. Optional, beside a policy store's synchronous face (the in-memory store
 * offers it): the count grows with every write, so a reader may keep what it derived from the store (the default authorizer keeps
 * each user's gathered policies) for as long as the count stays the same, and must derive it again once it moves.
 */
export interface PolicyChangeCount {
  /** The number of writes so far (each method that can change what the store holds counts, whether or not it changed anything). */
  policyChangeCount(): number;
}
