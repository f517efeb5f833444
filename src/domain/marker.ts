import type { CredentialPosition } from './credential.js';

/**
 * Markers are opaque to clients: a versioned, base64url-encoded position in the listing order. Decoding anything we did not issue
 * yields undefined, which the operation reports as a bad marker.
 */
const CREDENTIAL_MARKER_VERSION = 'c1';
const USER_MARKER_VERSION = 'u1';

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const decode = (marker: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) return undefined;
  return Buffer.from(marker, 'base64url').toString('utf8');
};

export const encodeCredentialMarker = (position: CredentialPosition): string =>
  encode(`${CREDENTIAL_MARKER_VERSION}:${position.createDate.getTime()}:${position.credentialId}`);

export const decodeCredentialMarker = (marker: string): CredentialPosition | undefined => {
  const match = /^c1:(-?\d{1,16}):(\w{1,128})$/.exec(decode(marker) ?? '');
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const createDate = new Date(Number(match[1]));
  return Number.isNaN(createDate.getTime()) ? undefined : { createDate, credentialId: match[2] };
};

/** Users page in the order of their case-folded names. */
export const encodeUserMarker = (userNameKey: string): string => encode(`${USER_MARKER_VERSION}:${userNameKey}`);

export const decodeUserMarker = (marker: string): string | undefined => {
  const match = /^u1:([\w+=,.@-]{1,64})$/.exec(decode(marker) ?? '');
  return match?.[1];
};
