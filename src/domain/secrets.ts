import * as crypto from 'node:crypto';
import { customRandom } from 'nanoid';
import { err, ok, type Result } from 'neverthrow';

/** A source of random bytes; the random port's shape, restated here so the domain depends on nothing of ours. */
export type RandomBytes = (size: number) => Uint8Array;

/** `ACCA`: a service-specific credential; `AIDA`: a user; `ANPA`: a managed policy; `AGPA`: a group. */
export type IdPrefix = 'ACCA' | 'AIDA' | 'ANPA' | 'AGPA';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_RANDOM_PART = 17;
/** Bytes nanoid's `customRandom` asks for per round for 17 of 36 characters: ceil(1.6 * 256 * 17 / 252), 252 being the unbiased cut-off. */
const BYTES_PER_ROUND = Math.ceil((1.6 * 256 * ID_RANDOM_PART) / (256 - (256 % ID_ALPHABET.length)));
/**
 * A healthy source fills an id in one round; needing more than this many means it is broken (say, all 0xFF), which is reported
 * rather than looped on for ever.
 */
const MAX_ROUNDS = 16;

/**
 * IAM unique ids are 21 characters: a 4-letter type prefix and 17 of [A-Z0-9], each drawn without bias by nanoid's `customRandom`
 * (a byte b below 252 gives the character at b mod 36, bytes 252-255 are skipped, each round read from its last byte to its first).
 *
 * `customRandom` asks for rounds until the id is full, for ever if the source never yields a usable byte. So it reads the source
 * through a bounded wrapper: from the 17th round of one id on, the wrapper stops calling the source, hands out bytes that are all
 * usable (zeros) so that nanoid returns at once, and marks the id spoilt; a spoilt id is discarded and reported as an error.
 */
export const createIdGenerator = (randomBytes: RandomBytes): ((prefix: IdPrefix) => Result<string, Error>) => {
  let rounds = 0;
  let spoilt = false;
  const bounded = (size: number): Uint8Array => {
    rounds += 1;
    if (rounds <= MAX_ROUNDS) return randomBytes(size);
    spoilt = true;
    return new Uint8Array(size);
  };
  const randomPart = customRandom(ID_ALPHABET, ID_RANDOM_PART, bounded);
  return (prefix) => {
    // One id at a time: the source is synchronous, so nothing else runs between these resets and the check below.
    rounds = 0;
    spoilt = false;
    const id = prefix + randomPart();
    if (spoilt) return err(new Error(`the random source gave no usable bytes for an id in ${MAX_ROUNDS} rounds of ${BYTES_PER_ROUND}`));
    // nanoid appends a character at a time, which leaves the id a chain of V8 cons-strings (~230 bytes; ids live as long as
    // what they name). Reading a character flattens it in place into one 21-character string (~40 bytes): the cheapest copy
    // measured (a Buffer round trip costs about twice as much).
    id.charCodeAt(0);
    return ok(id);
  };
};

const PASSWORD_BYTES = 32;
/** Real Bedrock keys carry a 60-character secret ending in one `=`: standard base64 of 44 bytes. */
const API_KEY_SECRET_BYTES = 44;

/**
 * Standard base64 of the bytes. Copied into a Buffer rather than read in place: a small Uint8Array lives inside V8's heap, and
 * asking for its `.buffer` moves it out first, which costs twice what copying 32 bytes does (measured: ~1.9 against ~0.8 us).
 */
const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

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

/** Every digest `digestSecret` makes: SHA-256 in base64url, 43 characters. */
const DIGEST_LENGTH = 43;
/** Scratch space for the two digests being compared (filled and compared synchronously, so one pair serves every call). */
const presentedDigestBytes = Buffer.alloc(DIGEST_LENGTH);
const storedDigestBytes = Buffer.alloc(DIGEST_LENGTH);

/**
 * Compares the digest of a presented secret with a stored digest in constant time. The presented secret is digested even when
 * nothing is stored (`undefined`: no such credential), so that an unknown name costs what a wrong secret costs.
 */
export const secretMatchesDigest = (presented: string, stored: SecretDigest | undefined): boolean => {
  const presentedDigest = digestSecret(presented);
  // The presented digest is always DIGEST_LENGTH long; a stored text of another length is no digest of ours.
  if (stored?.length !== DIGEST_LENGTH) return false;
  // Written in place, without a new Buffer per call (digests are ASCII: one byte per character).
  presentedDigestBytes.write(presentedDigest);
  storedDigestBytes.write(stored);
  return crypto.timingSafeEqual(presentedDigestBytes, storedDigestBytes);
};
