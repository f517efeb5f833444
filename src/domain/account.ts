/** AWS account ids are 12 digits; ServiceUserNames end in one, which is how a presented credential finds its account. */
const ACCOUNT_ID = /^\d{12}$/;

export const isAccountId = (value: unknown): value is string => typeof value === 'string' && ACCOUNT_ID.test(value);
