import { excelSerialToDate, normalizeDate } from './date';

const okDate = (value: string) => ({ ok: true, value });

describe('normalizeDate: written forms', () => {
  it.each([
    ['1948.03.02', '1948-03-02'],
    ['1948.3.2', '1948-03-02'],
    ['1948/3/2', '1948-03-02'],
    ['1948/03/02', '1948-03-02'],
    ['1948-3-2', '1948-03-02'],
    ['1948-03-02', '1948-03-02'],
    ['19480302', '1948-03-02'],
    ['1948年3月2日', '1948-03-02'],
    ['1948年03月02日', '1948-03-02'],
    ['1948年3月2号', '1948-03-02'],
    ['1948 年 3 月 2 日', '1948-03-02'],
    ['  1948-03-02  ', '1948-03-02'],
    ['１９４８．０３．０２', '1948-03-02'],
    ['１９４８年３月２日', '1948-03-02'],
    ['１９４８０３０２', '1948-03-02'],
    ['1948-03-02 00:00:00', '1948-03-02'],
    ['1948-03-02T00:00:00.000Z', '1948-03-02'],
    ['1948/3/2 8:30', '1948-03-02'],
    ['2000-02-29', '2000-02-29'],
    ['2024.12.31', '2024-12-31'],
  ])('reads %j as %s', (raw, expected) => {
    expect(normalizeDate(raw)).toEqual(okDate(expected));
  });

  it('reads an 8-digit YYYYMMDD number', () => {
    expect(normalizeDate(19480302)).toEqual(okDate('1948-03-02'));
  });
});

describe('normalizeDate: JS Date objects', () => {
  it('uses UTC parts, as exceljs produces midnight UTC', () => {
    expect(normalizeDate(new Date(Date.UTC(1948, 2, 2)))).toEqual(okDate('1948-03-02'));
    // 23:30 UTC is already the next day in China, but the cell's date is the UTC one.
    expect(normalizeDate(new Date(Date.UTC(1948, 2, 2, 23, 30)))).toEqual(okDate('1948-03-02'));
  });

  it('refuses an invalid Date and years out of range', () => {
    expect(normalizeDate(new Date('nonsense'))).toMatchObject({ ok: false, problem: 'DATE_INVALID' });
    expect(normalizeDate(new Date(Date.UTC(1800, 0, 1)))).toMatchObject({
      ok: false,
      problem: 'DATE_OUT_OF_RANGE',
    });
  });
});

describe('normalizeDate: Excel serial numbers (1900 system)', () => {
  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [25569, '1970-01-01'],
    [36526, '2000-01-01'],
    [45292, '2024-01-01'],
    [17594, '1948-03-02'],
  ])('serial %d is %s', (serial, expected) => {
    expect(normalizeDate(serial)).toEqual(okDate(expected));
    expect(normalizeDate(String(serial))).toEqual(okDate(expected));
  });

  it('drops the time fraction of a serial', () => {
    expect(normalizeDate(25569.75)).toEqual(okDate('1970-01-01'));
    expect(normalizeDate('25569.5')).toEqual(okDate('1970-01-01'));
  });

  it('refuses serial 60, the fake 1900-02-29', () => {
    const r = normalizeDate(60);
    expect(r).toMatchObject({ ok: false, problem: 'DATE_INVALID' });
    if (!r.ok) expect(r.message).toMatch(/1900-02-29/);
    expect(normalizeDate('60')).toMatchObject({ ok: false, problem: 'DATE_INVALID' });
  });

  it.each([0, -5, 0.5, 80001, 100000, 9999999, 123456789, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses implausible number %d',
    (n) => {
      expect(normalizeDate(n)).toMatchObject({ ok: false, problem: 'DATE_SERIAL_OUT_OF_RANGE' });
    },
  );

  it('refuses a plausible serial that lands after 2100', () => {
    expect(normalizeDate(79000)).toMatchObject({ ok: false, problem: 'DATE_OUT_OF_RANGE' });
  });

  it('exposes the serial conversion', () => {
    expect(excelSerialToDate(36526)).toEqual(okDate('2000-01-01'));
    expect(excelSerialToDate(60)).toMatchObject({ ok: false, problem: 'DATE_INVALID' });
  });
});

