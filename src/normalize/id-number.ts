/**
 * Citizen ID numbers (公民身份号码, GB 11643-1999): 6-digit area code, 8-digit birth date,
 * 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character.
 */

import { blank, fail, isBlank, ok, type NormalizeResult } from './result';
import { describeShape, describeType, removeAllSpaces, toHalfWidth } from './text';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an 18-character ID number. */
export function computeCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('computeCheckChar needs exactly 17 digits');
  return checkCharOf(first17);
}

/** The check character for the 17 digits a string starts with (read in place, not checked). */
function checkCharOf(s: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Why an ID number was refused; `null` when it is valid. */
export type IdNumberProblem =
  'ID_FORMAT_INVALID' | 'ID_BIRTH_DATE_INVALID' | 'ID_CHECKSUM_INVALID' | 'ID_SCIENTIFIC_NOTATION';

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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by digits `from`..`to` (exclusive) of a string known to be digits there. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/**
 * What is wrong with an 18-character ID number exactly as stored, or null when it is valid; reads
 * it in place (no strings or dates made: every roster row is checked).
 */
function idNumberProblem(idNumber: string): IdNumberError | null {
  if (!/^\d{17}[\dX]$/.test(idNumber)) {
    return new IdNumberError('ID_FORMAT_INVALID', 'ID number must be 17 digits followed by a digit or X');
  }
  const y = digitsAt(idNumber, 6, 10);
  const m = digitsAt(idNumber, 10, 12);
  const d = digitsAt(idNumber, 12, 14);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (y < 1850 || m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1] + (m === 2 && leap ? 1 : 0)) {
    return new IdNumberError(
      'ID_BIRTH_DATE_INVALID',
      `ID number encodes an impossible birth date ${idNumber.slice(6, 14)}`,
    );
  }
  if (idNumber[17] !== checkCharOf(idNumber)) {
    return new IdNumberError('ID_CHECKSUM_INVALID', 'ID number check character is wrong');
  }
  return null;
}

/**
 * Validates an 18-character ID number exactly as stored (upper-case X, no spaces) and returns what it
 * encodes. Cleaning of messy input (full-width digits, apostrophes, 15-digit forms) is `normalizeIdNumber`'s job.
 */
export function parseIdNumber(idNumber: string): IdNumberInfo {
  const problem = idNumberProblem(idNumber);
  if (problem) throw problem;
  return {
    idNumber,
    areaCode: idNumber.slice(0, 6),
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender: (idNumber.charCodeAt(16) - 48) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}

/** Masks an ID number for display: 610902********123X. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length < 10) return '*'.repeat(idNumber.length);
  return idNumber.slice(0, 6) + '*'.repeat(idNumber.length - 10) + idNumber.slice(-4);
}

/** Problem code for input that is neither 18 characters nor a 15-digit legacy number once cleaned. */
const FORMAT = 'ID_FORMAT_INVALID';

/**
 * Cleans an ID number as it arrives from a legacy spreadsheet and validates it: trims, removes inner
 * spaces, folds full-width digits and letters, strips a leading apostrophe (Excel's text marker) or
 * quotes, upper-cases x, converts a 15-digit legacy number to 18 characters, then checks the birth
 * date and check character. A number destroyed by scientific notation (6.10902E+17, or a JS number
 * of 16+ digits) is refused with ID_SCIENTIFIC_NOTATION: the lost digits are never guessed.
 * Messages never contain the full number.
 */
export function normalizeIdNumber(raw: unknown): NormalizeResult<string> {
  if (isBlank(raw)) return blank('ID number');
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw) || raw < 0) {
      return fail(FORMAT, 'ID number arrived as a number that is not a whole positive number');
    }
    if (raw >= 1e15) {
      return fail(
        'ID_SCIENTIFIC_NOTATION',
        'ID number arrived as a spreadsheet number of 16 or more digits, which keeps only 15 significant ' +
          'digits; the lost digits cannot be recovered, so the number must be re-entered as text',
      );
    }
    text = String(raw);
  } else if (typeof raw === 'bigint') {
    text = raw.toString();
  } else if (typeof raw === 'string') {
    text = raw;
  } else {
    return fail(FORMAT, `ID number must be text, got ${describeType(raw)}`);
  }

  let s = removeAllSpaces(toHalfWidth(text))
    .replace(/^['"`‘’“”]+/, '')
    .replace(/['"`‘’“”]+$/, '');
  if (/^\d+(\.\d*)?E[+-]?\d+$/i.test(s)) {
    return fail(
      'ID_SCIENTIFIC_NOTATION',
      `ID number is in scientific notation (shape ${describeShape(s)}); the spreadsheet dropped digits ` +
        'and they cannot be recovered, so the number must be re-entered as text',
    );
  }
  s = s.toUpperCase();

  let note: string | undefined;
  if (/^\d{15}$/.test(s)) {
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    s = first17 + computeCheckChar(first17);
    note = 'Converted a 15-digit legacy ID number to 18 characters';
  } else if (!/^\d{17}[\dX]$/.test(s)) {
    const why = /^[\dX]+$/.test(s)
      ? `has ${s.length} characters`
      : `contains characters other than digits and X, shape ${describeShape(s)}`;
    return fail(
      FORMAT,
      `ID number ${why}; expected 18 characters (17 digits and a digit or X) or 15 legacy digits`,
    );
  }

  const problem = idNumberProblem(s);
  if (problem) return fail(problem.problem, `${problem.message} (${maskIdNumber(s)})`);
  if (note === undefined && s.endsWith('000')) {
    note =
      'ID number ends in 000, which is also what a spreadsheet leaves after rounding a long number; check it against the source';
  }
  return ok(s, note);
}

/**
 * Builds a valid 18-character ID number for fixtures and generators: the sequence (0..999) is moved by
 * one when needed so that its parity matches the gender (odd = male, even = female).
 */
export function makeIdNumber(
  areaCode: string,
  birthDate: string,
  sequence: number,
  gender: 'MALE' | 'FEMALE',
): string {
  if (!/^\d{6}$/.test(areaCode)) throw new RangeError('makeIdNumber: areaCode must be 6 digits');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[1]) < 1850) {
    throw new RangeError(`makeIdNumber: birthDate must be a real YYYY-MM-DD date, got ${birthDate}`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new RangeError('makeIdNumber: sequence must be an integer 0..999');
  }
  let seq = sequence;
  if (gender === 'MALE' && seq % 2 === 0) seq += 1;
  if (gender === 'FEMALE' && seq % 2 === 1) seq -= 1;
  const first17 = `${areaCode}${m[1]}${m[2]}${m[3]}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckChar(first17);
}
