import {
  computeCheckChar,
  IdNumberError,
  makeIdNumber,
  maskIdNumber,
  normalizeIdNumber,
  parseIdNumber,
} from './id-number';

// A real-shaped valid number: area 610902 (安康市汉滨区), born 1948-03-02, sequence 123 (male).
const VALID = '61090219480302123X';
const FULL_WIDTH = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('computeCheckChar / parseIdNumber / maskIdNumber', () => {
  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(computeCheckChar('61090219480302123')).toBe('X');
    expect(computeCheckChar('11010519491231002')).toBe('X'); // the GB 11643 example
    expect(() => computeCheckChar('123')).toThrow();
  });

  it('parses a valid number', () => {
    expect(parseIdNumber(VALID)).toEqual({
      idNumber: VALID,
      areaCode: '610902',
      birthDate: '1948-03-02',
      gender: 'MALE',
    });
  });

  it('accepts exactly the real calendar dates from 1850 on (leap years, month lengths), as a date library would', () => {
    const real = (y: number, m: number, d: number) => {
      const t = new Date(Date.UTC(y, m - 1, d));
      return y >= 1850 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    let accepted = 0;
    const wrong: string[] = [];
    for (let y = 1845; y <= 2105; y++) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const first17 = `610902${y}${two(m)}${two(d)}123`;
          const id = first17 + computeCheckChar(first17);
          let ok = true;
          try {
            parseIdNumber(id);
          } catch (e) {
            if (!(e instanceof IdNumberError) || e.problem !== 'ID_BIRTH_DATE_INVALID') throw e;
            ok = false;
          }
          if (ok !== real(y, m, d)) wrong.push(`${y}-${two(m)}-${two(d)}`);
          if (ok) accepted++;
        }
      }
    }
    expect(wrong).toEqual([]);
    // 1850-01-01 … 2105-12-31
    expect(accepted).toBe((Date.UTC(2106, 0, 1) - Date.UTC(1850, 0, 1)) / 86400000);
  });

  it('throws IdNumberError with problem codes', () => {
    const problem = (s: string) => {
      try {
        parseIdNumber(s);
        return 'none';
      } catch (e) {
        return e instanceof IdNumberError ? e.problem : 'other';
      }
    };
    expect(problem('61090219480302123x')).toBe('ID_FORMAT_INVALID');
    expect(problem('61090219480230123X')).toBe('ID_BIRTH_DATE_INVALID');
    expect(problem('610902194803021230')).toBe('ID_CHECKSUM_INVALID');
  });

  it('masks', () => {
    expect(maskIdNumber(VALID)).toBe('610902********123X');
    expect(maskIdNumber('123')).toBe('***');
  });
});

