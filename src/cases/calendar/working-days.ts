/**
 * The official Chinese working-day calendar (法定节假日 and 调休 make-up working days) used to count case
 * time limits (办理时限) in working days.
 *
 * Source of truth: the `chinese-days` package's `dist/chinese-days.json` (maps keyed by `YYYY-MM-DD`), optionally
 * replaced year by year by an override file of the same shape, so that the State Council's notice for a new year
 * can be added without a code change or a package upgrade.
 *
 * All day arithmetic happens in Asia/Shanghai local time (UTC+8, no daylight saving time since 1991), computed
 * from the epoch milliseconds; the machine's TZ setting is never consulted.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Holiday and make-up working day maps keyed by `YYYY-MM-DD`; values are labels such as "National Day,国庆节,3". */
export interface CalendarData {
  /** Days off by law, including the weekend days that fall inside a holiday block. */
  holidays: Record<string, string>;
  /** Weekend days that are working days (调休上班). */
  workdays: Record<string, string>;
}

/** Thrown when a date falls in a year that neither the package nor the override file describes. */
export class UnknownCalendarYearError extends Error {
  constructor(readonly year: number) {
    super(
      `The working-day calendar has no holiday data for the year ${year} ` +
        `(工作日历缺少 ${year} 年的节假日安排); add it to the calendar override file.`,
    );
    this.name = 'UnknownCalendarYearError';
  }
}

const calendarFileSchema = z.object({
  holidays: z.record(z.string(), z.string()).default({}),
  workdays: z.record(z.string(), z.string()).default({}),
});

/** Day number (days since 1970-01-01) of a real `YYYY-MM-DD` date, or `undefined`. */
function tryParseDay(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(y, m - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) {
      return ms / DAY_MS;
    }
  }
  return undefined;
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` string; throws when the string is not a real date. */
function parseDay(date: string): number {
  const day = tryParseDay(date);
  if (day === undefined) throw new Error(`Not a real date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
  return day;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** The Asia/Shanghai calendar day (as a day number) that contains an instant. */
function shanghaiDay(instant: Date, what: string): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new Error(`${what} is an invalid Date`);
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Validates one calendar map file (package data or override) and returns it typed. */
function parseCalendarFile(raw: unknown, source: string): CalendarData {
  const parsed = calendarFileSchema.safeParse(raw);
  const problems = parsed.success
    ? (['holidays', 'workdays'] as const).flatMap((map) =>
        Object.keys(parsed.data[map])
          .filter((key) => tryParseDay(key) === undefined)
          .map((key) => `${map}.${key}: not a real date in YYYY-MM-DD form`),
      )
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new Error(`Invalid calendar data in ${source}:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read calendar file ${path}: ${(err as Error).message}`);
  }
}

let packageData: CalendarData | undefined;

/** The `chinese-days` package's own data, read once. */
function loadPackageData(): CalendarData {
  if (!packageData) {
    const path = require.resolve('chinese-days/dist/chinese-days.json');
    packageData = parseCalendarFile(readJson(path), path);
  }
  return packageData;
}

/**
 * Combines base data with an override: every year that occurs in the override (in either map) is taken entirely
 * from the override, so a corrected year can also remove a wrong entry; other years keep the base data.
 */
function mergeByYear(base: CalendarData, override: CalendarData): CalendarData {
  const overrideYears = new Set(
    [...Object.keys(override.holidays), ...Object.keys(override.workdays)].map((key) =>
      Number(key.slice(0, 4)),
    ),
  );
  const keep = (map: Record<string, string>) =>
    Object.fromEntries(Object.entries(map).filter(([key]) => !overrideYears.has(Number(key.slice(0, 4)))));
  return {
    holidays: { ...keep(base.holidays), ...override.holidays },
    workdays: { ...keep(base.workdays), ...override.workdays },
  };
}

