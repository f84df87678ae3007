import { maskIdNumber } from '../normalize/id-number';
import { maskPhone } from '../normalize/phone';
import { toHalfWidth } from '../normalize/text';

/**
 * Masking of personal data inside free text: a case description, a handling note, a rating
 * comment, a spreadsheet cell as received, a fact detail. Residents and staff type ID numbers and
 * phone numbers in any form, so a number is recognised with full-width digits, with spaces,
 * hyphens, dots or brackets between its digits (138 1234 5678, 0915-3212345, (0915)3212345), with
 * +86 / 0086 in front, and as the digits of a 15-digit legacy or 18-character ID number. Shapes
 * are masked rather than only valid numbers: a mistyped ID number is still someone's.
 */

const DIGIT = '[0-9\\uFF10-\\uFF19]';
/** What may stand between the digits of one number (at most two in a row). */
const SEP = '[ \\t\\u00A0\\u3000.\\-\\u2010-\\u2015\\u2212\\uFF0D()\\uFF08\\uFF09]';
/** A run of digits with separators inside, a leading + and a trailing X (an ID's check character). */
const RUN = new RegExp(
  `(?<!${DIGIT})[+\\uFF0B]?${DIGIT}(?:${SEP}{0,2}${DIGIT})*(?:${SEP}?[Xx\\uFF38\\uFF58](?![A-Za-z]))?`,
  'g',
);
const SEP_ONLY = new RegExp(SEP, 'g');

/** A number of personal data in a compact run (digits, maybe + first and X last), masked; else null. */
function maskNumber(compact: string): string | null {
  const digits = compact.replace(/^\+/, '');
  const mobile = /^(?:86|0086)?(1[3-9]\d{9})$/.exec(digits);
  if (mobile) return maskPhone(mobile[1]);
  if (/^\d{17}[\dX]$/.test(digits) || /^\d{15}$/.test(digits)) return maskIdNumber(digits);
  const national = /^(?:86|0086)?0?([1-9]\d{8,10})$/.exec(digits);
  if (national && (digits.startsWith('0') || compact.startsWith('+') || digits.startsWith('86'))) {
    // a landline with its area code: 010 and 02x have 3 digits, all others 4
    const full = `0${national[1]}`;
    const areaLength = /^0[12]/.test(full) ? 3 : 4;
    const local = full.slice(areaLength);
    if (/^[2-9]\d{6,7}$/.test(local)) return maskPhone(`${full.slice(0, areaLength)}-${local}`);
  }
  if (digits.replace(/X$/, '').length >= 14) {
    // an unrecognised long run (a mistyped ID number, numbers written together): keep 4 digits
    return '*'.repeat(digits.length - 4) + digits.slice(-4);
  }
  return null;
}

function maskRun(run: string): string {
  const compact = toHalfWidth(run).replace(SEP_ONLY, '').toUpperCase();
  const whole = maskNumber(compact);
  if (whole !== null) return whole;
  if (compact.endsWith('X')) {
    // the X was a letter after the number, not a check character
    const x = run.search(/[XxＸｘ]$/);
    const head = run.slice(0, x);
    const sep = head.length - head.trimEnd().length;
    return maskRun(head.slice(0, head.length - sep)) + run.slice(head.length - sep);
  }
  // several numbers in one run (138-1234-5678-1, an extension): mask each piece that is one
  const pieces = run.split(new RegExp(`(${SEP}{1,2})`));
  if (pieces.length === 1) return run;
  return pieces.map((p, i) => (i % 2 === 1 ? p : (maskNumber(toHalfWidth(p).toUpperCase()) ?? p))).join('');
}

/** The text with every ID number and phone number in it masked as the API masks those fields. */
export function maskPersonalText(text: string): string {
  return text.replace(RUN, maskRun);
}

/**
 * A value with personal data masked wherever it sits: strings as free text, whole numbers of 10+
 * digits (an ID number or phone read as a number from a spreadsheet), arrays and objects deeply.
 */
export function maskPersonalValue(v: unknown): unknown {
  if (typeof v === 'string') return maskPersonalText(v);
  if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) >= 1e10) {
    const s = String(v);
    return /^\d+$/.test(s) ? (maskNumber(s) ?? '*'.repeat(s.length - 4) + s.slice(-4)) : '*'.repeat(s.length);
  }
  if (Array.isArray(v)) return v.map(maskPersonalValue);
  if (v && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskPersonalValue(x)]));
  return v;
}
