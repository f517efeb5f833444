/**
 * Which services accept service-specific credentials, and of which kind. A value, not code: callers pass their own catalogue to
 * emulate a service AWS adds later (CloudWatch Logs API keys, say) without a release of ours.
 */
export type ServiceCredentialKind =
  | { readonly kind: 'password' }
  | { readonly kind: 'api-key'; readonly secretPrefix: string };

export type ServiceCatalogue = Readonly<Record<string, ServiceCredentialKind>>;

export const defaultServiceCatalogue: ServiceCatalogue = Object.freeze({
  'codecommit.amazonaws.com': { kind: 'password' },
  'cassandra.amazonaws.com': { kind: 'password' },
  'bedrock.amazonaws.com': { kind: 'api-key', secretPrefix: 'ABSK' },
});

export const lookupService = (catalogue: ServiceCatalogue, serviceName: string): ServiceCredentialKind | undefined =>
  Object.hasOwn(catalogue, serviceName) ? catalogue[serviceName] : undefined;
