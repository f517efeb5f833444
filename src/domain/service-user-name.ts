import { err, ok, type Result } from 'neverthrow';

/**
 * ServiceUserName (password services) and ServiceCredentialAlias (API-key services) share one derivation: `<user>-at-<account>`
 * when free, else `<user>+N-at-<account>` with the smallest N >= 1 that is free. "Free" means no live credential of the same
 * service in the same account carries it, compared without regard to case, because IAM user names themselves are unique without
 * regard to case and a user literally named `alice+1` must not collide with alice's second credential.
 */
const serviceUserNameCandidate = (userName: string, accountId: string, suffix: number): string =>
  suffix === 0 ? `${userName}-at-${accountId}` : `${userName}+${suffix}-at-${accountId}`;

/** The key under which a ServiceUserName or alias is unique. */
export const serviceUserNameKey = (serviceUserName: string): string => serviceUserName.toLowerCase();

export const deriveServiceUserName = (
  userName: string,
  accountId: string,
  isTaken: (serviceUserNameKey: string) => boolean,
): string => {
  for (let suffix = 0; ; suffix += 1) {
    const candidate = serviceUserNameCandidate(userName, accountId, suffix);
    if (!isTaken(serviceUserNameKey(candidate))) return candidate;
  }
};

/**
 * What every ServiceUserName and alias we issue looks like: a user name (with its `+N`), `-at-`, and the account. Nothing else can
 * name a credential, so anything else is refused before a store is asked (a store need never hold, or choke on, other text). Two
 * linear tests: the characters, then the account suffix.
 */
const SERVICE_USER_NAME_CHARACTERS = /^[\w+=,.@-]+$/;
const ACCOUNT_SUFFIX = /-at-(\d{12})$/;
const MAX_SERVICE_USER_NAME_LENGTH = 128 + '-at-'.length + 12;

/** The account a presented ServiceUserName or alias names, which is how a presented credential finds its account. */
export const accountIdOfServiceUserName = (serviceUserName: string): Result<string, 'not a service user name'> => {
  if (serviceUserName.length > MAX_SERVICE_USER_NAME_LENGTH || !SERVICE_USER_NAME_CHARACTERS.test(serviceUserName)) {
    return err('not a service user name');
  }
  const match = ACCOUNT_SUFFIX.exec(serviceUserName);
  // The suffix must leave a name before it.
  return match?.[1] === undefined || match.index === 0 ? err('not a service user name') : ok(match[1]);
};

/**
 * Every ServiceUserName that could compete with `userName`'s candidates starts with `<userName>-at-` or `<userName>+`; a store
 * that cannot hand the domain a membership test over the whole service can fetch just this family.
 */
export const serviceUserNameFamilyPrefixes = (userName: string): readonly [string, string] => [
  serviceUserNameKey(`${userName}-at-`),
  serviceUserNameKey(`${userName}+`),
];
