import { err, ok, type Result } from 'neverthrow';
import { type IamError, validationError } from '../domain/iam-error.js';

/** The page size when MaxItems is absent (the model's default). */
export const DEFAULT_MAX_ITEMS = 100;

/** What IAM emulators answer for a marker the service did not issue; real AWS's text for it is unrecorded. */
const invalidMarker = (): IamError => validationError('Invalid Marker.');

/** A request's Marker as the position it encodes (none when absent); a marker that encodes no acceptable position is refused. */
export const readMarker = <T>(
  marker: string | undefined,
  decode: (marker: string) => Result<T, unknown>,
  acceptable: (position: T) => boolean = () => true,
): Result<T | undefined, IamError> => {
  if (marker === undefined) return ok(undefined);
  const position = decode(marker);
  return position.isOk() && acceptable(position.value) ? ok(position.value) : err(invalidMarker());
};
