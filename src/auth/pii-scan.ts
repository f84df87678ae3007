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

/**
 * Free text (a case description typed by a resident) with every ID-number-shaped and
 * mobile-number-shaped run masked as the API masks those fields, for answers anyone may read,
 * such as the public Open311 request list. Masks shapes rather than only valid numbers: a
 * mistyped ID number is still someone's.
 */
export function maskPersonalDataIn(text: string): string {
  return text
    .replace(new RegExp(ID_CANDIDATE.source, 'g'), (m) => `${m.slice(0, 6)}********${m.slice(14)}`)
    .replace(new RegExp(PHONE_CANDIDATE.source, 'g'), (m) => `${m.slice(0, 3)}****${m.slice(7)}`);
}