describe('normalizeDate: year and month only', () => {
  it.each([
    '1948年03月',
    '1948年3月',
    '1948年3',
    '1948.03',
    '1948/3',
    '1948-03',
    '194803',
    '１９４８年０３月',
  ])('refuses %j as DATE_INCOMPLETE by default', (raw) => {
    expect(normalizeDate(raw)).toMatchObject({ ok: false, problem: 'DATE_INCOMPLETE' });
  });

  it('uses day 01 with a note when allowMonthOnly is set', () => {
    const r = normalizeDate('1948年03月', { allowMonthOnly: true });
    expect(r).toEqual({
      ok: true,
      value: '1948-03-01',
      note: 'Date "1948年03月" had no day; used the first of the month',
    });
    expect(normalizeDate('1948.3', { allowMonthOnly: true })).toMatchObject({
      ok: true,
      value: '1948-03-01',
    });
  });

  it('still refuses month 13 when allowMonthOnly is set', () => {
    expect(normalizeDate('1948年13月', { allowMonthOnly: true })).toMatchObject({
      ok: false,
      problem: 'DATE_INVALID',
    });
  });

  it('reads a bare 4-digit year string as incomplete, not as a serial', () => {
    expect(normalizeDate('1948')).toMatchObject({ ok: false, problem: 'DATE_INCOMPLETE' });
    expect(normalizeDate('1948年')).toMatchObject({ ok: false, problem: 'DATE_INCOMPLETE' });
    expect(normalizeDate('1948', { allowMonthOnly: true })).toMatchObject({
      ok: false,
      problem: 'DATE_INCOMPLETE',
    });
  });
});

describe('normalizeDate: rejections', () => {
  it.each([
    ['1948-02-30', 'DATE_INVALID'],
    ['1949-02-29', 'DATE_INVALID'],
    ['1900-02-29', 'DATE_INVALID'],
    ['1948-04-31', 'DATE_INVALID'],
    ['1948-13-01', 'DATE_INVALID'],
    ['1948-00-10', 'DATE_INVALID'],
    ['1948-01-00', 'DATE_INVALID'],
    ['19480230', 'DATE_INVALID'],
    ['1948年2月30日', 'DATE_INVALID'],
    ['1849-12-31', 'DATE_OUT_OF_RANGE'],
    ['2101-01-01', 'DATE_OUT_OF_RANGE'],
    ['18480101', 'DATE_OUT_OF_RANGE'],
    ['abc', 'DATE_FORMAT_UNRECOGNIZED'],
    ['48.3.2', 'DATE_FORMAT_UNRECOGNIZED'],
    ['02/03/1948', 'DATE_FORMAT_UNRECOGNIZED'],
    ['1948-03/02', 'DATE_FORMAT_UNRECOGNIZED'],
    ['一九四八年三月二日', 'DATE_FORMAT_UNRECOGNIZED'],
    ['1948-03-02 later', 'DATE_FORMAT_UNRECOGNIZED'],
  ])('refuses %j with %s', (raw, problem) => {
    expect(normalizeDate(raw)).toMatchObject({ ok: false, problem });
  });

  it('names the bad value in the message', () => {
    const r = normalizeDate('1948-02-30');
    expect(r).toEqual({
      ok: false,
      problem: 'DATE_INVALID',
      message: 'Date "1948-02-30" does not exist: 1948-02 has no day 30',
    });
    const y = normalizeDate('1849-12-31');
    if (!y.ok) expect(y.message).toContain('1849');
  });

  it.each([null, undefined, '', '  ', '\u3000'])('returns BLANK for %j', (raw) => {
    expect(normalizeDate(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });

  it.each([true, {}, [1948, 3, 2]])('refuses a non-date value %j', (raw) => {
    expect(normalizeDate(raw)).toMatchObject({ ok: false, problem: 'DATE_FORMAT_UNRECOGNIZED' });
  });
});
