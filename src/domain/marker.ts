import { err, ok, type Result } from 'neverthrow';
import type { CredentialPosition } from './credential.js';

/**
 * Markers are opaque to clients: a versioned, base64url-encoded position in the listing order. They are not signed: a marker carries
 * no authority (it is only where to resume a listing the caller may read in full anyway), and an unsigned one keeps working across
 * engines that share a store and across restarts. Anything that is not exactly the encoding of a position is refused.
 */
const CREDENTIAL_MARKER_VERSION = 'c1';
const USER_MARKER_VERSION = 'u1';

type NotAMarker = 'not a marker we issue';
const NOT_A_MARKER: NotAMarker = 'not a marker we issue';

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** The text a marker encodes, when the marker is exactly its canonical base64url spelling. */
const decode = (marker: string): Result<string, NotAMarker> => {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  return encode(text) === marker ? ok(text) : err(NOT_A_MARKER);
};

export const encodeCredentialMarker = (position: CredentialPosition): string =>
  encode(`${CREDENTIAL_MARKER_VERSION}:${position.createDate.getTime()}:${position.credentialId}`);

const CREDENTIAL_MARKER = /^c1:(-?\d{1,16}):(\w{1,128})$/;

export const decodeCredentialMarker = (marker: string): Result<CredentialPosition, NotAMarker> =>
  decode(marker).andThen((text) => {
    const match = CREDENTIAL_MARKER.exec(text);
    if (match?.[1] === undefined || match[2] === undefined) return err(NOT_A_MARKER);
    const createDate = new Date(Number(match[1]));
    return Number.isNaN(createDate.getTime()) ? err(NOT_A_MARKER) : ok({ createDate, credentialId: match[2] });
  });

/** Users page in the order of their case-folded names. */
export const encodeUserMarker = (userNameKey: string): string => encode(`${USER_MARKER_VERSION}:${userNameKey}`);

const USER_MARKER = /^u1:([\w+=,.@-]{1,64})$/;

export const decodeUserMarker = (marker: string): Result<string, NotAMarker> =>
  decode(marker).andThen((text) => {
    const userNameKey = USER_MARKER.exec(text)?.[1];
    return userNameKey === undefined ? err(NOT_A_MARKER) : ok(userNameKey);
  });
