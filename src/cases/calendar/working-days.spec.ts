import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWorkday as packageIsWorkday } from 'chinese-days';
import { UnknownCalendarYearError, WorkingCalendar } from './working-days';

/** An instant given in Beijing time, e.g. at('2026-09-30', '15:00'). */
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);
/** The last millisecond of a Beijing-time day, as the deadline is defined. */
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);

describe('WorkingCalendar from the chinese-days package', () => {
  const calendar = WorkingCalendar.fromPackage();

  it('knows a contiguous run of years from 2004 through at least 2026', () => {
    const years = calendar.knownYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    expect(years).toEqual(Array.from({ length: years.length }, (_, i) => 2004 + i));
  });

  it('follows the 2026 National Day and Mid-autumn holidays (9/25–9/27, 10/1–10/7) and their make-up days', () => {
    expect(calendar.isWorkingDay('2026-09-25')).toBe(false); // Friday, 中秋
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // Thursday, 国庆
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false); // Monday
    expect(calendar.isWorkingDay('2026-10-07')).toBe(false); // Wednesday
    expect(calendar.isWorkingDay('2026-10-08')).toBe(true); // Thursday
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true); // Sunday, 调休上班
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
  });

  it('follows the 2026 Spring Festival holiday (2/15–2/23) and its make-up Saturdays 2/14 and 2/28', () => {
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false); // Monday, 春节
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false); // Monday, 春节
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true); // Tuesday
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay('2026-01-02')).toBe(false); // Friday, 元旦
    expect(calendar.isWorkingDay('2026-01-04')).toBe(true); // Sunday, 调休上班
  });

  it('treats ordinary weekdays as working and ordinary weekends as off', () => {
    expect(calendar.isWorkingDay('2026-03-04')).toBe(true); // Wednesday
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-08')).toBe(false); // Sunday
  });

  it('agrees with chinese-days itself on every day of every known year', () => {
    const disagreements: string[] = [];
    for (const year of calendar.knownYears()) {
      for (
        let d = new Date(Date.UTC(year, 0, 1));
        d.getUTCFullYear() === year;
        d.setUTCDate(d.getUTCDate() + 1)
      ) {
        const iso = d.toISOString().slice(0, 10);
        if (calendar.isWorkingDay(iso) !== packageIsWorkday(iso)) disagreements.push(iso);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('counts the official number of working days in 2025 and 2026', () => {
    // 2025: 261 weekdays − 18 holiday weekdays + 5 make-up weekend days; 2026: 261 − 19 + 6.
    // Ignoring holidays would give 261; ignoring only the make-up days 243 and 242.
    expect(calendar.workingDaysBetween(at('2024-12-31', '12:00'), at('2025-12-31', '12:00'))).toBe(248);
    expect(calendar.workingDaysBetween(at('2025-12-31', '12:00'), at('2026-12-31', '12:00'))).toBe(248);
  });

  it('rejects strings that are not real YYYY-MM-DD dates', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(/2026-02-30/);
    expect(() => calendar.isWorkingDay('2026/10/01')).toThrow(/YYYY-MM-DD/);
  });

  describe('addWorkingDays', () => {
    it('skips the National Day holiday: received 2026-09-30 15:00 with 1 working day → end of 2026-10-08', () => {
      const due = calendar.addWorkingDays(at('2026-09-30', '15:00'), 1);
      expect(due.toISOString()).toBe('2026-10-08T15:59:59.999Z');
      expect(due).toEqual(endOf('2026-10-08'));
    });

    it('counts a make-up Saturday as a working day', () => {
      expect(calendar.addWorkingDays(at('2026-10-09', '10:00'), 1)).toEqual(endOf('2026-10-10'));
      expect(calendar.addWorkingDays(at('2026-09-30', '15:00'), 3)).toEqual(endOf('2026-10-10'));
      // 2/14 (make-up Saturday) is day 1, 2/15–2/23 are off, 2/24 is day 2.
      expect(calendar.addWorkingDays(at('2026-02-13', '17:30'), 2)).toEqual(endOf('2026-02-24'));
    });

    it('gives complex cases 7 working days across the holiday', () => {
      // 10/8, 10/9, 10/10 (make-up), 10/12, 10/13, 10/14, 10/15.
      expect(calendar.addWorkingDays(at('2026-09-30', '15:00'), 7)).toEqual(endOf('2026-10-15'));
    });

    it('never counts the receiving day, even when received at 00:00 or on a holiday', () => {
      expect(calendar.addWorkingDays(at('2026-03-04', '00:00'), 1)).toEqual(endOf('2026-03-05'));
      expect(calendar.addWorkingDays(at('2026-03-04', '23:59'), 1)).toEqual(endOf('2026-03-05'));
      expect(calendar.addWorkingDays(at('2026-10-03', '10:00'), 1)).toEqual(endOf('2026-10-08'));
      expect(calendar.addWorkingDays(at('2026-03-06', '16:00'), 1)).toEqual(endOf('2026-03-09')); // Fri → Mon
    });

    it('uses the Beijing day of the instant, not the UTC day or the machine time zone', () => {
      // 2026-10-08T16:30Z is Friday 2026-10-09 00:30 in Beijing, so the next working day is the make-up Saturday.
      const received = new Date('2026-10-08T16:30:00Z');
      const savedTz = process.env.TZ;
      try {
        for (const tz of ['UTC', 'America/New_York', 'Asia/Shanghai']) {
          process.env.TZ = tz;
          expect(calendar.addWorkingDays(received, 1)).toEqual(endOf('2026-10-10'));
        }
      } finally {
        if (savedTz === undefined) delete process.env.TZ;
        else process.env.TZ = savedTz;
      }
    });

    it('rejects limits that are not positive whole numbers and invalid dates', () => {
      const start = at('2026-03-04', '09:00');
      expect(() => calendar.addWorkingDays(start, 0)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(start, -1)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(start, 1.5)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(new Date('nope'), 1)).toThrow(/invalid Date/);
    });
  });

  describe('workingDaysBetween', () => {
    it('is 0 within the same Beijing day and counts whole working days after the first day', () => {
      expect(calendar.workingDaysBetween(at('2026-03-04', '09:00'), at('2026-03-04', '18:00'))).toBe(0);
      expect(calendar.workingDaysBetween(at('2026-09-30', '15:00'), at('2026-10-08', '09:00'))).toBe(1);
      expect(calendar.workingDaysBetween(at('2026-09-30', '15:00'), at('2026-10-07', '23:00'))).toBe(0);
      expect(calendar.workingDaysBetween(at('2026-09-30', '15:00'), at('2026-10-11', '09:00'))).toBe(3);
      expect(calendar.workingDaysBetween(at('2026-02-13', '09:00'), at('2026-02-28', '09:00'))).toBe(6);
    });

    it('is the inverse of addWorkingDays on every day of 2026', () => {
      const failures: string[] = [];
      for (let day = 0; day < 345; day++) {
        const start = new Date(at('2026-01-01', '14:00').getTime() + day * 86_400_000);
        for (const n of [1, 2, 3, 7]) {
          const due = calendar.addWorkingDays(start, n);
          if (calendar.workingDaysBetween(start, due) !== n) failures.push(`${start.toISOString()} +${n}`);
          // The deadline day is a working day and the next millisecond is past it.
          const dueDay = new Date(due.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
          if (!calendar.isWorkingDay(dueDay)) failures.push(`${dueDay} is not a working day`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('rejects an end before the start', () => {
      expect(() => calendar.workingDaysBetween(at('2026-03-05', '09:00'), at('2026-03-04', '09:00'))).toThrow(
        RangeError,
      );
    });
  });

  describe('unknown years', () => {
    it('throws an error naming the year instead of assuming a weekends-only calendar', () => {
      // chinese-days itself silently calls 2027-10-01 a working day.
      expect(packageIsWorkday('2027-10-01')).toBe(true);
      expect(() => calendar.isWorkingDay('2027-10-01')).toThrow(UnknownCalendarYearError);
      expect(() => calendar.isWorkingDay('2027-10-01')).toThrow(/2027/);
      expect(() => calendar.isWorkingDay('2003-06-02')).toThrow(/2003/);
    });

    it('throws when a deadline or a duration runs into an unknown year', () => {
      expect(() => calendar.addWorkingDays(at('2026-12-30', '10:00'), 3)).toThrow(/2027/);
      expect(() => calendar.workingDaysBetween(at('2026-12-30', '10:00'), at('2027-01-04', '10:00'))).toThrow(
        /2027/,
      );
      try {
        calendar.isWorkingDay('2030-01-02');
        throw new Error('expected an error');
      } catch (err) {
        expect(err).toBeInstanceOf(UnknownCalendarYearError);
        expect((err as UnknownCalendarYearError).year).toBe(2030);
      }
    });
  });
});

describe('WorkingCalendar with an override file', () => {
  let dir: string;
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'working-days-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // A hypothetical 2027 notice: 元旦 1/1–1/3; 国庆 10/1–10/7 with make-up days Sunday 9/26 and Saturday 10/9.
  const hypothetical2027 = {
    holidays: {
      '2027-01-01': "New Year's Day,元旦,1",
      '2027-01-02': "New Year's Day,元旦,1",
      '2027-01-03': "New Year's Day,元旦,1",
      ...Object.fromEntries(
        ['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2027-10-${d}`, 'National Day,国庆节,3']),
      ),
    },
    workdays: { '2027-09-26': 'National Day,国庆节,3', '2027-10-09': 'National Day,国庆节,3' },
  };

  it('adds a year the package does not know yet and keeps the package years', () => {
    const calendar = WorkingCalendar.fromPackage(write('2027.json', hypothetical2027));
    expect(calendar.knownYears()).toContain(2027);
    expect(calendar.knownYears()).toContain(2026);
    expect(calendar.isWorkingDay('2027-10-04')).toBe(false); // Monday in the holiday
    expect(calendar.isWorkingDay('2027-09-26')).toBe(true); // Sunday make-up
    expect(calendar.isWorkingDay('2027-10-09')).toBe(true); // Saturday make-up
    expect(calendar.isWorkingDay('2027-03-01')).toBe(true); // ordinary Monday
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // still from the package
    // 12/31 is day 1, 1/1–1/3 are off, 1/4 and 1/5 are days 2 and 3.
    expect(calendar.addWorkingDays(at('2026-12-30', '10:00'), 3)).toEqual(endOf('2027-01-05'));
    expect(() => calendar.isWorkingDay('2028-01-03')).toThrow(/2028/);
  });

  it('replaces a year present in the override entirely, so a wrong entry can be removed', () => {
    const calendar = WorkingCalendar.fromPackage(
      write('fix-2026.json', { holidays: { '2026-10-01': 'National Day,国庆节,3' }, workdays: {} }),
    );
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-02')).toBe(true); // Friday no longer a holiday
    expect(calendar.isWorkingDay('2026-10-10')).toBe(false); // Saturday no longer a make-up day
    expect(calendar.isWorkingDay('2025-10-02')).toBe(false); // other years untouched
  });

  it('accepts a file with only one of the two maps', () => {
    const calendar = WorkingCalendar.fromPackage(
      write('only-holidays.json', { holidays: hypothetical2027.holidays }),
    );
    expect(calendar.isWorkingDay('2027-10-09')).toBe(false);
  });

  it('rejects malformed override files with the file name and the problem', () => {
    expect(() =>
      WorkingCalendar.fromPackage(write('bad-key.json', { holidays: { '2027/10/01': 'x' } })),
    ).toThrow(/bad-key\.json[\s\S]*YYYY-MM-DD/);
    expect(() => WorkingCalendar.fromPackage(write('not-json.json', '{ holidays'))).toThrow(/not-json\.json/);
    expect(() => WorkingCalendar.fromPackage(join(dir, 'missing.json'))).toThrow(/missing\.json/);
    expect(() =>
      WorkingCalendar.fromPackage(
        write('both.json', { holidays: { '2027-10-09': 'x' }, workdays: { '2027-10-09': 'y' } }),
      ),
    ).toThrow(/2027-10-09/);
    expect(() =>
      WorkingCalendar.fromPackage(write('impossible.json', { holidays: { '2027-02-29': 'x' } })),
    ).toThrow(/2027-02-29/);
  });
});
