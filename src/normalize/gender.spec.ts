import { normalizeGender } from './gender';

describe('normalizeGender', () => {
  it.each(['男', '男性', '1', 1, 'M', 'm', 'male', 'Male', 'MALE', ' 男 ', 'Ｍ', '１', '男\u3000'])(
    'reads %j as MALE',
    (raw) => {
      expect(normalizeGender(raw)).toEqual({ ok: true, value: 'MALE' });
    },
  );

  it.each(['女', '女性', '2', 2, 'F', 'f', 'female', 'Female', 'FEMALE', ' 女', 'ｆ', '２'])(
    'reads %j as FEMALE',
    (raw) => {
      expect(normalizeGender(raw)).toEqual({ ok: true, value: 'FEMALE' });
    },
  );

  it.each(['0', 0, '9', 9, '3', '未知', '男女', 'x', 'man', 'constructor', 'toString', true, {}])(
    'refuses %j as GENDER_INVALID',
    (raw) => {
      expect(normalizeGender(raw)).toMatchObject({ ok: false, problem: 'GENDER_INVALID' });
    },
  );

  it.each([null, undefined, '', ' '])('returns BLANK for %j', (raw) => {
    expect(normalizeGender(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });
});
