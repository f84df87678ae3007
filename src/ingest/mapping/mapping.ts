import type { CellValue } from '../read/read.types';
import { cellText, columnLetter } from '../read/table';
import type { Profile, Transform } from './profile';
import { fieldForHeader, headerKey, type TargetField } from './synonyms';

/** How one column was mapped, and why: so a dry run can show it and staff can pin it otherwise. */
export interface ColumnMapping {
  index: number;
  /** Column letter as the spreadsheet shows it. */
  letter: string;
  header: string;
  /** A ledger field, `fact.<attribute>`, or null when the column is only kept as a raw cell. */
  target: TargetField | `fact.${string}` | null;
  via: 'PROFILE' | 'SYNONYM' | 'UNMAPPED' | 'DUPLICATE';
}

/** Fields that may come from several columns (联系电话 and 手机号 are both phones). */
const MULTI: ReadonlySet<string> = new Set(['phone', 'remark']);

function pinned(profile: Profile, header: string): string | undefined {
  const key = headerKey(header);
  const last = headerKey(header.split('/').pop() ?? header);
  for (const [h, t] of Object.entries(profile.columns)) {
    if (headerKey(h) === key) return t;
  }
  for (const [h, t] of Object.entries(profile.columns)) {
    if (headerKey(h) === last) return t;
  }
  return undefined;
}

/**
 * Maps each column to a ledger field: a profile's pinned mapping first, then the synonym
 * dictionary. A field claimed by an earlier column is not claimed again (except phones and
 * remarks), so two 身份证号 columns cannot silently overwrite each other.
 */
export function mapColumns(columns: readonly string[], profile: Profile): ColumnMapping[] {
  const claimed = new Set<string>();
  return columns.map((header, index) => {
    const letter = columnLetter(index);
    const pin = pinned(profile, header);
    let target: ColumnMapping['target'] = null;
    let via: ColumnMapping['via'] = 'UNMAPPED';
    if (pin !== undefined) {
      target = pin === 'ignore' ? null : (pin as ColumnMapping['target']);
      via = 'PROFILE';
    } else {
      const f = fieldForHeader(header);
      if (f && f !== 'serial') {
        target = f;
        via = 'SYNONYM';
      }
    }
    if (target && claimed.has(target) && !MULTI.has(target))
      return { index, letter, header, target: null, via: 'DUPLICATE' };
    if (target) claimed.add(target);
    return { index, letter, header, target, via };
  });
}

/**
 * Applies a profile's transforms to the rows of one sheet, in order. Stateful: fillDown carries
 * the last non-blank value of a column down the sheet, so a new instance is needed per sheet.
 */
export class RowTransformer {
  private readonly carried = new Map<number, CellValue>();
  private readonly steps: { index: number; t: Transform; re?: RegExp }[];

  constructor(columns: readonly string[], transforms: readonly Transform[]) {
    const keys = columns.map(headerKey);
    this.steps = [];
    for (const t of transforms) {
      const k = headerKey(t.column);
      let index = keys.indexOf(k);
      if (index < 0) index = columns.findIndex((c) => headerKey(c.split('/').pop() ?? c) === k);
      if (index < 0) continue;
      this.steps.push({ index, t, re: t.op === 'strip' ? new RegExp(t.pattern, 'g') : undefined });
    }
  }

  /** The row's cells after the transforms; the input is not changed (raw cells stay as received). */
  apply(cells: readonly CellValue[]): CellValue[] {
    if (this.steps.length === 0) return cells as CellValue[];
    const out = cells.slice();
    for (const { index, t, re } of this.steps) {
      const v = out[index] ?? null;
      switch (t.op) {
        case 'fillDown':
          if (cellText(v) === '') out[index] = this.carried.get(index) ?? null;
          else this.carried.set(index, v);
          break;
        case 'map': {
          const text = cellText(v);
          if (Object.prototype.hasOwnProperty.call(t.values, text)) out[index] = t.values[text];
          break;
        }
        case 'strip':
          if (typeof v === 'string') out[index] = v.replace(re!, '');
          break;
      }
    }
    return out;
  }
}

/** The raw cells of a row keyed by column name, blanks left out: what the source record keeps. */
export function rawCells(columns: readonly string[], cells: readonly CellValue[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v === null || v === '') continue;
    const key = columns[i] ?? `列${columnLetter(i)}`;
    raw[key] = v instanceof Date ? v.toISOString() : v;
  }
  return raw;
}
