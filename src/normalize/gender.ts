/** Gender as written in legacy sheets (男/女, GB/T 2261.1 codes 1/2, M/F, male/female). */

import { blank, fail, isBlank, ok, type NormalizeResult } from './result';
import { describeType, removeAllSpaces, toHalfWidth } from './text';

/** The two genders the ledger records. */
export type Gender = 'MALE' | 'FEMALE';

const GENDERS: Record<string, Gender> = {
  男: 'MALE',
  男性: 'MALE',
  '1': 'MALE',
  m: 'MALE',
  male: 'MALE',
  女: 'FEMALE',
  女性: 'FEMALE',
  '2': 'FEMALE',
  f: 'FEMALE',
  female: 'FEMALE',
};

/**
 * Normalises a gender cell to 'MALE' | 'FEMALE' from 男/女/男性/女性, the GB/T 2261.1 codes 1 (男) and
 * 2 (女) as text or number, M/F and male/female in any case. Anything else (including GB/T 2261.1's
 * 0 unknown and 9 unspecified) is GENDER_INVALID; blank input is BLANK.
 */
export function normalizeGender(raw: unknown): NormalizeResult<Gender> {
  if (isBlank(raw)) return blank('Gender');
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    return fail('GENDER_INVALID', `Gender must be text or a code, got ${describeType(raw)}`);
  }
  const key = removeAllSpaces(toHalfWidth(String(raw))).toLowerCase();
  const gender = Object.hasOwn(GENDERS, key) ? GENDERS[key] : undefined;
  if (gender) return ok(gender);
  return fail('GENDER_INVALID', `Gender "${key.slice(0, 20)}" is not one of 男/女, 1/2, M/F or male/female`);
}
