import { type Result, err, ok } from 'neverthrow';
import { type IamError, quotaExceeded } from './iam-error.js';

/** "You can have a maximum of two sets of service-specific credentials for each supported service per user." */
const CREDENTIALS_PER_USER_PER_SERVICE = 2;

/** Every stored credential counts, whatever its status: Inactive and Expired ones stay until deleted. */
export const countTowardQuota = (credentialsOfUserForService: readonly unknown[]): number => credentialsOfUserForService.length;

/** One shared answer for "within quota": it carries nothing, so nothing can change it. */
const WITHIN_QUOTA: Result<void, IamError> = ok(undefined);

export const checkQuota = (credentialsOfUserForService: readonly unknown[]): Result<void, IamError> =>
  countTowardQuota(credentialsOfUserForService) >= CREDENTIALS_PER_USER_PER_SERVICE
    ? err(quotaExceeded(CREDENTIALS_PER_USER_PER_SERVICE))
    : WITHIN_QUOTA;
