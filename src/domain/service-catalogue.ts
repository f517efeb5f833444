/**
 * Which services accept service-specific credentials, and of which kind. A value, not code: callers pass their own catalogue to
 * emulate a service AWS adds later (CloudWatch Logs API keys, say) without a release of ours.
 */
export type ServiceCredentialKind =
  | { readonly kind: 'password' }
  | { readonly kind: 'api-key'; readonly secretPrefix: string };

export type ServiceCatalogue = Readonly<Record<string, ServiceCredentialKind>>;

/**
 * A frozen copy of a catalogue, entries included: an engine keeps this, so changing the object it was given (or the default one,
 * which is itself such a copy) changes nothing any engine does.
 */
export const freezeCatalogue = (catalogue: ServiceCatalogue): ServiceCatalogue => {
  const copy: Record<string, ServiceCredentialKind> = {};
  for (const [serviceName, service] of Object.entries(catalogue)) {
    copy[serviceName] = Object.freeze(service.kind === 'api-key' ? { kind: service.kind, secretPrefix: service.secretPrefix } : { kind: service.kind });
  }
  return Object.freeze(copy);
};

export const defaultServiceCatalogue: ServiceCatalogue = freezeCatalogue({
  'codecommit.amazonaws.com': { kind: 'password' },
  'cassandra.amazonaws.com': { kind: 'password' },
  'bedrock.amazonaws.com': { kind: 'api-key', secretPrefix: 'ABSK' },
});

export const lookupService = (catalogue: ServiceCatalogue, serviceName: string): ServiceCredentialKind | undefined =>
  Object.hasOwn(catalogue, serviceName) ? catalogue[serviceName] : undefined;
