/** Chinese labels for the API's codes, as staff read them on screen. */

/** 事件状态. */
export const CASE_STATUS: Record<string, string> = {
  REPORTED: '上报',
  FILED: '立案',
  INVALID: '不予立案',
  DISPATCHED: '派遣',
  CLAIMED: '签收',
  IN_PROGRESS: '处置中',
  RESOLVED: '已处置',
  CHECKED: '已核查',
  CLOSED: '结案',
  PARKED: '挂账',
  ESCALATED: '已上报上级',
  RETURNED: '已回退',
  REOPENED: '重新办理',
};

/** 事件流转的步骤 (caseUpdated's action): the workflow actions plus REPORT, RATE and WARN. */
export const CASE_ACTION: Record<string, string> = {
  REPORT: '上报',
  FILE: '立案',
  REJECT: '不予立案',
  DISPATCH: '派遣',
  CLAIM: '签收',
  START: '开始处置',
  RESOLVE: '处置完成',
  CHECK: '核查',
  CLOSE: '结案',
  REWORK: '返工',
  RETURN: '回退',
  EXTEND: '延期',
  PARK: '挂账',
  UNPARK: '解除挂账',
  ESCALATE: '上报上级',
  REOPEN: '重新办理',
  RATE: '评价',
  WARN: '临期预警',
};

/** Marker colours by case status: open work warm, finished work green, rejected grey. */
export const CASE_STATUS_COLOR: Record<string, string> = {
  REPORTED: '#ff6b6b',
  FILED: '#ff922b',
  DISPATCHED: '#fcc419',
  CLAIMED: '#ffd43b',
  IN_PROGRESS: '#4dabf7',
  RESOLVED: '#38d9a9',
  CHECKED: '#20c997',
  CLOSED: '#51cf66',
  PARKED: '#adb5bd',
  ESCALATED: '#e64980',
  RETURNED: '#f783ac',
  REOPENED: '#fa5252',
  INVALID: '#868e96',
};

/** 层级. */
export const AREA_LEVEL: Record<string, string> = {
  PROVINCE: '省',
  CITY: '市',
  DISTRICT: '区县',
  STREET: '街道',
  COMMUNITY: '社区',
  GRID: '网格',
};

/** 记录类型 of ledger changes. */
export const RECORD_TYPE: Record<string, string> = {
  Person: '人',
  Household: '户',
  House: '房',
  Thing: '物',
  Case: '事',
  Fact: '事实',
};

/** 变更类型. */
export const CHANGE_OP: Record<string, string> = {
  CREATE: '新增',
  UPDATE: '更新',
  MERGE: '合并',
  UNMERGE: '拆分',
};

/** 来源类型. */
export const SOURCE_KIND: Record<string, string> = {
  INGEST: '表格导入',
  SEED: '初始数据',
  STAFF_EDIT: '人工录入',
  SYSTEM: '系统计算',
};

/** 部门. */
export const DEPARTMENT: Record<string, string> = {
  PUBLIC_SECURITY: '公安分局',
  CIVIL_AFFAIRS: '民政局',
  HRSS: '人社局',
  HEALTH: '卫健局',
  EDUCATION: '教育局',
  HOUSING: '住建局',
  NATURAL_RESOURCES: '自然资源局',
  URBAN_MANAGEMENT: '城管局',
  EMERGENCY: '应急管理局',
  ENVIRONMENT: '生态环境分局',
  TRANSPORT: '交通运输局',
  MARKET_REGULATION: '市场监管局',
  WATER: '水利局',
  STREET_OFFICE: '街道办事处',
  COMMUNITY: '社区居委会',
};

/** 事实类别. */
export const FACT_KIND: Record<string, string> = {
  MINIMUM_LIVING: '低保',
  EXTREME_POVERTY: '特困',
  DISABILITY: '残疾',
  CHRONIC_DISEASE: '慢性病',
  PENSION_INSURANCE: '养老保险',
  MEDICAL_INSURANCE: '医疗保险',
  UNEMPLOYED: '登记失业',
  MILITARY_VETERAN: '退役军人',
  LEFT_BEHIND_ELDERLY: '留守老人',
  LEFT_BEHIND_CHILD: '留守儿童',
};

