import { BLANK, blank, fail, isBlank, isOk, ok } from './result';
import { describeShape, describeType, removeAllSpaces, toHalfWidth } from './text';

describe('isBlank', () => {
  it.each([null, undefined, '', ' ', '\t\n', '\u3000\u3000', '\u00A0', '\u200B', '\uFEFF'])(
    'treats %j as blank',
    (raw) => {
      expect(isBlank(raw)).toBe(true);
    },
  );

  it.each(['0', 'x', ' 张三 ', 0, false, new Date(0), {}])('treats %j as not blank', (raw) => {
    expect(isBlank(raw)).toBe(false);
  });
});

describe('result builders', () => {
  it('builds success with and without a note', () => {
    expect(ok('a')).toEqual({ ok: true, value: 'a' });
    expect('note' in ok('a')).toBe(false);
    expect(ok(1, 'changed')).toEqual({ ok: true, value: 1, note: 'changed' });
  });

  it('builds failures and the BLANK failure', () => {
    expect(fail('DATE_INVALID', 'bad')).toEqual({ ok: false, problem: 'DATE_INVALID', message: 'bad' });
    expect(blank('Phone')).toEqual({ ok: false, problem: BLANK, message: 'Phone is blank' });
    expect(BLANK).toBe('BLANK');
  });

  it('narrows with isOk', () => {
    const results = [ok('a'), fail<string>('X', 'x'), ok('b')];
    expect(results.filter(isOk).map((r) => r.value)).toEqual(['a', 'b']);
  });
});

describe('text helpers', () => {
  it('folds full-width ASCII and the ideographic space', () => {
    expect(toHalfWidth('１９４８．０３．０２')).toBe('1948.03.02');
    expect(toHalfWidth('ＡＢｃ＋（）\u3000Ｘ')).toBe('ABc+() X');
    expect(toHalfWidth('张三')).toBe('张三');
  });

  it('removes all kinds of spaces', () => {
    expect(removeAllSpaces(' 6109\u3000 02\t1948\u00A0\u200B0302 ')).toBe('61090219480302');
  });

  it('describes a shape without revealing digits or letters', () => {
    expect(describeShape('0915-3212345')).toBe('"9999-9999999" (12 characters)');
    expect(describeShape('6.10902E+17')).toBe('"9.99999A+99" (11 characters)');
    expect(describeShape('x'.repeat(30))).toBe(`"${'a'.repeat(24)}…" (30 characters)`);
  });

  it('describes types', () => {
    expect(describeType(true)).toBe('a boolean');
    expect(describeType({})).toBe('an object');
    expect(describeType([])).toBe('an array');
    expect(describeType(new Date())).toBe('a Date');
  });
});
