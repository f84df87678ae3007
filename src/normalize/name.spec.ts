import {
  nameMatchKey,
  namePinyin,
  normalizeName,
  toSimplifiedChinese,
  toSimplifiedChineseUnfiltered,
} from './name';

describe('normalizeName', () => {
  it.each([
    ['张三', '张三'],
    [' 张三 ', '张三'],
    ['张 三', '张三'],
    ['张　三', '张三'],
    ['张\u00A0\u00A0三', '张三'],
    ['欧 阳 锋', '欧阳锋'],
    ['\t李四\n', '李四'],
    ['王\u200B五', '王五'],
    ['張三', '張三'], // storage keeps the characters as written
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['阿依古丽・买买提', '阿依古丽·买买提'],
    ['阿依古丽•买买提', '阿依古丽·买买提'],
    ['阿依古丽‧买买提', '阿依古丽·买买提'],
    ['阿依古丽･买买提', '阿依古丽·买买提'],
    ['阿依古丽 · 买买提', '阿依古丽·买买提'],
    ['阿依古丽.买买提', '阿依古丽·买买提'],
    ['阿依古丽．买买提', '阿依古丽·买买提'],
    ['阿依古丽··买买提', '阿依古丽·买买提'],
    ['Mary  Jane', 'Mary Jane'],
    ['Ｍａｒｙ　Ｊａｎｅ', 'Mary Jane'],
    [' John   Smith ', 'John Smith'],
    ["O'Brien", "O'Brien"],
    ['J. Smith', 'J. Smith'],
    ['张 Tom', '张Tom'],
    ['李〇', '李〇'],
  ])('cleans %j to %j', (raw, expected) => {
    expect(normalizeName(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['张三1', 'digits'],
    ['张三２', 'digits'],
    ['123', 'digits'],
    ['张三(已故)', 'characters'],
    ['张三/李四', 'characters'],
    ['张*', 'characters'],
    ['·', 'no letters'],
    ['・ ・', 'no letters'],
  ])('refuses %j as NAME_INVALID (%s)', (raw, why) => {
    const r = normalizeName(raw);
    expect(r).toMatchObject({ ok: false, problem: 'NAME_INVALID' });
    if (!r.ok) expect(r.message).toContain(why);
  });

  it('does not repeat the name in a message', () => {
    const r = normalizeName('张三丰1');
    if (!r.ok) expect(r.message).not.toContain('张三丰');
  });

  it('refuses non-text', () => {
    expect(normalizeName(123)).toMatchObject({ ok: false, problem: 'NAME_INVALID' });
  });

  it.each([null, undefined, '', ' \u3000 '])('returns BLANK for %j', (raw) => {
    expect(normalizeName(raw)).toMatchObject({ ok: false, problem: 'BLANK' });
  });
});

describe('toSimplifiedChinese', () => {
  it('converts Taiwan, Hong Kong and standard traditional forms', () => {
    expect(toSimplifiedChinese('張三')).toBe('张三');
    expect(toSimplifiedChinese('歐陽鋒')).toBe('欧阳锋');
    expect(toSimplifiedChinese('鄭麗華')).toBe('郑丽华');
    expect(toSimplifiedChinese('陳衞國')).toBe('陈卫国'); // 衞 is the Hong Kong form
    expect(toSimplifiedChinese('黃曉峯')).toBe('黄晓峰');
    expect(toSimplifiedChinese('张三')).toBe('张三');
  });

  it('gives what the full OpenCC chain gives, also for texts it passes over unconverted', () => {
    // random texts of CJK characters (traditional and simplified alike), astral and compatibility ideographs,
    // digits, short (cached) and long (addresses): the shortcut must never change an answer
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const piece = () => {
      const k = rand(10);
      if (k < 7) return String.fromCodePoint(0x4e00 + rand(0x9fa5 - 0x4e00));
      if (k === 7) return String.fromCodePoint(0x20000 + rand(0x2a6d6 - 0x20000));
      if (k === 8) return String(rand(1000));
      // CJK compatibility ideographs: OpenCC folds them first
      return rand(2) ? '路号栋单元室街道社区'[rand(10)] : String.fromCodePoint(0xf900 + rand(0x1da));
    };
    let changed = 0;
    let unchanged = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const len = 1 + rand(24);
      for (let j = 0; j < len; j++) text += piece();
      const full = toSimplifiedChineseUnfiltered(text);
      expect(toSimplifiedChinese(text)).toBe(full);
      if (full === text) unchanged++;
      else changed++;
    }
    // both kinds were exercised
    expect(changed).toBeGreaterThan(300);
    expect(unchanged).toBeGreaterThan(300);
    expect(toSimplifiedChinese('新城街道兴安路67号7栋1单元66666室')).toBe(
      '新城街道兴安路67号7栋1单元66666室',
    );
    expect(toSimplifiedChinese('新城街道興安路67號7棟1單元66666室')).toBe(
      '新城街道兴安路67号7栋1单元66666室',
    );
  });
});

describe('nameMatchKey', () => {
  it('gives traditional and simplified forms of a name the same key', () => {
    expect(nameMatchKey('張三')).toBe('张三');
    expect(nameMatchKey('張三')).toBe(nameMatchKey('张三'));
    expect(nameMatchKey('歐陽鋒')).toBe(nameMatchKey('欧阳锋'));
    expect(nameMatchKey('鄭 麗華')).toBe(nameMatchKey('郑丽华'));
  });

  it('ignores spaces, middle dots and Latin case', () => {
    expect(nameMatchKey('阿依古丽・买买提')).toBe('阿依古丽买买提');
    expect(nameMatchKey('阿依古丽买买提')).toBe(nameMatchKey('阿依古丽·买买提'));
    expect(nameMatchKey('Mary Jane')).toBe('maryjane');
    expect(nameMatchKey('Ｍａｒｙ　ＪＡＮＥ')).toBe('maryjane');
  });

  it('keeps different names apart', () => {
    expect(nameMatchKey('张三')).not.toBe(nameMatchKey('张山'));
  });
});

describe('namePinyin', () => {
  it('spells names without tones or spaces, in lower case', () => {
    expect(namePinyin('张三')).toBe('zhangsan');
    expect(namePinyin('張三')).toBe('zhangsan');
    expect(namePinyin('张 三')).toBe('zhangsan');
    expect(namePinyin('欧阳锋')).toBe('ouyangfeng');
    expect(namePinyin('阿依古丽·买买提')).toBe('ayigulimaimaiti');
  });

  it('reads surnames as surnames and writes ü as v', () => {
    expect(namePinyin('单雄信')).toBe('shanxiongxin');
    expect(namePinyin('單雄信')).toBe('shanxiongxin');
    expect(namePinyin('曾小贤')).toBe('zengxiaoxian');
    expect(namePinyin('吕布')).toBe('lvbu');
  });

  it('matches homophones that the character key keeps apart', () => {
    expect(namePinyin('张三')).toBe(namePinyin('张叁'));
    expect(nameMatchKey('张三')).not.toBe(nameMatchKey('张叁'));
  });

  it('keeps Latin letters', () => {
    expect(namePinyin('Mary Jane')).toBe('maryjane');
  });
});
