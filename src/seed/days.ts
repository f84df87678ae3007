/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC), fast enough for millions of
 * generated birth dates; exact proleptic Gregorian conversion (Howard Hinnant's civil-from-days).
 */

/** Day number of a YYYY-MM-DD date. */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

/** The YYYY-MM-DD date of a day number. */
export function isoOf(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The same calendar date `years` later (29 February becomes 1 March in common years). */
export function addYears(day: number, years: number): number {
  const [y, m, d] = isoOf(day).split('-').map(Number);
  return Math.round(Date.UTC(y + years, m - 1, d) / 86_400_000);
}

/** Whole years from birth to a day: the age on that day. */
export function ageOn(birthDay: number, day: number): number {
  const [by, bm, bd] = isoOf(birthDay).split('-').map(Number);
  const [y, m, d] = isoOf(day).split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
