/**
 * Citizen ID numbers (公民身份号码, GB 11643-1999): 6-digit area code, 8-digit birth date,
 * 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an 18-character ID number. */
export function computeCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('computeCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Why an ID number was refused; `null` when it is valid. */
export type IdNumberProblem =
  | 'ID_FORMAT_INVALID'
  | 'ID_BIRTH_DATE_INVALID'
  | 'ID_CHECKSUM_INVALID'
  | 'ID_SCIENTIFIC_NOTATION';

/** What an 18-character ID number says about its holder. */
export interface IdNumberInfo {
  idNumber: string;
  areaCode: string;
  birthDate: string; // YYYY-MM-DD
  gender: 'MALE' | 'FEMALE';
}

/** Thrown by `parseIdNumber` with the reason code and a message naming what is wrong. */
export class IdNumberError extends Error {
  constructor(
    readonly problem: IdNumberProblem,
    message: string,
  ) {
    super(message);
  }
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Validates an 18-character ID number exactly as stored (upper-case X, no spaces) and returns what it
 * encodes. Cleaning of messy input (full-width digits, apostrophes, 15-digit forms) is `normalizeIdNumber`'s job.
 */
export function parseIdNumber(idNumber: string): IdNumberInfo {
  if (!/^\d{17}[\dX]$/.test(idNumber)) {
    throw new IdNumberError('ID_FORMAT_INVALID', 'ID number must be 17 digits followed by a digit or X');
  }
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  if (y < 1850 || !isRealDate(y, m, d)) {
    throw new IdNumberError('ID_BIRTH_DATE_INVALID', `ID number encodes an impossible birth date ${idNumber.slice(6, 14)}`);
  }
  const expected = computeCheckChar(idNumber.slice(0, 17));
  if (idNumber[17] !== expected) {
    throw new IdNumberError('ID_CHECKSUM_INVALID', 'ID number check character is wrong');
  }
  return {
    idNumber,
    areaCode: idNumber.slice(0, 6),
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender: Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}

/** Masks an ID number for display: 610902********123X. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length < 10) return '*'.repeat(idNumber.length);
  return idNumber.slice(0, 6) + '*'.repeat(idNumber.length - 10) + idNumber.slice(-4);
}
