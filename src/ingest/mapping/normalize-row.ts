import {
  type Gender,
  nameMatchKey,
  normalizeDate,
  normalizeEthnicity,
  normalizeGender,
  normalizeIdNumber,
  normalizeName,
  normalizeResidenceType,
  parseIdNumber,
  type ResidenceType,
  splitPhones,
  toSimplifiedChinese,
  isBlank,
} from '../../normalize';
import type { CellValue } from '../read/read.types';
import { cellText } from '../read/table';
import type { ColumnMapping } from './mapping';
import type { Profile } from './profile';

/** A row's values after normalisation, in ledger terms. */
export interface NormalizedRecord {
  idNumber: string | null;
  /** Simplified form, stored in the ledger; the spelling as received stays in the raw cells. */
  name: string;
  /** Simplified, space-free key used for matching records without an ID number. */
  nameKey: string;
  gender: Gender | null;
  birthDate: string | null;
  ethnicity: string | null;
  /** The first valid phone; every valid one is in `phones`. */
  phone: string | null;
  phones: string[];
  residenceType: ResidenceType | null;
  relationToHead: string | null;
  householdNumber: string | null;
  householdHead: string | null;
  address: string | null;
  houseCode: string | null;
  community: string | null;
  grid: string | null;
  guardianName: string | null;
  guardianIdNumber: string | null;
  fact: { kind: string; validFrom: string; attributes: Record<string, unknown> } | null;
}

/** A value that was not accepted; the row still lands, the cell stays in the source record. */
export interface FieldProblem {
  field: string;
  problem: string;
  message: string;
}

/** What became of one row: a record to land, or the reason it was rejected. */
export type RowOutcome =
  | { ok: true; record: NormalizedRecord; warnings: FieldProblem[] }
  | { ok: false; reason: string; message: string; warnings: FieldProblem[] };

function text(v: CellValue): string | null {
  const t = cellText(v);
  return t === '' ? null : t;
}

/**
 * Normalises one data row with the column mapping and profile. A row is rejected only when it
 * cannot identify a person: no name, an ID number that is present but wrong (a number destroyed by
 * scientific notation is never guessed), or neither an ID number nor a birth date. Any other bad
 * value (a phone, a gender word) is dropped with a warning and the row still lands.
 */
