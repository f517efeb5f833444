import { type Result, err, ok } from 'neverthrow';
import { type IamError, unsupportedService } from '../domain/iam-error.js';
import { lookupService, type ServiceCredentialKind } from '../domain/service-catalogue.js';
import type { EngineDependencies } from './engine-dependencies.js';

export const findService = (deps: EngineDependencies, serviceName: string): Result<ServiceCredentialKind, IamError> => {
  const service = lookupService(deps.services, serviceName);
  return service === undefined ? err(unsupportedService(serviceName, deps.unsupportedServiceError)) : ok(service);
};
