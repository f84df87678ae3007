import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../errors/app-error';
import { dryRun } from '../dry-run';
import { PEOPLE, legacyId } from '../fixtures/ingest-fixtures';
import { mapColumns, RowTransformer } from './mapping';
import { normalizeAddress, normalizeRow } from './normalize-row';
import { DEFAULT_PROFILE, loadProfile, parseProfile, profilesDir, type Profile } from './profile';
import { fieldForHeader } from './synonyms';

const DIR = join(__dirname, '../../../fixtures/ingest');

function profile(extra: Record<string, unknown> = {}): Profile {
  return parseProfile({ name: 'test', title: '测试', department: 'CIVIL_AFFAIRS', ...extra }, 'test');
}

function expectReason(fn: () => Promise<unknown>, reason: string) {
  return expect(fn()).rejects.toMatchObject({ reason });
}

describe('synonym dictionary', () => {
  it.each([
    ['身份证号', 'idNumber'],
    ['公民身份号码', 'idNumber'],
    ['证件号码', 'idNumber'],
    ['身份证号码 *', 'idNumber'],
    ['名字', 'name'],
    ['出生年月', 'birthDate'],
    ['出生日期（年月日）', 'birthDate'],
    ['手机号', 'phone'],
    ['联系电话', 'phone'],
    ['与户主关系', 'relationToHead'],
    ['现住址', 'address'],
    ['成员信息/身份证号码', 'idNumber'],
    ['疾病名称', null],
  ])('%s → %s', (header, field) => {
    expect(fieldForHeader(header)).toBe(field);
  });
});

describe('column mapping', () => {
  it('lets a profile pin a column over the synonyms, or ignore it', () => {
    const p = profile({
      columns: { 联系方式: 'ignore', 疾病名称: 'fact.disease', 出生年月: 'factValidFrom' },
    });
    const m = mapColumns(['姓名', '联系方式', '疾病名称', '出生年月'], p);
    expect(m.map((c) => [c.target, c.via])).toEqual([
      ['name', 'SYNONYM'],
      [null, 'PROFILE'],
      ['fact.disease', 'PROFILE'],
      ['factValidFrom', 'PROFILE'],
    ]);
  });

  it('maps a field once; a second ID column is kept raw, while several phone columns all count', () => {
    const m = mapColumns(['身份证号', '证件号码', '联系电话', '手机号'], DEFAULT_PROFILE);
    expect(m.map((c) => [c.target, c.via])).toEqual([
      ['idNumber', 'SYNONYM'],
      [null, 'DUPLICATE'],
      ['phone', 'SYNONYM'],
      ['phone', 'SYNONYM'],
    ]);
  });

  it('applies fillDown, map and strip transforms without touching the raw cells', () => {
    const t = new RowTransformer(
      ['户号', '性别', '金额'],
      [
        { op: 'fillDown', column: '户号' },
        { op: 'map', column: '性别', values: { 男性: '男' } },
        { op: 'strip', column: '金额', pattern: '元$' },
      ],
    );
    const first = ['0001', '男性', '560元'];
    expect(t.apply(first)).toEqual(['0001', '男', '560']);
    expect(first).toEqual(['0001', '男性', '560元']);
    expect(t.apply([null, '女', null])).toEqual(['0001', '女', null]);
    expect(t.apply(['0002', null, null])[0]).toBe('0002');
  });
});

describe('profiles', () => {
  it('loads every profile kept in the repository', async () => {
    const names = readdirSync(profilesDir()).map((f) => f.replace(/\.json$/, ''));
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const n of names) expect((await loadProfile(n)).name).toBe(n);
  });

  it('reports every problem of an invalid profile at once', () => {
    let err: AppError | undefined;
    try {
      parseProfile({ name: 'Bad Name', department: 'X', columns: { 姓名: 'nickname' }, extra: 1 }, 'bad');
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.reason).toBe('PROFILE_INVALID');
    expect(err?.message).toMatch(/name/);
    expect(err?.message).toMatch(/title/);
    expect(err?.message).toMatch(/columns\.姓名/);
    expect(err?.message).toMatch(/extra/);
  });

  it('refuses an unknown profile and a name that could leave the folder', async () => {
    await expectReason(() => loadProfile('no-such-profile'), 'PROFILE_NOT_FOUND');
    await expectReason(() => loadProfile('../package'), 'PROFILE_NOT_FOUND');
    const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    writeFileSync(join(dir, 'broken.json'), '{');
    await expectReason(() => loadProfile('broken', dir), 'PROFILE_INVALID');
  });
});