export function normalizeRow(
  cells: readonly CellValue[],
  mapping: readonly ColumnMapping[],
  profile: Profile,
): RowOutcome {
  const warnings: FieldProblem[] = [];
  const byField = new Map<string, CellValue[]>();
  for (const m of mapping) {
    if (!m.target) continue;
    const v = cells[m.index] ?? null;
    if (isBlank(v)) continue;
    // (a list made with its first value is sized to it; pushed onto `[]` it would reserve 16)
    const list = byField.get(m.target);
    if (list) list.push(v);
    else byField.set(m.target, [v]);
  }
  const first = (f: string): CellValue => byField.get(f)?.[0] ?? null;

  const nameResult = normalizeName(first('name'));
  if (!nameResult.ok) {
    return {
      ok: false,
      reason: nameResult.problem === 'BLANK' ? 'NAME_MISSING' : nameResult.problem,
      message: nameResult.message,
      warnings,
    };
  }
  const name = toSimplifiedChinese(nameResult.value);

  let idNumber: string | null = null;
  let idInfo: ReturnType<typeof parseIdNumber> | null = null;
  if (first('idNumber') !== null) {
    const r = normalizeIdNumber(first('idNumber'));
    if (!r.ok) return { ok: false, reason: r.problem, message: r.message, warnings };
    idNumber = r.value;
    idInfo = parseIdNumber(r.value);
  }

  let birthDate: string | null = null;
  if (first('birthDate') !== null) {
    const r = normalizeDate(first('birthDate'));
    if (r.ok) birthDate = r.value;
    else warnings.push({ field: 'birthDate', problem: r.problem, message: r.message });
  }
  if (idInfo) {
    if (birthDate && birthDate !== idInfo.birthDate) {
      warnings.push({
        field: 'birthDate',
        problem: 'BIRTH_DATE_MISMATCH',
        message: "The birth date column disagrees with the ID number; the ID number's date is used",
      });
    }
    birthDate = idInfo.birthDate;
  }
  if (!idNumber && !birthDate) {
    return {
      ok: false,
      reason: 'IDENTITY_INSUFFICIENT',
      message: 'The row has neither an ID number nor a birth date, so the person cannot be identified',
      warnings,
    };
  }

  let gender: Gender | null = null;
  if (first('gender') !== null) {
    const r = normalizeGender(first('gender'));
    if (r.ok) gender = r.value;
    else warnings.push({ field: 'gender', problem: r.problem, message: r.message });
  }
  if (idInfo) {
    if (gender && gender !== idInfo.gender) {
      warnings.push({
        field: 'gender',
        problem: 'GENDER_MISMATCH',
        message: "The gender column disagrees with the ID number; the ID number's gender is used",
      });
    }
    gender = idInfo.gender;
  }

  const phones: string[] = [];
  for (const v of byField.get('phone') ?? []) {
    const found = splitPhones(v);
    if (found.length === 0)
      warnings.push({
        field: 'phone',
        problem: 'PHONE_INVALID',
        message: 'A phone cell holds no valid phone number',
      });
    for (const p of found) if (!phones.includes(p)) phones.push(p);
  }

  let ethnicity: string | null = null;
  if (first('ethnicity') !== null) {
    const r = normalizeEthnicity(first('ethnicity'));
    if (r.ok) ethnicity = r.value;
    else warnings.push({ field: 'ethnicity', problem: r.problem, message: r.message });
  }
  let residenceType: ResidenceType | null = profile.constants.residenceType ?? null;
  if (first('residenceType') !== null) {
    const r = normalizeResidenceType(first('residenceType'));
    if (r.ok) residenceType = r.value;
    else warnings.push({ field: 'residenceType', problem: r.problem, message: r.message });
  }

  let guardianIdNumber: string | null = null;
  if (first('guardianIdNumber') !== null) {
    const r = normalizeIdNumber(first('guardianIdNumber'));
    if (r.ok) guardianIdNumber = r.value;
    else warnings.push({ field: 'guardianIdNumber', problem: r.problem, message: r.message });
  }

  let fact: NormalizedRecord['fact'] = null;
  if (profile.fact) {
    let validFrom = profile.fact.validFrom;
    if (first('factValidFrom') !== null) {
      const r = normalizeDate(first('factValidFrom'), { allowMonthOnly: true });
      if (r.ok) validFrom = r.value;
      else warnings.push({ field: 'factValidFrom', problem: r.problem, message: r.message });
    }
    const attributes: Record<string, unknown> = { ...profile.fact.attributes };
    for (const m of mapping) {
      if (!m.target?.startsWith('fact.')) continue;
      const v = cells[m.index] ?? null;
      if (!isBlank(v)) attributes[m.target.slice(5)] = v instanceof Date ? v.toISOString().slice(0, 10) : v;
    }
    fact = { kind: profile.fact.kind, validFrom, attributes };
  }

  const guardian = text(first('guardianName'));
  const address = text(first('address'));
  return {
    ok: true,
    warnings,
    record: {
      idNumber,
      name,
      nameKey: nameMatchKey(name),
      gender,
      birthDate,
      ethnicity,
      phone: phones[0] ?? null,
      phones,
      residenceType,
      relationToHead: text(first('relationToHead')),
      householdNumber: text(first('householdNumber'))?.replace(/\s/g, '') ?? null,
      householdHead: text(first('householdHead')),
      address: address ? normalizeAddress(address) : null,
      houseCode: text(first('houseCode')),
      community: text(first('community')) ?? profile.constants.community ?? null,
      grid: text(first('grid')),
      guardianName: guardian ? toSimplifiedChinese(guardian.replace(/\s/g, '')) : null,
      guardianIdNumber,
      fact,
    },
  };
}

/**
 * The comparable form of an address: half-width, no spaces or punctuation, simplified, and the
 * common spellings of building/unit/room folded (3号楼 → 3栋, 2单元 stays, 301号 → 301室), so the
 * same flat typed by two departments resolves to one house.
 */
export function normalizeAddress(address: string): string {
  return toSimplifiedChinese(cellText(address))
    .replace(/[\s,，。.、\-－—()（）]/g, '')
    .replace(/(\d+)(号楼|幢|座)/g, '$1栋')
    .replace(/(\d+)单元(\d+)号?$/g, '$1单元$2室')
    .replace(/(\d+)(户|號)$/g, '$1室');
}
