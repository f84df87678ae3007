import { AppError } from '../../errors/app-error';
import { lastEndedPeriod, parsePeriod, previousPeriod } from './period';

describe('reporting periods in China time', () => {
  it('ends 2026Q3 at 2026-09-30T23:59:59.999+08:00 and starts it at 07-01 00:00+08:00', () => {
    const p = parsePeriod('2026Q3');
    expect(p.end.toISOString()).toBe('2026-09-30T15:59:59.999Z');
    expect(p.start.toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(p.lastDay).toBe('2026-09-30');
    expect(p.label).toBe('2026年第3季度');
  });

  it('handles months (including February of a leap year) and years', () => {
    expect(parsePeriod('2028-02').lastDay).toBe('2028-02-29');
    expect(parsePeriod('2026-12').end.toISOString()).toBe('2026-12-31T15:59:59.999Z');
    expect(parsePeriod('2026').lastDay).toBe('2026-12-31');
    expect(parsePeriod('2026').label).toBe('2026年');
  });

  it('steps back one period across a year boundary', () => {
    expect(previousPeriod(parsePeriod('2026Q1')).key).toBe('2025Q4');
    expect(previousPeriod(parsePeriod('2026-01')).key).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026')).key).toBe('2025');
  });

  it('knows the last quarter that has ended, in China time', () => {
    // 2026-10-01 00:30 in China is still 09-30 in UTC: Q3 has ended
    expect(lastEndedPeriod('QUARTER', new Date('2026-09-30T16:30:00Z')).key).toBe('2026Q3');
    expect(lastEndedPeriod('QUARTER', new Date('2026-09-30T15:30:00Z')).key).toBe('2026Q2');
  });

  it('rejects a malformed period naming the field', () => {
    expect(() => parsePeriod('2026Q5', 'input.period')).toThrow(AppError);
    try {
      parsePeriod('Q3-2026', 'input.period');
    } catch (e) {
      expect((e as AppError).field).toBe('input.period');
      expect((e as AppError).message).toMatch(/2026Q3/);
    }
  });
});