describe('row normalisation', () => {
  const cols = ['姓名', '身份证号', '性别', '出生日期', '联系电话', '享受起始日期', '保障金额'];
  const p = profile({
    columns: { 享受起始日期: 'factValidFrom', 保障金额: 'fact.monthlyAmount' },
    fact: { kind: 'MINIMUM_LIVING', validFrom: '2024-07-01', attributes: { period: '2024Q3' } },
  });
  const mapping = mapColumns(cols, p);
  const row = (cells: (string | number | null)[]) => normalizeRow(cells, mapping, p);

  it('cleans the ID number (15 → 18), takes birth date and gender from it, simplifies a traditional name', () => {
    const r = row([
      '張桂蘭',
      `'${legacyId(PEOPLE.zhaoGuoqing.idNumber!)}`,
      null,
      null,
      '138 1234 5678/0915-3212345',
      '2022.6',
      480,
    ]);
    expect(r).toMatchObject({
      ok: true,
      record: {
        name: '张桂兰',
        idNumber: PEOPLE.zhaoGuoqing.idNumber,
        birthDate: '1949-10-01',
        gender: 'MALE',
        phone: '13812345678',
        phones: ['13812345678', '0915-3212345'],
        fact: {
          kind: 'MINIMUM_LIVING',
          validFrom: '2022-06-01',
          attributes: { period: '2024Q3', monthlyAmount: 480 },
        },
      },
    });
  });

  it('rejects a row whose ID number was destroyed by scientific notation, never guessing it', () => {
    expect(row(['周杰', '6.10902E+17', '男', '1975-08-08', null, null, null])).toMatchObject({
      ok: false,
      reason: 'ID_SCIENTIFIC_NOTATION',
    });
    expect(row(['周杰', 610902197508080900, '男', '1975-08-08', null, null, null])).toMatchObject({
      ok: false,
      reason: 'ID_SCIENTIFIC_NOTATION',
    });
  });

  it('rejects a wrong check character, a missing name, and a row that cannot identify anyone', () => {
    const bad =
      PEOPLE.wangJianguo.idNumber!.slice(0, 17) + (PEOPLE.wangJianguo.idNumber!.endsWith('0') ? '1' : '0');
    expect(row(['王建国', bad, null, null, null, null, null])).toMatchObject({
      ok: false,
      reason: 'ID_CHECKSUM_INVALID',
    });
    expect(row([null, PEOPLE.wangJianguo.idNumber, null, null, null, null, null])).toMatchObject({
      ok: false,
      reason: 'NAME_MISSING',
    });
    expect(row(['王小明', null, '男', null, null, null, null])).toMatchObject({
      ok: false,
      reason: 'IDENTITY_INSUFFICIENT',
    });
  });

  it('keeps a row with a bad phone or contradicting birth date, with warnings, and never echoes the number', () => {
    const r = row(['王建国', PEOPLE.wangJianguo.idNumber, '女', '1948-03-03', '12345', null, null]);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.problem).sort()).toEqual([
      'BIRTH_DATE_MISMATCH',
      'GENDER_MISMATCH',
      'PHONE_INVALID',
    ]);
    expect(JSON.stringify(r.warnings)).not.toContain(PEOPLE.wangJianguo.idNumber);
    expect(r.ok && r.record.birthDate).toBe('1948-03-02');
  });

  it('lands a child without an ID number on name and birth date, with the Excel serial read as a date', () => {
    expect(row(['王小明', null, '1', 43586, null, null, null])).toMatchObject({
      ok: true,
      record: { idNumber: null, birthDate: '2019-05-01', gender: 'MALE' },
    });
  });

  it('folds address spellings so one flat typed two ways compares equal', () => {
    expect(normalizeAddress('兴安路12号3号楼2单元301号')).toBe(
      normalizeAddress('兴安路 12号 3栋 2单元 301室'),
    );
  });
});

describe('dry run', () => {
  it('shows layout, mapping, counts and masked sample rows of the 低保 roster', async () => {
    const r = await dryRun(join(DIR, 'civil-affairs-dibao.xlsx'), await loadProfile('civil-affairs-dibao'), {
      sampleSize: 3,
    });
    expect(r.format).toBe('XLSX');
    expect(r.sheets.map((s) => [s.layout.sheet, s.counts])).toEqual([
      ['北门社区', { rows: 7, wouldLand: 5, skipped: 2, rejected: 0 }],
      ['文昌社区', { rows: 6, wouldLand: 3, skipped: 2, rejected: 1 }],
    ]);
    const m = r.sheets[0].mapping.find((c) => c.header === '保障信息/保障金额(元)');
    expect(m).toMatchObject({ target: 'fact.monthlyAmount', via: 'PROFILE', letter: 'K' });
    const first = r.sheets[0].sample[0].outcome;
    expect(first).toMatchObject({
      ok: true,
      record: { name: '王建国', community: '北门社区', householdNumber: '6109020020010001' },
    });
    const json = JSON.stringify(r);
    expect(json).not.toContain(PEOPLE.wangJianguo.idNumber);
    expect(json).not.toContain('13812345678');
    expect(json).not.toContain('兴安路12号3栋2单元301室'); // addresses masked too
    expect(r.sheets[0].sample).toHaveLength(3);
    expect(r.partial).toBe(false);
  });

  it('stops after maxRows rows and says so (a preview on the server reads no more)', async () => {
    const profile = await loadProfile('civil-affairs-dibao');
    const r = await dryRun(join(DIR, 'civil-affairs-dibao.xlsx'), profile, { maxRows: 9 });
    expect(r.partial).toBe(true);
    expect(r.sheets.map((s) => [s.layout.sheet, s.counts.rows])).toEqual([
      ['北门社区', 7],
      ['文昌社区', 2],
    ]);
    // exactly as many rows as the file has: all read, not partial
    expect((await dryRun(join(DIR, 'civil-affairs-dibao.xlsx'), profile, { maxRows: 13 })).partial).toBe(
      false,
    );
  });

  it('fails on a bad file exactly as a run would', async () => {
    await expectReason(
      () => dryRun(join(DIR, 'bad', 'legacy.xls'), DEFAULT_PROFILE),
      'FILE_FORMAT_UNSUPPORTED',
    );
  });

  it('uses the profile-pinned columns to find a header the dictionary does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-'));
    writeFileSync(join(dir, 'odd.csv'), '居民,公民号\n王建国,' + PEOPLE.wangJianguo.idNumber + '\n');
    const p = profile({ columns: { 居民: 'name', 公民号: 'idNumber' } });
    const r = await dryRun(join(dir, 'odd.csv'), p);
    expect(r.sheets[0].counts).toEqual({ rows: 1, wouldLand: 1, skipped: 0, rejected: 0 });
  });
});
