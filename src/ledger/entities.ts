/** The kinds of ledger entity (matches the `entity_type` enum). */
export type EntityType = 'PERSON' | 'HOUSEHOLD' | 'HOUSE' | 'THING' | 'CASE' | 'FACT';

/** How a tracked column is held in JavaScript and in the change log. */
export type ColumnKind = 'text' | 'int' | 'date' | 'timestamptz' | 'jsonb' | 'point';

/** A ledger entity's table and the columns whose history is tracked field by field. */
export interface EntitySpec {
  type: EntityType;
  table: string;
  columns: Record<string, ColumnKind>;
}

/** Every ledger entity; the write path, as-of reads and provenance are driven by this table. */
export const ENTITIES: Record<EntityType, EntitySpec> = {
  PERSON: {
    type: 'PERSON',
    table: 'person',
    columns: {
      id_number: 'text',
      name: 'text',
      gender: 'text',
      birth_date: 'date',
      ethnicity: 'text',
      phone: 'text',
      residence_type: 'text',
      status: 'text',
      merged_into_id: 'int',
      household_id: 'int',
      relation_to_head: 'text',
      house_id: 'int',
      area_code: 'text',
    },
  },
  HOUSEHOLD: {
    type: 'HOUSEHOLD',
    table: 'household',
    columns: { household_number: 'text', head_person_id: 'int', house_id: 'int', area_code: 'text' },
  },
  HOUSE: {
    type: 'HOUSE',
    table: 'house',
    columns: {
      code: 'text',
      street_name: 'text',
      street_number: 'text',
      building: 'text',
      unit: 'text',
      room: 'text',
      address: 'text',
      use: 'text',
      floors: 'int',
      owner_name: 'text',
      location: 'point',
      area_code: 'text',
    },
  },
  THING: {
    type: 'THING',
    table: 'thing',
    columns: {
      code: 'text',
      category: 'text',
      name: 'text',
      status: 'text',
      department_code: 'text',
      location: 'point',
      area_code: 'text',
    },
  },
  CASE: {
    type: 'CASE',
    table: 'civic_case',
    columns: {
      category_code: 'text',
      description: 'text',
      channel: 'text',
      reporter_name: 'text',
      reporter_phone: 'text',
      location: 'point',
      area_code: 'text',
      status: 'text',
      reported_at: 'timestamptz',
      // the workflow (src/cases): every transition is a ledger write, so the change log is the case history
      category_version: 'text',
      routing_reason: 'text',
      handling_level: 'text',
      handling_area_code: 'text',
      department_code: 'text',
      escalation_level: 'int',
      photos: 'jsonb',
      invalid_reason: 'text',
      filed_at: 'timestamptz',
      due_at: 'timestamptz',
      original_due_at: 'timestamptz',
      claimed_at: 'timestamptz',
      resolved_at: 'timestamptz',
      closed_at: 'timestamptz',
      rating: 'int',
      rating_comment: 'text',
      rated_at: 'timestamptz',
      warned_due_at: 'timestamptz',
    },
  },
  FACT: {
    type: 'FACT',
    table: 'fact',
    columns: {
      person_id: 'int',
      kind: 'text',
      department_code: 'text',
      valid_from: 'date',
      valid_to: 'date',
      attributes: 'jsonb',
      status: 'text',
    },
  },
};

/** A point as stored in the change log: EWKT with 7 decimals (about 1 cm). */
export function pointToEwkt(lon: number, lat: number): string {
  return `SRID=4326;POINT(${round7(lon)} ${round7(lat)})`;
}

/** Reads an EWKT point of our own format back into coordinates. */
export function ewktToPoint(ewkt: string): { lon: number; lat: number } {
  const m = /POINT\(([-\d.e]+) ([-\d.e]+)\)/.exec(ewkt);
  if (!m) throw new Error('not an EWKT point');
  return { lon: Number(m[1]), lat: Number(m[2]) };
}

function round7(n: number): number {
  return Math.round(n * 1e7) / 1e7;
}

/** The SQL select expression for a tracked column, giving the canonical form used in the change log. */
export function selectExpr(column: string, kind: ColumnKind): string {
  return kind === 'point' ? `ST_AsEWKT(${column}, 7) AS ${column}` : column;
}

/** An entity's tracked columns as a select list, each in the form the change log holds (`selectExpr`). */
export function trackedSelect(spec: EntitySpec): string {
  return Object.entries(spec.columns)
    .map(([c, k]) => selectExpr(c, k))
    .join(', ');
}

/**
 * An entity's provenance as readers see it, `{column: source record id}` for every field that has
 * a source, as a SQL expression over the table (or as-of function) alias `t`. A row keeps the source
 * that created it once (`created_source_id`) and in `provenance` only what differs: a field's own
 * entry wins (a JSON null: no source), else a field holding a value has the creating source. Rows
 * written before the column existed have no creating source and their full map. The write path
 * applies the same rule in JavaScript (`sourceOf`).
 */
export function provenanceSql(spec: EntitySpec, t: string): string {
  // jsonb_build_object takes at most 100 arguments, two per column
  if (Object.keys(spec.columns).length > 50)
    throw new Error(`${spec.table}: provenanceSql builds its map from at most 50 columns`);
  const created = Object.keys(spec.columns)
    .map((c) => `'${c}', CASE WHEN ${t}.${c} IS NOT NULL THEN ${t}.created_source_id END`)
    .join(', ');
  return `CASE WHEN ${t}.created_source_id IS NULL THEN ${t}.provenance
    ELSE jsonb_strip_nulls(jsonb_build_object(${created}) || ${t}.provenance) END`;
}

/**
 * The source of a row's current value of `column` (`provenanceSql` in JavaScript): its own entry in
 * the row's provenance, else the creating source if the field holds a value; undefined if none.
 */
export function sourceOf(
  row: Record<string, unknown> & { provenance: Record<string, number | null> },
  column: string,
): number | undefined {
  const own = row.provenance[column];
  if (own !== undefined) return own ?? undefined;
  const created = row.created_source_id;
  if (created === null || created === undefined || row[column] === null || row[column] === undefined)
    return undefined;
  return Number(created);
}

/** Brings a JavaScript value into the canonical form the change log stores for that column kind. */
export function canonical(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'timestamptz':
      return new Date(value as string | Date).toISOString();
    case 'int':
      return Number(value);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    default:
      return value;
  }
}

/** Deep equality for canonical values (jsonb objects compared by content, key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** JSON with sorted keys, so that equal objects give equal strings. */
export function stableStringify(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}
