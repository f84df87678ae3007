import { ETHNIC_GROUPS, normalizeEthnicity, normalizeResidenceType } from './residence';

describe('normalizeResidenceType', () => {
  it.each(['户籍', '常住户籍', '本地', '户籍人口', '本地户籍', ' 户 籍 ', 'Registered'])(
    'reads %j as REGISTERED',
    (raw) => {
      expect(normalizeResidenceType(raw)).toEqual({ ok: true, value: 'REGISTERED' });
    },
  );

  it.each(['流动', '流动人口', '外来', '暂住', '外来人口', '暂住人口', ' 流动 ', 'floating'])(
    'reads %j as FLOATING',
    (raw) => {
      expect(normalizeResidenceType(raw)).toEqual({ ok: true, value: 'FLOATING' });
    },
  );

  it.each(['常住', '人户分离', '其他', 'toString', 1, true])(
    'refuses %j as RESIDENCE_TYPE_INVALID',
    (raw) => {
      expect(normalizeResidenceType(raw)).toMatchObject({ ok: false, problem: 'RESIDENCE_TYPE_INVALID' });
    },
  );

  it.each([null, undefined, '', ' '])('returns BLANK for %j', (raw) => {
    expect(normalizeResidenceType(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });
});

describe('normalizeEthnicity', () => {
  it('knows exactly the 56 groups, each ending in 族 and unique', () => {
    expect(ETHNIC_GROUPS).toHaveLength(56);
    expect(new Set(ETHNIC_GROUPS).size).toBe(56);
    for (const g of ETHNIC_GROUPS) expect(g).toMatch(/^\p{Script=Han}+族$/u);
    expect(ETHNIC_GROUPS[0]).toBe('汉族');
    expect(ETHNIC_GROUPS[55]).toBe('基诺族');
  });

  it.each([
    ['汉', '汉族'],
    ['汉族', '汉族'],
    ['Han', '汉族'],
    ['han', '汉族'],
    ['HAN', '汉族'],
    [' 汉 族 ', '汉族'],
    ['回', '回族'],
    ['回族', '回族'],
    ['维吾尔', '维吾尔族'],
    ['维吾尔族', '维吾尔族'],
    ['维族', '维吾尔族'],
    ['蒙古', '蒙古族'],
    ['土家', '土家族'],
    ['土', '土族'],
    ['柯尔克孜', '柯尔克孜族'],
    ['朝鲜族', '朝鲜族'],
    ['漢族', '汉族'],
    ['維吾爾族', '维吾尔族'],
    ['滿', '满族'],
    ['基诺', '基诺族'],
  ])('reads %j as %s', (raw, expected) => {
    expect(normalizeEthnicity(raw)).toEqual({ ok: true, value: expected });
  });

  it('accepts every group with and without 族', () => {
    for (const g of ETHNIC_GROUPS) {
      expect(normalizeEthnicity(g)).toEqual({ ok: true, value: g });
      expect(normalizeEthnicity(g.slice(0, -1))).toEqual({ ok: true, value: g });
    }
  });

  it.each(['其他', '外国血统', '汉人', '族', '日本族', 'xyz', '01', 1, {}])(
    'refuses %j as ETHNICITY_INVALID',
    (raw) => {
      expect(normalizeEthnicity(raw)).toMatchObject({ ok: false, problem: 'ETHNICITY_INVALID' });
    },
  );

  it.each([null, undefined, '', '\u3000'])('returns BLANK for %j', (raw) => {
    expect(normalizeEthnicity(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });
});
