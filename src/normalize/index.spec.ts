import * as normalize from './index';

describe('src/normalize index', () => {
  it('re-exports the whole API', () => {
    for (const name of [
      'isBlank',
      'ok',
      'fail',
      'isOk',
      'toHalfWidth',
      'computeCheckChar',
      'parseIdNumber',
      'maskIdNumber',
      'normalizeIdNumber',
      'makeIdNumber',
      'normalizeDate',
      'excelSerialToDate',
      'normalizePhone',
      'splitPhones',
      'maskPhone',
      'normalizeGender',
      'normalizeName',
      'nameMatchKey',
      'namePinyin',
      'toSimplifiedChinese',
      'normalizeResidenceType',
      'normalizeEthnicity',
    ]) {
      expect(typeof (normalize as Record<string, unknown>)[name]).toBe('function');
    }
    expect(normalize.IdNumberError.prototype).toBeInstanceOf(Error);
  });

  it('normalises a messy legacy row end to end', () => {
    const row = {
      idNumber: "'610902 480302 123",
      name: '張 三',
      birthDate: '1948.3.2',
      gender: '1',
      phone: '+86 138-1234-5678 / 0915-3212345',
    };
    const id = normalize.normalizeIdNumber(row.idNumber);
    const birth = normalize.normalizeDate(row.birthDate);
    expect(id).toMatchObject({ ok: true, value: '61090219480302123X' });
    expect(birth).toEqual({ ok: true, value: '1948-03-02' });
    if (id.ok && birth.ok) expect(normalize.parseIdNumber(id.value).birthDate).toBe(birth.value);
    expect(normalize.normalizeName(row.name)).toEqual({ ok: true, value: '張三' });
    expect(normalize.nameMatchKey(row.name)).toBe('张三');
    expect(normalize.normalizeGender(row.gender)).toEqual({ ok: true, value: 'MALE' });
    expect(normalize.splitPhones(row.phone)).toEqual(['13812345678', '0915-3212345']);
  });
});
