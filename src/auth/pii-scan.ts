import { parseIdNumber } from '../normalize/id-number';

const ID_CANDIDATE = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g;
const PHONE_CANDIDATE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** One personal value found in a text (reported masked, so the finding itself leaks nothing). */
export interface PersonalDataFinding {
  kind: 'ID_NUMBER' | 'PHONE';
  line: number;
  masked: string;
}

/**
 * Finds unmasked citizen ID numbers (valid check character) and mobile numbers in a text, such
 * as a server log. Used after the test suite to prove the logs hold none.
 */
export function findPersonalData(text: string): PersonalDataFinding[] {
  const out: PersonalDataFinding[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(ID_CANDIDATE)) {
      try {
        parseIdNumber(m[0].toUpperCase());
        out.push({ kind: 'ID_NUMBER', line: i + 1, masked: `${m[0].slice(0, 6)}********${m[0].slice(14)}` });
      } catch {
        // not a valid ID number (wrong check character or date): a coincidence of digits
      }
    }
    for (const m of l.matchAll(PHONE_CANDIDATE))
      out.push({ kind: 'PHONE', line: i + 1, masked: `${m[0].slice(0, 3)}****${m[0].slice(7)}` });
  });
  return out;
}