/**
 * Working-day calendar of mainland China for counting case deadlines and handling times.
 *
 * A day is a working day when it is a make-up working day (调休上班), or when it is Monday–Friday and not a
 * public holiday. Every question about a day in a year the data does not cover throws
 * `UnknownCalendarYearError` instead of silently assuming a weekends-only calendar.
 */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<number>;
  private readonly workdays: ReadonlySet<number>;
  private readonly years: ReadonlySet<number>;

  /** Builds a calendar from explicit data; a year is known when at least one of its days appears in either map. */
  constructor(data: CalendarData) {
    const holidays = new Set(Object.keys(data.holidays).map(parseDay));
    const workdays = new Set(Object.keys(data.workdays).map(parseDay));
    const both = [...holidays].filter((day) => workdays.has(day));
    if (both.length > 0) {
      throw new Error(`Dates listed both as holiday and as working day: ${both.map(formatDay).join(', ')}`);
    }
    this.holidays = holidays;
    this.workdays = workdays;
    this.years = new Set([...holidays, ...workdays].map(yearOfDay));
  }

  /**
   * The calendar from the `chinese-days` package, with the years found in `overridePath` (a JSON file
   * `{ "holidays": { "YYYY-MM-DD": "label" }, "workdays": { ... } }`, the package's own shape) replacing or adding
   * whole years.
   */
  static fromPackage(overridePath?: string): WorkingCalendar {
    const base = loadPackageData();
    if (overridePath === undefined) return new WorkingCalendar(base);
    const override = parseCalendarFile(readJson(overridePath), overridePath);
    return new WorkingCalendar(mergeByYear(base, override));
  }

  /** The years this calendar has official data for, ascending. */
  knownYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  /** Whether a `YYYY-MM-DD` day is a working day: weekends and public holidays are off, make-up days are on. */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(parseDay(date));
  }

  /**
   * The deadline instant of a time limit of `days` working days for something received at `start`.
   *
   * The receiving day itself never counts, whatever the hour and whether or not it is a working day; counting
   * starts on the next Asia/Shanghai calendar day, and the deadline is the last millisecond
   * (23:59:59.999 +08:00) of the `days`-th working day after the receiving day. Example: received
   * 2026-09-30 15:00 +08:00 with a 1-working-day limit → due 2026-10-08 23:59:59.999 +08:00, because
   * 1–7 October are the National Day holiday. `days` must be a positive integer.
   */
  addWorkingDays(start: Date, days: number): Date {
    if (!Number.isSafeInteger(days) || days < 1) {
      throw new RangeError(`addWorkingDays needs a positive whole number of working days, got ${days}`);
    }
    let day = shanghaiDay(start, 'start');
    for (let remaining = days; remaining > 0;) {
      day += 1;
      if (this.isWorkingDayNumber(day)) remaining -= 1;
    }
    return new Date((day + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
  }

  /**
   * Working days elapsed between two instants, for handling-time KPIs: the number of working days strictly after
   * `from`'s Asia/Shanghai calendar day, up to and including `to`'s day. A whole number; 0 when both fall on the
   * same day. It is the inverse of `addWorkingDays`: `workingDaysBetween(s, addWorkingDays(s, n)) === n`, so a case
   * is on time exactly when the result at completion is at most its limit. Throws when `to` is before `from`.
   */
  workingDaysBetween(from: Date, to: Date): number {
    const first = shanghaiDay(from, 'from');
    const last = shanghaiDay(to, 'to');
    if (to.getTime() < from.getTime()) {
      throw new RangeError(
        `workingDaysBetween: 'to' (${to.toISOString()}) is before 'from' (${from.toISOString()})`,
      );
    }
    let count = 0;
    for (let day = first + 1; day <= last; day++) {
      if (this.isWorkingDayNumber(day)) count += 1;
    }
    return count;
  }

  private isWorkingDayNumber(day: number): boolean {
    const year = yearOfDay(day);
    if (!this.years.has(year)) throw new UnknownCalendarYearError(year);
    if (this.holidays.has(day)) return false;
    if (this.workdays.has(day)) return true;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}
