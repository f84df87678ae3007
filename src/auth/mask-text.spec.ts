import fc from 'fast-check';
import { makeIdNumber } from '../normalize/id-number';
import { findPersonalData } from './pii-scan';
import { maskPersonalText, maskPersonalValue } from './mask-text';

const ID = makeIdNumber('610902', '1990-01-01', 123, 'MALE');
const ID_MASKED = `610902********${ID.slice(14)}`;

describe('maskPersonalText', () => {
  it.each([
    [`身份证${ID}电话13812345678`, `身份证${ID_MASKED}电话138****5678`],
    ['身份证61090219900101123X号', '身份证610902********123X号'],
    [
      '电话 138 1234 5678，座机0915-3212345 或 (0915)3212345',
      '电话 138****5678，座机0915-***2345 或 (0915-***2345',
    ],
    ['+86 138-1234-5678', '138****5678'],
    ['0086 13812345678', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['电话０９１５－３２１２３４５', '电话0915-***2345'],
    ['旧证610902900101123', '旧证610902*****1123'],
    ['13812345678x', '138****5678x'],
    ['13812345678-1', '138****5678-1'],
    ['13812345678 13912345678', '******************5678'],
    ['6109021990010112', '************0112'],
  ])('masks %s', (text, masked) => {
    expect(maskPersonalText(text)).toBe(masked);
  });

  it.each(['2026-11-24 共3.5万元，编号12345，120人', '网格610902001001', '楼道灯坏了三天', '12345热线转办'])(
    'leaves %s as it is',
    (text) => {
      expect(maskPersonalText(text)).toBe(text);
    },
  );

  it('masks deeply in values, numbers read from a spreadsheet included', () => {
    expect(
      maskPersonalValue({
        note: `监护人${ID}`,
        list: ['13812345678'],
        n: 13812345678,
        level: 'A',
        amount: 620,
      }),
    ).toEqual({
      note: `监护人${ID_MASKED}`,
      list: ['138****5678'],
      n: '138****5678',
      level: 'A',
      amount: 620,
    });
  });
});

/** A digit as a person might type it: half- or full-width. */
const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const digitsOnly = (s: string) =>
  s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[^0-9]/g, '');

const idNumber = fc
  .record({
    area: fc.constantFrom('610902', '110101', '440305', '652801'),
    birth: fc.date({ min: new Date('1930-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
    seq: fc.integer({ min: 0, max: 999 }),
    male: fc.boolean(),
  })
  .map(({ area, birth, seq, male }) =>
    makeIdNumber(area, birth.toISOString().slice(0, 10), seq, male ? 'MALE' : 'FEMALE'),
  );
const mobile = fc
  .tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.stringMatching(/^\d{9}$/))
  .map(([a, b]) => a + b);
const landline = fc
  .tuple(fc.constantFrom('010', '021', '0915', '0917'), fc.stringMatching(/^[2-9]\d{6,7}$/))
  .map(([a, b]) => `${a}-${b}`);

/** The number written as people write it: grouped with separators, full-width, with +86. */
function written(canonical: string, kind: 'ID' | 'MOBILE' | 'LANDLINE') {
  return fc
    .record({
      sep: fc.constantFrom('', ' ', '-', '  ', '－', '\u3000', '.'),
      wide: fc.boolean(),
      prefix: fc.constantFrom('', '+86 ', '86', '0086-'),
      bracket: fc.boolean(),
      lowerX: fc.boolean(),
    })
    .map(({ sep, wide, prefix, bracket, lowerX }) => {
      let s: string;
      if (kind === 'MOBILE')
        s = prefix + [canonical.slice(0, 3), canonical.slice(3, 7), canonical.slice(7)].join(sep);
      else if (kind === 'LANDLINE') {
        const [area, local] = canonical.split('-');
        s = bracket ? `(${area})${local}` : `${area}${sep || '-'}${local}`;
      } else {
        s =
          sep === ''
            ? canonical
            : [canonical.slice(0, 6), canonical.slice(6, 14), canonical.slice(14)].join(sep);
        if (lowerX) s = s.replace('X', 'x');
      }
      return wide ? fullWidth(s) : s;
    });
}

const personal = fc.oneof(
  idNumber.chain((n) => written(n, 'ID').map((w) => ({ canonical: n.replace('X', ''), w }))),
  mobile.chain((n) => written(n, 'MOBILE').map((w) => ({ canonical: n, w }))),
  landline.chain((n) => written(n, 'LANDLINE').map((w) => ({ canonical: n.replace('-', ''), w }))),
);
/** Words around the numbers: Chinese, letters, punctuation and spaces, no digits. */
const words = fc.string({
  unit: fc.constantFrom(...'居民反映楼道灯坏了联系电话身份证号码请回电 ，。:：;（）()-+xX abc\n'.split('')),
  maxLength: 12,
});

describe('maskPersonalText over generated free text', () => {
  it('leaves no ID number or phone readable, however it was written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(words, personal), { minLength: 1, maxLength: 4 }),
        words,
        (parts, tail) => {
          const text = parts.map(([w, p]) => w + p.w).join('') + tail;
          const masked = maskPersonalText(text);
          const digits = digitsOnly(masked);
          for (const [, p] of parts) expect(digits).not.toContain(p.canonical);
          expect(findPersonalData(masked)).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