/** Person fields as the API names them in sources and history. */
export const PERSON_FIELD: Record<string, string> = {
  name: '姓名',
  idNumber: '公民身份号码',
  gender: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  phone: '联系电话',
  residenceType: '人口类型',
  status: '状态',
  relationToHead: '与户主关系',
  areaCode: '所属网格',
  householdId: '所在户',
  houseId: '居住房屋',
};

/** Any ledger field name, for the live feed's "what changed" column. */
export const ANY_FIELD: Record<string, string> = {
  ...PERSON_FIELD,
  category: '类别',
  categoryCode: '类别',
  location: '位置',
  description: '描述',
  address: '地址',
  code: '编码',
  departmentCode: '责任部门',
  use: '用途',
  floors: '层数',
  ownerName: '产权人',
  building: '栋',
  unit: '单元',
  room: '室',
  streetName: '路名',
  streetNumber: '门牌号',
  householdNumber: '户号',
  headId: '户主',
  kind: '事实类别',
  validFrom: '起始日期',
  validTo: '终止日期',
  attributes: '详情',
  channel: '渠道',
  reporterName: '报告人',
  reporterPhone: '报告人电话',
  // Targets of an ingest column mapping beyond the record fields.
  factValidFrom: '享受起始日期',
  factValidTo: '终止日期',
  monthlyAmount: '月保障金额',
  remark: '备注',
};

/** Enum values of persons. */
export const PERSON_VALUE: Record<string, string> = {
  MALE: '男',
  FEMALE: '女',
  REGISTERED: '户籍',
  FLOATING: '流动',
  ACTIVE: '在册',
  DECEASED: '死亡',
  MOVED_OUT: '迁出',
  MERGED: '已合并',
};

/** 房屋用途. */
export const HOUSE_USE: Record<string, string> = {
  RESIDENTIAL: '住宅',
  SHOP: '商铺',
  RENTAL: '出租屋',
  OTHER: '其他',
};

/** A label from a table, or the code itself when the table does not know it. */
export function label(table: Record<string, string>, code: string | null | undefined): string {
  if (code == null || code === '') return '—';
  return table[code] ?? code;
}

/** Formats an instant for a Chinese reader in local time: 2026-11-24 08:15:03. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A percentage with one decimal, or — when the base is zero. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—';
}

/** A source record as the API describes it (never its cells). */
export interface Source {
  kind: string;
  departmentCode: string | null;
  fileName: string | null;
  sheet: string | null;
  rowNumber: number | null;
  receivedAt?: string;
  actor: string | null;
}

/** A source in words: how it arrived, the department, the file, sheet and row, who sent it. */
export function describeSource(s: Source | null | undefined): string {
  if (!s) return '—';
  const parts = [label(SOURCE_KIND, s.kind), s.departmentCode ? label(DEPARTMENT, s.departmentCode) : null];
  if (s.fileName)
    parts.push(`${s.fileName}${s.sheet ? ` / ${s.sheet}` : ''}${s.rowNumber ? ` 第${s.rowNumber}行` : ''}`);
  if (s.actor) parts.push(s.actor);
  return parts.filter(Boolean).join(' · ');
}

/**
 * The time left of a run at the rate seen so far, in words ("约剩 40 秒"), or null before any row
 * has moved or once none is left: `from` rows were done when this page began to watch, `elapsedMs`
 * ago; `processed` of `total` are done now.
 */
export function timeLeft(total: number, processed: number, from: number, elapsedMs: number): string | null {
  const moved = processed - from;
  if (moved <= 0 || elapsedMs <= 0 || processed >= total) return null;
  const left = Math.ceil(((total - processed) * elapsedMs) / moved / 1000);
  return `约剩 ${left >= 60 ? `${Math.floor(left / 60)} 分 ${left % 60} 秒` : `${left} 秒`}`;
}
