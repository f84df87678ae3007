import type { FieldSource, FieldChange, LedgerChange } from './provenance.type';
import type { ChangeRow } from '../../ledger/history.service';
import { maskIdNumber } from '../../normalize/id-number';
import { maskPhone } from '../../normalize/phone';
import type { Loaders } from '../../graphql/loaders';
import { maskAddress } from '../../auth/reveal';
import { maskPersonalValue } from '../../auth/mask-text';
import type { ConflictView } from '../../ledger/history.service';

const SENSITIVE: Partial<Record<string, (v: string) => string>> = {
  id_number: maskIdNumber,
  phone: maskPhone,
  reporter_phone: maskPhone,
  address: maskAddress,
  street_number: maskAddress,
  building: maskAddress,
  unit: maskAddress,
  room: maskAddress,
};

/** snake_case column → camelCase GraphQL field. */
export function fieldName(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Columns holding codes (areas, departments, household numbers) or geometry, never free text. */
const CODE_COLUMN = /(^|_)code$|^household_number$|^location$|^boundary$/;

/**
 * Masks personal data in a logged value, whatever the reader: the personal columns by their own
 * rule, codes as they are, and any other value (a description, a note, a fact's details) as free
 * text, with the ID numbers and phone numbers inside it masked.
 */
export function maskValue(column: string, value: unknown): unknown {
  const mask = SENSITIVE[column];
  if (mask) return typeof value === 'string' ? mask(value) : value;
  if (CODE_COLUMN.test(column)) return value;
  return maskPersonalValue(value);
}

/** The per-field sources of an entity's current values. */
export async function fieldSources(
  provenance: Record<string, number>,
  loaders: Loaders,
): Promise<FieldSource[]> {
  const entries = Object.entries(provenance).sort(([a], [b]) => a.localeCompare(b));
  const sources = await loaders.sourceById.loadMany(entries.map(([, id]) => id));
  return entries.map(([column], i) => {
    const s = sources[i];
    return { field: fieldName(column), source: s instanceof Error ? null : (s as FieldSource['source']) };
  });
}

/** Change-log rows as GraphQL changes, personal data masked. */
export function toChanges(rows: ChangeRow[]): LedgerChange[] {
  return rows.map((r) => ({
    id: r.id,
    op: r.op,
    actor: r.actor,
    recordedAt: r.recordedAt,
    sourceRecordId: r.sourceRecordId,
    fields: Object.entries(r.changes)
      .filter(([column]) => column !== 'version')
      .map(([column, [oldValue, newValue]]): FieldChange => ({
        field: fieldName(column),
        oldValue: maskValue(column, oldValue),
        newValue: maskValue(column, newValue),
      })),
  }));
}

/**
 * Conflicts as the API shows them: the field named as in the GraphQL type (the ledger keeps the
 * column), personal data masked (a conflict over a phone must not leak both phones).
 */
export function maskConflicts(rows: ConflictView[]): ConflictView[] {
  return rows.map((r) => {
    const column = r.field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return {
      ...r,
      field: fieldName(column),
      chosenValue: maskValue(column, r.chosenValue),
      otherValue: maskValue(column, r.otherValue),
    };
  });
}
