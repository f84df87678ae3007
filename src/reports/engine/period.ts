import { AppError } from '../../errors/app-error';

/** How long a form's reporting period is. */
export type PeriodType = 'MONTH' | 'QUARTER' | 'YEAR';

/**
 * A reporting period (报告期) in China time (UTC+8). Figures are evaluated at `end`, the period's
 * last instant (e.g. 2026Q3 → 2026-09-30T23:59:59.999+08:00), and facts must be valid on `lastDay`.
 */
export interface Period {
  key: string;
  type: PeriodType;
  /** First instant of the period. */
  start: Date;
  /** Last instant of the period: the as-of time of every figure. */
  end: Date;
  /** The period's last calendar day in China, YYYY-MM-DD. */
  lastDay: string;
  /** As written on forms: 2026年第3季度, 2026年9月, 2026年. */
  label: string;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The instant 00:00 China time of a calendar day (month is 1-based; overflow rolls over). */
function chinaMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - CHINA_OFFSET_MS);
}

function build(type: PeriodType, year: number, firstMonth: number, months: number): Period {
  const start = chinaMidnight(year, firstMonth, 1);
  const next = chinaMidnight(year, firstMonth + months, 1);
  const end = new Date(next.getTime() - 1);
  const last = new Date(next.getTime() + CHINA_OFFSET_MS - 86400000);
  const lastDay = `${last.getUTCFullYear()}-${pad(last.getUTCMonth() + 1)}-${pad(last.getUTCDate())}`;
  if (type === 'YEAR') return { key: `${year}`, type, start, end, lastDay, label: `${year}年` };
  if (type === 'QUARTER') {
    const q = (firstMonth - 1) / 3 + 1;
    return { key: `${year}Q${q}`, type, start, end, lastDay, label: `${year}年第${q}季度` };
  }
  return { key: `${year}-${pad(firstMonth)}`, type, start, end, lastDay, label: `${year}年${firstMonth}月` };
}

/**
 * Parses a period key: `2026Q3` (quarter), `2026-09` (month) or `2026` (year). A malformed key is
 * the caller's error naming `field`.
 */
export function parsePeriod(key: string, field = 'period'): Period {
  const text = key.trim();
  let m = /^(\d{4})Q([1-4])$/i.exec(text);
  if (m) return build('QUARTER', Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 3);
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return build('MONTH', Number(m[1]), Number(m[2]), 1);
  m = /^(\d{4})$/.exec(text);
  if (m) return build('YEAR', Number(m[1]), 1, 12);
  throw new AppError(
    'VALUE_INVALID',
    `period "${key.slice(0, 20)}" is not a period: use 2026Q3 (quarter), 2026-09 (month) or 2026 (year)`,
    field,
  );
}

/** The period just before this one, of the same type (2026Q1 → 2025Q4). */
export function previousPeriod(p: Period): Period {
  const before = new Date(p.start.getTime() - 1 + CHINA_OFFSET_MS);
  const year = before.getUTCFullYear();
  const month = before.getUTCMonth() + 1;
  if (p.type === 'YEAR') return build('YEAR', year, 1, 12);
  if (p.type === 'QUARTER') return build('QUARTER', year, Math.floor((month - 1) / 3) * 3 + 1, 3);
  return build('MONTH', year, month, 1);
}

/** The latest period of a type that has fully ended at `now` (the one a scheduled run reports). */
export function lastEndedPeriod(type: PeriodType, now: Date): Period {
  const local = new Date(now.getTime() + CHINA_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const current =
    type === 'YEAR'
      ? build('YEAR', year, 1, 12)
      : type === 'QUARTER'
        ? build('QUARTER', year, Math.floor((month - 1) / 3) * 3 + 1, 3)
        : build('MONTH', year, month, 1);
  return previousPeriod(current);
}
