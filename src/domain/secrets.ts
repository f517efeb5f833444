import * as crypto from 'node:crypto';
import { customRandom } from 'nanoid';

/** A source of random bytes; the random port's shape, restated here so the domain depends on nothing of ours. */
export type RandomBytes = (size: number) => Uint8Array;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_RANDOM_PART = 17;

/** IAM unique ids are 21 characters: a 4-letter type prefix (`ACCA` context-specific credential, `AIDA` user) and 17 of [A-Z0-9]. */
export const createIdGenerator = (randomBytes: RandomBytes): ((prefix: 'ACCA' | 'AIDA') => string) => {
  const body = customRandom(ID_ALPHABET, ID_RANDOM_PART, randomBytes);
  // nanoid appends one character at a time, which leaves a chain of V8 cons-strings (~230 bytes per id); ids live as long as
  // the user or credential they name, so they are copied into one flat 21-character string (~40 bytes).
  return (prefix) => Buffer.from(prefix + body(), 'latin1').toString('latin1');
};

const PASSWORD_BYTES = 32;
/** Real Bedrock keys carry a 60-character secret ending in one `=`: standard base64 of 44 bytes. */
const API_KEY_SECRET_BYTES = 44;

/** Standard base64 of the bytes, read in place (no copy of the random bytes first). */
const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * A new secret of the kind the credential is. ServicePassword: standard base64 of 32 random bytes, 44 characters with padding, as
 * observed; an API key's secret part: standard base64 of 44 random bytes.
 */
export const generateSecret = (kind: 'password' | 'api-key', randomBytes: RandomBytes): string =>
  base64Of(randomBytes(kind === 'api-key' ? API_KEY_SECRET_BYTES : PASSWORD_BYTES));

/**
 * Secrets are stored only as this digest. They are 256+ random bits, so a fast hash is as strong as a slow one here (there is no
 * dictionary to try) and keeps authenticate cheap.
 */
export type SecretDigest = string;

export const digestSecret: (secret: string) => SecretDigest =
  // One-shot crypto.hash (Node >= 20.12) skips the Hash object createHash builds per call; same bytes, same encoding.
  typeof crypto.hash === 'function'
    ? (secret) => crypto.hash('sha256', secret, 'base64url')
    : (secret) => crypto.createHash('sha256').update(secret, 'utf8').digest('base64url');

/** Compares the digest of a presented secret with a stored digest in constant time. */
export const secretMatchesDigest = (presented: string, stored: SecretDigest): boolean => {
  const presentedDigest = Buffer.from(digestSecret(presented), 'utf8');
  const storedDigest = Buffer.from(stored, 'utf8');
  return presentedDigest.length === storedDigest.length && crypto.timingSafeEqual(presentedDigest, storedDigest);
};