describe('normalizeIdNumber', () => {
  it('accepts a clean number unchanged, without a note', () => {
    expect(normalizeIdNumber(VALID)).toEqual({ ok: true, value: VALID });
  });

  it.each([
    ['surrounding and inner spaces', ` 610902 19480302 123X `],
    ['ideographic and no-break spaces', `610902\u300019480302\u00A0123X`],
    ['lowercase x', '61090219480302123x'],
    ['full-width digits and letter', FULL_WIDTH('61090219480302123x')],
    ['leading apostrophe (Excel text marker)', `'${VALID}`],
    ['full-width apostrophe', `＇${VALID}`],
    ['double quotes', `"${VALID}"`],
    ['Chinese quotes', `“${VALID}”`],
    ['tab and line break', `\t${VALID}\r\n`],
    ['zero-width space', `6109021948\u200B0302123X`],
  ])('cleans %s', (_label, raw) => {
    expect(normalizeIdNumber(raw)).toEqual({ ok: true, value: VALID });
  });

  it('converts a 15-digit legacy number to 18 characters with a note', () => {
    const r = normalizeIdNumber('610902480302123');
    expect(r).toEqual({
      ok: true,
      value: VALID,
      note: 'Converted a 15-digit legacy ID number to 18 characters',
    });
  });

  it('converts a 15-digit legacy number given as a JS number (it fits exactly)', () => {
    expect(normalizeIdNumber(610902480302123)).toMatchObject({ ok: true, value: VALID });
  });

  it('converts a 15-digit legacy number with spaces and an apostrophe', () => {
    expect(normalizeIdNumber(" '610902 480302 123 ")).toMatchObject({ ok: true, value: VALID });
  });

  it('refuses a 15-digit legacy number with an impossible date', () => {
    const r = normalizeIdNumber('610902480230123');
    expect(r).toMatchObject({ ok: false, problem: 'ID_BIRTH_DATE_INVALID' });
  });

  it.each([
    '6.10902E+17',
    '6.10902e17',
    '6.10902E17',
    '６．１０９０２Ｅ＋１７',
    "'6.10902E+17",
    '6E+17',
    ' 6.10902194803E+17 ',
  ])('refuses scientific notation %j as unrecoverable', (raw) => {
    const r = normalizeIdNumber(raw);
    expect(r).toMatchObject({ ok: false, problem: 'ID_SCIENTIFIC_NOTATION' });
    if (!r.ok) expect(r.message).toMatch(/cannot be recovered/);
  });

  it.each([610902194803021000, 6.10902e17, 1e15, 1234567890123456])(
    'refuses a JS number of 16+ digits (%d) as unrecoverable, never guessing',
    (raw) => {
      const r = normalizeIdNumber(raw);
      expect(r).toMatchObject({ ok: false, problem: 'ID_SCIENTIFIC_NOTATION' });
      if (!r.ok) expect(r.message).toMatch(/cannot be recovered/);
    },
  );

  it.each([
    ['too short', '6109021948030212', 'ID_FORMAT_INVALID'],
    ['too long', '61090219480302123X1', 'ID_FORMAT_INVALID'],
    ['letter inside', '6109021948O302123X', 'ID_FORMAT_INVALID'],
    ['X not at the end', '6109021948030212X3', 'ID_FORMAT_INVALID'],
    ['dashes', '610902-19480302-123X', 'ID_FORMAT_INVALID'],
    ['fractional number', 6109.5, 'ID_FORMAT_INVALID'],
    ['negative number', -610902480302123, 'ID_FORMAT_INVALID'],
    ['boolean', true, 'ID_FORMAT_INVALID'],
    ['object', { id: VALID }, 'ID_FORMAT_INVALID'],
    ['impossible date 1948-02-30', '61090219480230123X', 'ID_BIRTH_DATE_INVALID'],
    ['month 13', '61090219481302123X', 'ID_BIRTH_DATE_INVALID'],
    ['wrong check character', '610902194803021231', 'ID_CHECKSUM_INVALID'],
  ])('refuses %s', (_label, raw, problem) => {
    expect(normalizeIdNumber(raw)).toMatchObject({ ok: false, problem });
  });

  it.each([null, undefined, '', '   ', '\u3000'])('returns BLANK for %j', (raw) => {
    expect(normalizeIdNumber(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });

  it('accepts a bigint', () => {
    expect(normalizeIdNumber(BigInt('610902480302123'))).toMatchObject({ ok: true, value: VALID });
  });

  it('notes a number ending in 000 (what rounding leaves behind) but still accepts it', () => {
    let suspect = '';
    for (let area = 110101; area < 110200 && !suspect; area++) {
      const first17 = `${area}19800101100`;
      if (computeCheckChar(first17) === '0') suspect = `${first17}0`;
    }
    expect(suspect).toMatch(/^\d{14}1000$/);
    const r = normalizeIdNumber(suspect);
    expect(r).toMatchObject({ ok: true, value: suspect });
    if (r.ok) expect(r.note).toMatch(/check it against the source/);
  });

  it('never echoes the full number in a message, only a masked form', () => {
    const bad = ['610902194803021231', '61090219480230123X', '6109021948030212', '610902480230123'];
    for (const raw of bad) {
      const r = normalizeIdNumber(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).not.toContain(raw);
        expect(r.message).not.toMatch(/\d{15}/);
      }
    }
    const r = normalizeIdNumber('610902194803021231');
    if (!r.ok) expect(r.message).toContain('610902********1231');
  });
});

describe('makeIdNumber', () => {
  it('builds a valid number that parses back to its inputs', () => {
    const id = makeIdNumber('610902', '1948-03-02', 123, 'MALE');
    expect(id).toBe(VALID);
    expect(parseIdNumber(id)).toMatchObject({ areaCode: '610902', birthDate: '1948-03-02', gender: 'MALE' });
  });

  it('adjusts the sequence parity to the gender', () => {
    expect(makeIdNumber('610902', '1990-12-31', 124, 'MALE').slice(14, 17)).toBe('125');
    expect(makeIdNumber('610902', '1990-12-31', 123, 'FEMALE').slice(14, 17)).toBe('122');
    expect(makeIdNumber('610902', '1990-12-31', 0, 'MALE').slice(14, 17)).toBe('001');
    expect(makeIdNumber('610902', '1990-12-31', 999, 'FEMALE').slice(14, 17)).toBe('998');
    expect(makeIdNumber('610902', '1990-12-31', 999, 'MALE').slice(14, 17)).toBe('999');
    expect(makeIdNumber('610902', '1990-12-31', 0, 'FEMALE').slice(14, 17)).toBe('000');
  });

  it('produces numbers that normalizeIdNumber accepts, for every gender and many sequences', () => {
    for (let seq = 0; seq <= 999; seq += 37) {
      for (const gender of ['MALE', 'FEMALE'] as const) {
        const id = makeIdNumber('500112', '2016-02-29', seq, gender);
        expect(normalizeIdNumber(id)).toMatchObject({ ok: true, value: id });
        expect(parseIdNumber(id).gender).toBe(gender);
      }
    }
  });

  it.each([
    ['61090', '1948-03-02', 1],
    ['610902', '1948-02-30', 1],
    ['610902', '19480302', 1],
    ['610902', '1948-03-02', 1000],
    ['610902', '1948-03-02', -1],
    ['610902', '1948-03-02', 1.5],
  ])('throws on bad input %s %s %d', (area, date, seq) => {
    expect(() => makeIdNumber(area, date, seq, 'MALE')).toThrow(RangeError);
  });
});
