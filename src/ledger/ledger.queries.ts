import { EntitySpec, trackedSelect } from './entities';

/** SQL of the ledger's write path and history reads; every statement handles a whole batch. */
export const ledgerSql = {
  /**
   * Reserves `$1` ids from a table's identity sequence (one round trip for a batch). The sequence is
   * looked up once (OFFSET 0 keeps the sub-select from being folded into every row), not per id.
   */
  allocateIds: (table: string) =>
    `SELECT nextval(s.seq)::bigint AS id
     FROM (SELECT pg_get_serial_sequence('${table}', 'id')::regclass AS seq OFFSET 0) s
     CROSS JOIN generate_series(1, $1::int)`,

  /** The columns COPY writes for each source record (`copyRows`, one statement per batch). */
  sourceColumns: [
    'district_code',
    'id',
    'kind',
    'department_code',
    'actor',
    'ingest_run_id',
    'file_name',
    'sheet',
    'row_number',
    'raw',
    'normalized',
    'content_hash',
    'received_at',
  ],

  /**
   * One source record (a single edit, a case step) inserted with the id its identity column draws,
   * instead of a round trip to reserve the id first, and a null time `$12` is the transaction's
   * (`now()` to the millisecond, as a JavaScript Date holds it for the rows written after), read back
   * instead of asked for: `$1…` are `sourceColumns` without `id`.
   */
  insertOneSource: `INSERT INTO source_record (district_code, kind, department_code, actor, ingest_run_id,
      file_name, sheet, row_number, raw, normalized, content_hash, received_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::timestamptz, date_trunc('milliseconds', now())))
    RETURNING id, received_at AS at`,

  departments: `SELECT code, precedence FROM department`,

  /**
   * PostgreSQL's row-by-row foreign-key checks on or off for the rest of the transaction (off: the
   * ledger checks them per batch itself, `BulkChecks`; triggers of the schema's own fire always).
   */
  perRowChecks: (on: boolean) => `SET LOCAL session_replication_role = ${on ? 'origin' : 'replica'}`,

  /**
   * Current rows of one entity type, locked for the rest of the transaction, each with the kind and
   * department of the sources its provenance names (`old_sources`, [[id, kind, department], …]),
   * which source precedence needs: one round trip instead of two. Each source is fetched by its
   * own index probe (LATERAL … LIMIT 1): as `s.id IN (…)`, with statistics lagging a bulk load, the
   * planner chose a hash join over every source record (and JIT-compiled it), 80 ms for one row.
   */
  lockCurrent: (spec: EntitySpec) =>
    `SELECT district_code, id, version, provenance, created_source_id, ${trackedSelect(spec)},
              (SELECT coalesce(jsonb_agg(jsonb_build_array(s.id, s.kind, s.department_code)), '[]')
               FROM (SELECT p.v::bigint AS sid FROM jsonb_each_text(t.provenance) AS p(k, v) WHERE p.v IS NOT NULL
                     UNION SELECT t.created_source_id WHERE t.created_source_id IS NOT NULL) p
               CROSS JOIN LATERAL (SELECT s.id, s.kind, s.department_code FROM source_record s
                                   WHERE s.id = p.sid LIMIT 1) s) AS old_sources
            FROM ${spec.table} t WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,

  /** The columns COPY writes for each created entity: the tracked ones, provenance and bookkeeping. */
  entityColumns: (spec: EntitySpec) => [
    'district_code',
    'id',
    ...Object.keys(spec.columns),
    'provenance',
    'created_source_id',
    'version',
    'created_at',
    'updated_at',
  ],

  updateEntities: (spec: EntitySpec) => {
    const cols = [...Object.keys(spec.columns), 'provenance', 'version', 'updated_at'];
    return `UPDATE ${spec.table} t SET ${cols.map((c) => `${c} = r.${c}`).join(', ')}
            FROM jsonb_populate_recordset(NULL::${spec.table}, $1::jsonb) r
            WHERE t.district_code = r.district_code AND t.id = r.id`;
  },

  /** The columns COPY writes for each change row (the id comes from the table's identity). */
  changeColumns: [
    'district_code',
    'entity_type',
    'entity_id',
    'op',
    'changes',
    'source_record_id',
    'actor',
    'recorded_at',
  ],

  /** The columns COPY writes for each conflict. */
  conflictColumns: [
    'district_code',
    'entity_type',
    'entity_id',
    'field',
    'chosen_value',
    'chosen_source_id',
    'other_value',
    'other_source_id',
    'created_at',
  ],

  /**
   * Of a batch's new conflicts ($1: [{i, entity_type, entity_id, field, chosen, other}]), those
   * raised already: the same values still open or kept by a reviewer, or the two values the other
   * way round where a reviewer took the other one. (JSON null and SQL NULL compare equal.)
   */
  settledConflicts: `
    SELECT n.i FROM jsonb_to_recordset($1::jsonb)
      AS n(i int, entity_type entity_type, entity_id bigint, field text, chosen jsonb, other jsonb)
    WHERE EXISTS (
      SELECT 1 FROM conflict c
      WHERE c.entity_type = n.entity_type AND c.entity_id = n.entity_id AND c.field = n.field
        AND CASE
          WHEN c.status = 'OPEN' OR c.decision = 'KEEP'
            THEN coalesce(c.chosen_value, 'null') = coalesce(n.chosen, 'null')
             AND coalesce(c.other_value, 'null') = coalesce(n.other, 'null')
          WHEN c.decision = 'TAKE_OTHER'
            THEN coalesce(c.other_value, 'null') = coalesce(n.chosen, 'null')
             AND coalesce(c.chosen_value, 'null') = coalesce(n.other, 'null')
          ELSE false
        END)`,

  /** The changes of one entity, oldest first, with where each came from. */
  history: `
    SELECT c.id, c.op, c.changes, c.source_record_id, c.actor, c.recorded_at,
           s.kind AS source_kind, s.department_code, s.file_name, s.sheet, s.row_number
    FROM ledger_change c
    LEFT JOIN source_record s ON s.id = c.source_record_id
    WHERE c.entity_type = $1 AND c.entity_id = $2
    ORDER BY c.id`,

  /** One entity's row now ($1 its id), its tracked columns as the change log writes them. */
  currentRow: (spec: EntitySpec) => `SELECT version, ${trackedSelect(spec)} FROM ${spec.table} WHERE id = $1`,
};
