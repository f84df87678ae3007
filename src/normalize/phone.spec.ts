import { maskPhone, normalizePhone, splitPhones } from './phone';

describe('normalizePhone: mobiles', () => {
  it.each([
    '13812345678',
    ' 13812345678 ',
    '138 1234 5678',
    '138-1234-5678',
    '+8613812345678',
    '+86 138 1234 5678',
    '+86-138-1234-5678',
    '8613812345678',
    '86 138 1234 5678',
    '008613812345678',
    '0086 138-1234-5678',
    '１３８１２３４５６７８',
    '＋８６　１３８１２３４５６７８',
    '手机：13812345678',
    '电话:138 1234 5678',
    13812345678,
  ])('reads %j as 13812345678', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: '13812345678' });
  });

  it.each([
    '13012345678',
    '14712345678',
    '15912345678',
    '16612345678',
    '17712345678',
    '18912345678',
    '19912345678',
  ])('accepts the 1[3-9] prefix %s', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: raw });
  });
});

describe('normalizePhone: landlines', () => {
  it.each([
    ['0915-3212345', '0915-3212345'],
    ['(0915)3212345', '0915-3212345'],
    ['（0915）3212345', '0915-3212345'],
    ['(0915) 321 2345', '0915-3212345'],
    ['0915 3212345', '0915-3212345'],
    ['09153212345', '0915-3212345'],
    ['０９１５－３２１２３４５', '0915-3212345'],
    ['+86 915 3212345', '0915-3212345'],
    ['010-62345678', '010-62345678'],
    ['01062345678', '010-62345678'],
    ['023-67891234', '023-67891234'],
    ['(023)67891234', '023-67891234'],
    ['0427-2812345', '0427-2812345'],
  ])('reads %j as %s', (raw, expected) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: expected });
  });

  it('reports a landline without area code as PHONE_NO_AREA_CODE', () => {
    expect(normalizePhone('3212345')).toMatchObject({ ok: false, problem: 'PHONE_NO_AREA_CODE' });
    expect(normalizePhone('62345678')).toMatchObject({ ok: false, problem: 'PHONE_NO_AREA_CODE' });
  });
});

describe('normalizePhone: rejections', () => {
  it.each([
    ['12345678901', 'PHONE_INVALID'], // 12x is no mobile prefix
    ['1381234567', 'PHONE_INVALID'], // 10 digits
    ['138123456789', 'PHONE_INVALID'], // 12 digits
    ['12345', 'PHONE_INVALID'],
    ['0915-0212345', 'PHONE_INVALID'], // local part cannot start with 0
    ['0915-3212345转801', 'PHONE_INVALID'],
    ['无', 'PHONE_INVALID'],
    ['abc', 'PHONE_INVALID'],
    [13812345678.5, 'PHONE_INVALID'],
    [true, 'PHONE_INVALID'],
  ])('refuses %j with %s', (raw, problem) => {
    expect(normalizePhone(raw)).toMatchObject({ ok: false, problem });
  });

  it.each([null, undefined, '', '   '])('returns BLANK for %j', (raw) => {
    expect(normalizePhone(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });

  it('never echoes the number in a message', () => {
    for (const raw of ['12345678901', '1381234567', '3212345', '0915-3212345转801']) {
      const r = normalizePhone(raw);
      expect(r.ok).toBe(false);
      const digits = raw.replace(/\D/g, '');
      for (let i = 0; i + 5 <= digits.length; i++) {
        if (!r.ok) expect(r.message).not.toContain(digits.slice(i, i + 5));
      }
    }
    const r = normalizePhone('1381234567');
    if (!r.ok) expect(r.message).toContain('"9999999999" (10 characters)');
  });
});

describe('normalizePhone with several numbers in one cell', () => {
  it.each([
    '13812345678/13987654321',
    '13812345678,13987654321',
    '13812345678，13987654321',
    '13812345678;13987654321',
    '13812345678；13987654321',
    '13812345678、13987654321',
    '13812345678 / 0915-3212345',
  ])('keeps the first of %j with a note', (raw) => {
    const r = normalizePhone(raw);
    expect(r).toEqual({
      ok: true,
      value: '13812345678',
      note: 'The cell holds 2 phone entries; only the first valid one was kept (use splitPhones for all)',
    });
  });

  it('skips an invalid first entry', () => {
    expect(normalizePhone('无/13987654321')).toMatchObject({ ok: true, value: '13987654321' });
  });

  it('reports the first problem when no entry is valid', () => {
    expect(normalizePhone('abc/123')).toMatchObject({ ok: false, problem: 'PHONE_INVALID' });
  });

  it('does not leak the numbers into the note', () => {
    const r = normalizePhone('13812345678/13987654321');
    if (r.ok) expect(r.note).not.toMatch(/\d{5}/);
  });
});

describe('splitPhones', () => {
  it('returns every valid number, normalised, in order', () => {
    expect(splitPhones('13812345678/0915-3212345、+86 139 8765 4321;（010）62345678')).toEqual([
      '13812345678',
      '0915-3212345',
      '13987654321',
      '010-62345678',
    ]);
  });

  it('splits numbers separated only by spaces, but keeps a spaced single number together', () => {
    expect(splitPhones('13812345678 13987654321')).toEqual(['13812345678', '13987654321']);
    expect(splitPhones('138 1234 5678')).toEqual(['13812345678']);
  });

  it('drops duplicates and pieces that are not phones', () => {
    expect(splitPhones('138-1234-5678/13812345678/无/3212345')).toEqual(['13812345678']);
  });

  it('handles single values, numbers and blanks', () => {
    expect(splitPhones('13812345678')).toEqual(['13812345678']);
    expect(splitPhones(13812345678)).toEqual(['13812345678']);
    expect(splitPhones('')).toEqual([]);
    expect(splitPhones(null)).toEqual([]);
    expect(splitPhones({})).toEqual([]);
  });
});

describe('maskPhone', () => {
  it('masks mobiles and landlines', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0915-3212345')).toBe('0915-***2345');
    expect(maskPhone('010-62345678')).toBe('010-****5678');
    expect(maskPhone('12345')).toBe('*2345');
    expect(maskPhone('123')).toBe('***');
  });
});
