/** The fixed set of codes clients see in `extensions.code`. */
export type PublicErrorCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

/** Domain reasons, each mapped to one public code. Add new reasons here. */
export const REASONS = {
  ID_FORMAT_INVALID: 'BAD_USER_INPUT',
  ID_CHECKSUM_INVALID: 'BAD_USER_INPUT',
  ID_BIRTH_DATE_INVALID: 'BAD_USER_INPUT',
  ID_SCIENTIFIC_NOTATION: 'BAD_USER_INPUT',
  BIRTH_DATE_MISMATCH: 'BAD_USER_INPUT',
  GENDER_MISMATCH: 'BAD_USER_INPUT',
  VALUE_INVALID: 'BAD_USER_INPUT',
  AREA_UNKNOWN: 'BAD_USER_INPUT',
  AREA_LEVEL_INVALID: 'BAD_USER_INPUT',
  POINT_OUTSIDE_AREAS: 'BAD_USER_INPUT',
  GEOMETRY_INVALID: 'BAD_USER_INPUT',
  CURSOR_INVALID: 'BAD_USER_INPUT',
  GLOBAL_ID_INVALID: 'BAD_USER_INPUT',
  PAGE_SIZE_EXCEEDED: 'BAD_USER_INPUT',
  PERSON_NOT_FOUND: 'NOT_FOUND',
  HOUSEHOLD_NOT_FOUND: 'NOT_FOUND',
  HOUSE_NOT_FOUND: 'NOT_FOUND',
  THING_NOT_FOUND: 'NOT_FOUND',
  DEPARTMENT_NOT_FOUND: 'NOT_FOUND',
  ID_NUMBER_TAKEN: 'CONFLICT',
  HOUSEHOLD_NUMBER_TAKEN: 'CONFLICT',
  HOUSE_CODE_TAKEN: 'CONFLICT',
  VERSION_CONFLICT: 'CONFLICT',
  DISTRICT_MISMATCH: 'BAD_USER_INPUT',
  FILE_EMPTY: 'BAD_USER_INPUT',
  FILE_TOO_LARGE: 'BAD_USER_INPUT',
  FILE_FORMAT_UNSUPPORTED: 'BAD_USER_INPUT',
  FILE_CORRUPT: 'BAD_USER_INPUT',
  FILE_ENCRYPTED: 'BAD_USER_INPUT',
  FILE_ENCODING_INVALID: 'BAD_USER_INPUT',
  HEADER_NOT_FOUND: 'BAD_USER_INPUT',
  PROFILE_INVALID: 'BAD_USER_INPUT',
  PROFILE_NOT_FOUND: 'NOT_FOUND',
  INGEST_RUN_NOT_FOUND: 'NOT_FOUND',
  MERGE_REFUSED: 'BAD_USER_INPUT',
  MERGE_NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
} as const satisfies Record<string, PublicErrorCode>;

/** A domain reason code such as ID_CHECKSUM_INVALID. */
export type Reason = keyof typeof REASONS;

/**
 * The one error services throw. `field` names the input field at fault (e.g. `input.idNumber`);
 * the message is safe to show to the caller and never contains personal data.
 */
export class AppError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The public code clients branch on. */
  get code(): PublicErrorCode {
    return REASONS[this.reason];
  }
}
