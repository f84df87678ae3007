import { parseIdNumber } from '../normalize/id-number';
import { toHalfWidth } from '../normalize/text';

const ID_CANDIDATE = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g;
const PHONE_CANDIDATE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** One personal value found in a text (reported masked, so the finding itself leaks nothing). */
export interface PersonalDataFinding {
  kind: 'ID_NUMBER' | 'PHONE';
  line: number;
  masked: string;
}

/**
 * A line as the scanner reads it: full-width digits folded, and the spaces, hyphens and dots a
 * person puts between the digits of one number (138 1234 5678, 0915-321…) taken out, so a number
 * written that way inside free text is found too.
 */
function folded(line: string): string {
  return toHalfWidth(line).replace(/(?<=\d)[ \u00A0.\-\u2010-\u2015]{1,2}(?=\d)/g, '');
}

/**
 * Finds unmasked citizen ID numbers (valid check character) and mobile numbers in a text, such
 * as a server log, also when written with full-width digits or with separators between the
 * digits. Used after the test suite to prove the logs hold none.
 */
export function findPersonalData(text: string): PersonalDataFinding[] {
  const out: PersonalDataFinding[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = folded(raw);
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
