/** Residence type (户籍 registered / 流动 floating) and ethnicity (the 56 groups of GB 3304). */

import { blank, fail, isBlank, ok, type NormalizeResult } from './result';
import { describeType, removeAllSpaces, toHalfWidth } from './text';
import { toSimplifiedChinese } from './name';

/** Whether a person is registered here (户籍) or a floating resident (流动). */
export type ResidenceType = 'REGISTERED' | 'FLOATING';

const RESIDENCE_TYPES: Record<string, ResidenceType> = {
  户籍: 'REGISTERED',
  常住户籍: 'REGISTERED',
  户籍人口: 'REGISTERED',
  本地: 'REGISTERED',
  本地户籍: 'REGISTERED',
  本地人口: 'REGISTERED',
  registered: 'REGISTERED',
  流动: 'FLOATING',
  流动人口: 'FLOATING',
  外来: 'FLOATING',
  外来人口: 'FLOATING',
  暂住: 'FLOATING',
  暂住人口: 'FLOATING',
  floating: 'FLOATING',
};

function cellText(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  return removeAllSpaces(toHalfWidth(raw)).toLowerCase();
}

/**
 * Normalises a residence-type cell: 户籍/常住户籍/户籍人口/本地 → 'REGISTERED', 流动/流动人口/外来/暂住 →
 * 'FLOATING'. Anything else is RESIDENCE_TYPE_INVALID; blank input is BLANK.
 */
export function normalizeResidenceType(raw: unknown): NormalizeResult<ResidenceType> {
  if (isBlank(raw)) return blank('Residence type');
  const key = cellText(raw);
  if (key === undefined)
    return fail('RESIDENCE_TYPE_INVALID', `Residence type must be text, got ${describeType(raw)}`);
  const type = Object.hasOwn(RESIDENCE_TYPES, key) ? RESIDENCE_TYPES[key] : undefined;
  if (type) return ok(type);
  return fail(
    'RESIDENCE_TYPE_INVALID',
    `Residence type "${key.slice(0, 20)}" is neither registered (户籍/本地) nor floating (流动/外来/暂住)`,
  );
}

/** The 56 ethnic groups in GB 3304 order (code 01 = 汉族 … 56 = 基诺族). */
export const ETHNIC_GROUPS: readonly string[] = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
];

/** Common short forms and romanisations. */
const ETHNICITY_ALIASES: Record<string, string> = {
  han: '汉族',
  hui: '回族',
  zhuang: '壮族',
  manchu: '满族',
  uyghur: '维吾尔族',
  uygur: '维吾尔族',
  uighur: '维吾尔族',
  tibetan: '藏族',
  mongol: '蒙古族',
  mongolian: '蒙古族',
  维族: '维吾尔族',
  蒙族: '蒙古族',
};

let ethnicityIndex: Map<string, string> | undefined;

function lookupEthnicity(key: string): string | undefined {
  if (!ethnicityIndex) {
    ethnicityIndex = new Map(Object.entries(ETHNICITY_ALIASES));
    for (const full of ETHNIC_GROUPS) {
      ethnicityIndex.set(full, full);
      ethnicityIndex.set(full.slice(0, -1), full);
    }
  }
  return ethnicityIndex.get(key);
}

/**
 * Normalises an ethnicity cell to the full name with 族 ('汉族', '回族', '维吾尔族'): accepts the 56
 * groups with or without 族, traditional characters (漢族), 汉/Han and a few common short forms.
 * Anything else (including 其他) is ETHNICITY_INVALID; blank input is BLANK.
 */
export function normalizeEthnicity(raw: unknown): NormalizeResult<string> {
  if (isBlank(raw)) return blank('Ethnicity');
  const key = cellText(raw);
  if (key === undefined) return fail('ETHNICITY_INVALID', `Ethnicity must be text, got ${describeType(raw)}`);
  const found =
    lookupEthnicity(key) ?? (/^[a-z]+$/.test(key) ? undefined : lookupEthnicity(toSimplifiedChinese(key)));
  if (found) return ok(found);
  return fail('ETHNICITY_INVALID', `Ethnicity "${key.slice(0, 20)}" is not one of the 56 ethnic groups`);
}
