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

const decode = (marker: string): string => Buffer.from(marker, 'base64url').toString('utf8');

export const encodeCredentialMarker = (position: CredentialPosition): string =>
  encode(`${CREDENTIAL_MARKER_VERSION}:${position.createDate.getTime()}:${position.credentialId}`);

const CREDENTIAL_MARKER = /^c1:(-?\d+):(\w{1,128})$/;

/**
 * The position a marker encodes, when the marker is exactly what `encodeCredentialMarker` makes of it: that one comparison refuses
 * every other spelling (base64 padding, leading zeros, `-0`) and every number that is no instant a Date holds (it encodes as `NaN`).
 */
export const decodeCredentialMarker = (marker: string): Result<CredentialPosition, NotAMarker> => {
  const match = CREDENTIAL_MARKER.exec(decode(marker));
  if (match === null) return err(NOT_A_MARKER);
  const position = { createDate: new Date(Number(match[1])), credentialId: match[2] as string };
  return encodeCredentialMarker(position) === marker ? ok(position) : err(NOT_A_MARKER);
};

/** Users page in the order of their case-folded names. */
export const encodeUserMarker = (userNameKey: string): string => encode(`${USER_MARKER_VERSION}:${userNameKey}`);

const USER_MARKER = /^u1:([\w+=,.@-]{1,64})$/;

/** The user name key a marker encodes, when the marker is exactly what `encodeUserMarker` makes of it. */
export const decodeUserMarker = (marker: string): Result<string, NotAMarker> => {
  const userNameKey = USER_MARKER.exec(decode(marker))?.[1];
  return userNameKey !== undefined && encodeUserMarker(userNameKey) === marker ? ok(userNameKey) : err(NOT_A_MARKER);
};
