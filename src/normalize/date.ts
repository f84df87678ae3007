/**
 * Dates from legacy spreadsheets: 1948.03.02, 1948/3/2, 1948-3-2, 19480302, 1948年3月2日, JS Date
 * objects (exceljs) and Excel serial numbers, normalised to YYYY-MM-DD.
 */

import { blank, fail, isBlank, ok, type NormalizeResult } from './result';
import { describeType, removeAllSpaces, toHalfWidth } from './text';

/** Options for `normalizeDate`. */
export interface NormalizeDateOptions {
  /** Accept a year and month without a day (1948年03月) as the first of the month, with a note. */
  allowMonthOnly?: boolean;
}

/** Earliest and latest years accepted by `normalizeDate`. */
export const MIN_YEAR = 1850;
export const MAX_YEAR = 2100;

/** Excel serial numbers accepted as dates (1 = 1900-01-01; 80000 is in 2119). */
const MIN_SERIAL = 1;
const MAX_SERIAL = 80000;

const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Validates year/month/day numbers and formats them; `shown` is how the input looked, for messages. */
function fromParts(y: number, m: number, d: number, shown: string): NormalizeResult<string> {
  if (y < MIN_YEAR || y > MAX_YEAR) {
    return fail('DATE_OUT_OF_RANGE', `Date ${shown} has year ${y}, outside ${MIN_YEAR}..${MAX_YEAR}`);
  }
  if (m < 1 || m > 12) return fail('DATE_INVALID', `Date ${shown} has month ${m}, which does not exist`);
  if (d < 1 || d > daysInMonth(y, m)) {
    return fail('DATE_INVALID', `Date ${shown} does not exist: ${y}-${pad(m)} has no day ${d}`);
  }
  return ok(`${y}-${pad(m)}-${pad(d)}`);
}

function monthOnly(
  y: number,
  m: number,
  shown: string,
  options: NormalizeDateOptions,
): NormalizeResult<string> {
  if (!options.allowMonthOnly) {
    return fail('DATE_INCOMPLETE', `Date ${shown} has a year and month but no day`);
  }
  const r = fromParts(y, m, 1, shown);
  return r.ok ? ok(r.value, `Date ${shown} had no day; used the first of the month`) : r;
}

/**
 * Converts an Excel serial number (1900 date system) to a date. Excel counts 1900-02-29, which never
 * existed: serial 60 is refused, serials from 61 on are shifted back by one day. Fractions (times) are dropped.
 */
export function excelSerialToDate(serial: number): NormalizeResult<string> {
  if (!Number.isFinite(serial) || serial < MIN_SERIAL || serial >= MAX_SERIAL + 1) {
    return fail(
      'DATE_SERIAL_OUT_OF_RANGE',
      `Number ${serial} is not a plausible Excel date serial (expected ${MIN_SERIAL}..${MAX_SERIAL}) nor a YYYYMMDD date`,
    );
  }
  const whole = Math.floor(serial);
  if (whole === 60) {
    return fail(
      'DATE_INVALID',
      'Excel serial 60 is 1900-02-29, a day that does not exist (a known Excel bug)',
    );
  }
  // Serial 1 = 1900-01-01, so day 0 is 1899-12-31; past the fake leap day everything is one day early.
  const epoch = Date.UTC(1899, 11, 31);
  const date = new Date(epoch + (whole > 60 ? whole - 1 : whole) * DAY_MS);
  return fromParts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), `serial ${serial}`);
}

/** Dates as written: separators . / - or 年月日, optionally followed by a time that is ignored. */
const SEPARATED =
  /^(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]$/;
const MONTH_ONLY = /^(\d{4})(?:[./-](\d{1,2})|年(\d{1,2})月?)$/;

/**
 * Normalises a date cell to YYYY-MM-DD. Accepts 1948.03.02, 1948/3/2, 1948-3-2, 19480302,
 * 1948年3月2日, full-width digits, JS Date objects (UTC parts, as exceljs gives them) and Excel serial
 * numbers (number or numeric string). Year-month only (1948年03月, 1948.03, 194803) is DATE_INCOMPLETE
 * unless `allowMonthOnly`. A 4-digit string such as "1948" is read as a bare year (DATE_INCOMPLETE),
 * not as a serial. Problems: BLANK, DATE_FORMAT_UNRECOGNIZED, DATE_INVALID, DATE_INCOMPLETE,
 * DATE_OUT_OF_RANGE, DATE_SERIAL_OUT_OF_RANGE.
 */
export function normalizeDate(raw: unknown, options: NormalizeDateOptions = {}): NormalizeResult<string> {
  if (isBlank(raw)) return blank('Date');
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail('DATE_INVALID', 'Date object is an invalid date');
    return fromParts(raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate(), 'object');
  }
  if (typeof raw === 'number') return fromNumber(raw, String(raw));
  if (typeof raw !== 'string') {
    return fail(
      'DATE_FORMAT_UNRECOGNIZED',
      `Date must be text, a number or a Date, got ${describeType(raw)}`,
    );
  }

  const trimmed = toHalfWidth(raw).trim();
  // Keep one space before a time part; all other spaces ("1948 年 3 月 2 日") go.
  const s = trimmed.replace(/\s+(?=\d{1,2}:\d{2})/, 'T').replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '');
  const shown = `"${removeAllSpaces(trimmed)}"`;

  let m = SEPARATED.exec(s);
  if (m) return fromParts(Number(m[1]), Number(m[3]), Number(m[4]), shown);
  m = CHINESE.exec(s);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), shown);
  m = MONTH_ONLY.exec(s);
  if (m) return monthOnly(Number(m[1]), Number(m[2] ?? m[3]), shown, options);
  if (/^\d{6}$/.test(s)) return monthOnly(Number(s.slice(0, 4)), Number(s.slice(4)), shown, options);
  if (/^\d{4}年?$/.test(s) && Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR) {
    return fail('DATE_INCOMPLETE', `Date ${shown} has only a year`);
  }
  if (/^\d+(\.\d+)?$/.test(s)) return fromNumber(Number(s), shown);
  return fail(
    'DATE_FORMAT_UNRECOGNIZED',
    `Date ${shown} is not in a recognised form (expected e.g. 1948-03-02, 1948.3.2, 19480302, 1948年3月2日 or an Excel serial)`,
  );
}

/** An 8-digit YYYYMMDD number, or an Excel serial. */
function fromNumber(n: number, shown: string): NormalizeResult<string> {
  if (Number.isInteger(n) && n >= 10_000_000 && n <= 99_999_999) {
    return fromParts(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100, shown);
  }
  return excelSerialToDate(n);
}
