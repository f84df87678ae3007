import { toHalfWidth } from '../../normalize';

/**
 * The ledger fields a roster column can fill. Person fields, the household and house a row belongs
 * to, the territory, a child's guardian, and the columns that are kept only as raw cells.
 */
export const TARGET_FIELDS = [
  'idNumber',
  'name',
  'gender',
  'birthDate',
  'ethnicity',
  'phone',
  'residenceType',
  'relationToHead',
  'householdNumber',
  'householdHead',
  'address',
  'houseCode',
  'community',
  'grid',
  'guardianName',
  'guardianIdNumber',
  'factValidFrom',
  'serial',
  'remark',
] as const;

/** One ledger field a column maps to. */
export type TargetField = (typeof TARGET_FIELDS)[number];

/**
 * Header synonyms as they appear in departments' rosters. Matching ignores spaces, full-width forms,
 * required-field stars and a trailing note in brackets (出生日期（年月日）).
 */
export const SYNONYMS: Record<TargetField, readonly string[]> = {
  idNumber: [
    '身份证号',
    '身份证号码',
    '公民身份号码',
    '公民身份证号码',
    '证件号码',
    '证件号',
    '身份证',
    '居民身份证号码',
    '身份证件号码',
  ],
  name: ['姓名', '名字', '人员姓名', '居民姓名', '成员姓名', '家庭成员姓名', '户籍人姓名'],
  gender: ['性别'],
  birthDate: ['出生日期', '出生年月', '出生年月日', '生日'],
  ethnicity: ['民族'],
  phone: ['联系电话', '手机号', '手机号码', '电话', '电话号码', '联系方式', '手机', '联系号码'],
  residenceType: ['户籍类型', '人口类型', '居住类型', '人员类型', '户籍性质'],
  relationToHead: ['与户主关系', '与户主的关系', '家庭关系', '关系'],
  householdNumber: ['户号', '户编号', '家庭编号', '户籍编号'],
  householdHead: ['户主姓名', '户主'],
  address: ['家庭住址', '现住址', '居住地址', '住址', '地址', '现居住地址', '家庭地址'],
  houseCode: ['房屋编号', '房屋编码', '房屋代码'],
  community: ['社区', '所属社区', '社区名称', '村(社区)', '社区(村)', '村社区'],
  grid: ['网格', '所属网格', '网格名称', '网格编号'],
  guardianName: ['监护人', '监护人姓名'],
  guardianIdNumber: ['监护人身份证号', '监护人身份证号码', '监护人证件号码'],
  factValidFrom: ['享受起始日期', '纳入时间', '享受时间', '起始日期', '认定日期', '参保日期'],
  serial: ['序号', '编号', '行号'],
  remark: ['备注', '说明'],
};

const LOOKUP = new Map<string, TargetField>();
for (const field of TARGET_FIELDS) for (const s of SYNONYMS[field]) LOOKUP.set(headerKey(s), field);

/** The comparable form of a header: half-width, no spaces, no required-field stars. */
export function headerKey(text: string): string {
  return toHalfWidth(text)
    .replace(/[\s\u3000*※]/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')');
}

/**
 * The ledger field a header names, or null. A joined two-level header (联系方式/手机号) is tried
 * whole, then by its last part; a trailing bracketed note (出生日期(年月日)) is dropped if needed.
 */
export function fieldForHeader(header: string): TargetField | null {
  const parts = header.split('/');
  const candidates = [header, parts[parts.length - 1]];
  for (const c of candidates) {
    const key = headerKey(c);
    const hit = LOOKUP.get(key) ?? LOOKUP.get(key.replace(/\([^)]*\)$/, ''));
    if (hit) return hit;
  }
  return null;
}

/** True when a header cell names a known ledger field; used to find the header row. */
export function isKnownHeader(text: string): boolean {
  const f = fieldForHeader(text);
  return f !== null && f !== 'serial' && f !== 'remark';
}
