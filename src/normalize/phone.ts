/**
 * Phone numbers: mainland mobiles (11 digits, 1[3-9]…) and landlines with an area code
 * (0915-3212345). Messages describe a bad number's shape and never repeat it.
 */

import { blank, fail, isBlank, isOk, ok, type NormalizeResult } from './result';
import { describeShape, describeType, toHalfWidth } from './text';

/** Separators between several numbers in one cell. */
const SEPARATORS = /[/,;、，；|\\\n]|或/;

/** A leading label such as 手机：, 电话: or Tel: */
const LABEL = /^[^\d+(（]*[:：]/;

function cleanText(raw: unknown): string | NormalizeResult<string> {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0)
      return fail('PHONE_INVALID', 'Phone arrived as a number that is not whole');
    return String(raw);
  }
  if (typeof raw !== 'string') return fail('PHONE_INVALID', `Phone must be text, got ${describeType(raw)}`);
  return toHalfWidth(raw).trim();
}

/** Normalises one phone number written in any common way; see `normalizePhone`. */
function parseOne(text: string): NormalizeResult<string> {
  const s = text.replace(LABEL, '').replace(/[\s\u200B-\u200D\u2060\uFEFF.]/g, '');
  // described only for a message: most phones are valid
  const shape = () => describeShape(s);

  // Mobile: strip +86 / 0086 / 86, dashes and brackets.
  let digits = s.replace(/[-()（）]/g, '');
  const intl = /^(?:\+86|0086)/.exec(digits);
  if (intl) digits = digits.slice(intl[0].length);
  else if (/^86\d{11}$/.test(digits)) digits = digits.slice(2);
  if (/^1[3-9]\d{9}$/.test(digits)) return ok(digits);
  if (/^1\d{10}$/.test(digits)) {
    return fail(
      'PHONE_INVALID',
      `Phone ${shape()} has 11 digits but no mainland mobile prefix starts with 1${digits[1]}`,
    );
  }

  // Landline with area code: 0915-3212345, (0915)3212345, 09153212345, +86 915 3212345.
  if (!/^[\d\-()（）+]+$/.test(s)) {
    return fail('PHONE_INVALID', `Phone ${shape()} contains characters that are not part of a phone number`);
  }
  if (intl && /^[1-9]/.test(digits)) digits = `0${digits}`;
  const bracketed = /^(?:\+86|0086)?[(（](0\d{2,3})[)）]-?([2-9]\d{6,7})$/.exec(s);
  if (bracketed) return ok(`${bracketed[1]}-${bracketed[2]}`);
  const dashed = /^(?:\+86|0086)?(0\d{2,3})-([2-9]\d{6,7})$/.exec(s);
  if (dashed) return ok(`${dashed[1]}-${dashed[2]}`);
  if (/^0\d{9,11}$/.test(digits)) {
    // Area codes 010 and 02x have 3 digits, all others 4.
    const areaLength = /^0[12]/.test(digits) ? 3 : 4;
    const local = digits.slice(areaLength);
    if (/^[2-9]\d{6,7}$/.test(local)) return ok(`${digits.slice(0, areaLength)}-${local}`);
  }
  if (/^[2-9]\d{6,7}$/.test(digits)) {
    return fail('PHONE_NO_AREA_CODE', `Phone ${shape()} looks like a landline without its area code`);
  }
  return fail(
    'PHONE_INVALID',
    `Phone ${shape()} is neither an 11-digit mainland mobile nor a landline with an area code`,
  );
}

/**
 * Normalises a phone cell: a mainland mobile (with +86/86/0086, spaces, dashes or full-width digits)
 * becomes 11 digits, a landline with area code becomes '0915-3212345'. When the cell holds several
 * numbers (separated by / , ; 、) the first valid one is returned with a note; use `splitPhones` for
 * all of them. Problems: BLANK, PHONE_INVALID, PHONE_NO_AREA_CODE.
 */
export function normalizePhone(raw: unknown): NormalizeResult<string> {
  if (isBlank(raw)) return blank('Phone');
  const text = cleanText(raw);
  if (typeof text !== 'string') return text;
  const pieces = splitPieces(text);
  if (pieces.length <= 1) return parseOne(text);
  const results = pieces.map(parseOne);
  const first = results.find(isOk);
  if (!first) return results[0];
  return ok(
    first.value,
    `The cell holds ${pieces.length} phone entries; only the first valid one was kept (use splitPhones for all)`,
  );
}

/** Splits on explicit separators; a piece that fails as a whole but is several numbers separated by spaces is split too. */
function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  for (const part of text.split(SEPARATORS)) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const words = trimmed.split(/\s+/);
    if (words.length > 1 && !parseOne(trimmed).ok && words.every((w) => parseOne(w).ok))
      pieces.push(...words);
    else pieces.push(trimmed);
  }
  return pieces;
}

/**
 * All valid phone numbers in a cell such as '13812345678/0915-3212345、138 1234 5678', normalised,
 * without duplicates, in order. Pieces that are not phone numbers are left out; a blank cell gives [].
 */
export function splitPhones(raw: unknown): string[] {
  if (isBlank(raw)) return [];
  const text = cleanText(raw);
  if (typeof text !== 'string') return [];
  const found: string[] = [];
  for (const piece of splitPieces(text)) {
    const r = parseOne(piece);
    if (r.ok && !found.includes(r.value)) found.push(r.value);
  }
  return found;
}

/**
 * Masks a phone number for display and logs: '13812345678' → '138****5678', '0915-3212345' →
 * '0915-***2345'; anything else keeps only its last 4 characters.
 */
export function maskPhone(phone: string): string {
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const landline = /^(0\d{2,3}-)(\d+)$/.exec(phone);
  if (landline && landline[2].length > 4) {
    return landline[1] + '*'.repeat(landline[2].length - 4) + landline[2].slice(-4);
  }
  if (phone.length <= 4) return '*'.repeat(phone.length);
  return '*'.repeat(phone.length - 4) + phone.slice(-4);
}
