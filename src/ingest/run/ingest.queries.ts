import { ledgerSql } from '../../ledger/ledger.queries';

/** SQL of ingest runs and of the look-ups that resolve a batch of rows; each statement serves a whole batch. */
export const ingestSql = {
  createRun: `
    INSERT INTO ingest_run (district_code, file_name, file_path, file_sha256, file_size, profile, department_code,
                            area_code, actor, actor_scope)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
    RETURNING id`,

  runById: `SELECT * FROM ingest_run WHERE id = $1`,

  listRuns: (scopeWhere: string) =>
    `SELECT * FROM ingest_run WHERE ($1::text IS NULL OR district_code = $1) AND ${scopeWhere} ORDER BY id DESC LIMIT $2`,

  startRun: `
    UPDATE ingest_run SET status = 'RUNNING', started_at = coalesce(started_at, now()), error_reason = NULL,
           error_message = NULL
    WHERE id = $1`,

  setLayout: `UPDATE ingest_run SET layout = $2::jsonb, format = $3, rows_total = $4 WHERE id = $1`,

  failRun: `
    UPDATE ingest_run SET status = 'FAILED', error_reason = $2, error_message = $3, finished_at = now()
    WHERE id = $1`,

  finishRun: `UPDATE ingest_run SET status = 'SUCCEEDED', finished_at = now() WHERE id = $1`,

  /** Moves the checkpoint and counters in the batch's own transaction, so progress and data commit together. */
  advance: `
    UPDATE ingest_run SET checkpoint = $2, landed = landed + $3, unchanged = unchanged + $4, skipped = skipped + $5,
           rejected = rejected + $6, persons_created = persons_created + $7, persons_matched = persons_matched + $8,
           conflicts = conflicts + $9, review_items = review_items + $10
    WHERE id = $1 AND checkpoint < $2`,

  insertIssues: `
    INSERT INTO ingest_row_issue (district_code, run_id, seq, sheet, row_number, outcome, reason, message, raw)
    SELECT district_code, run_id, seq, sheet, row_number, outcome, reason, message, raw
    FROM jsonb_populate_recordset(NULL::ingest_row_issue, $1::jsonb)`,

  issues: `
    SELECT seq, sheet, row_number, outcome, reason, message, raw FROM ingest_row_issue
    WHERE run_id = $1 AND ($2::ingest_row_outcome IS NULL OR outcome = $2) AND seq > $3
    ORDER BY seq LIMIT $4`,

  /**
   * Rows already landed, by content hash: one index probe per hash (a LATERAL sub-select that
   * LIMIT keeps from being flattened into a join). Written as `content_hash = ANY(...)`, or as a
   * join, the planner, with statistics still stale from the bulk load in progress, scanned the
   * district's whole index for every batch instead (200 ms a batch at 100k rows, 31 s in all in a
   * 1M-row run, growing with the ledger).
   */
  knownHashes: `
    SELECT h.content_hash FROM unnest($2::text[]) h(content_hash)
    CROSS JOIN LATERAL (
      SELECT 1 FROM source_record s
      WHERE s.district_code = $1 AND s.kind = 'INGEST' AND s.content_hash = h.content_hash LIMIT 1) s`,

  /**
   * The look-ups below probe their index once per key in the same way (OFFSET 0 where a key may
   * find several rows): as `= ANY(...)`, for 5,000 keys the planner preferred reading the whole
   * table while it held fewer than about a million rows, 90 ms a batch at 500,000 persons (18 s of
   * a 1M-row run for the persons alone, bench/RESULTS.md); a probe is 1 µs a key.
   */
  personsByIdNumber: `
    SELECT p.id, p.id_number, p.status, p.merged_into_id, p.household_id, p.house_id, p.area_code
    FROM (SELECT DISTINCT unnest($1::text[]) AS id_number) k
    CROSS JOIN LATERAL (SELECT * FROM person p WHERE p.id_number = k.id_number LIMIT 1) p`,

  /** People who could be the same as a record without an ID number: same name and birth date, no ID of their own. */
  candidates: `
    SELECT p.id, p.name, p.birth_date, p.gender, p.household_id, p.house_id, h.household_number, hs.address, p.area_code
    FROM person p
    LEFT JOIN household h ON h.district_code = p.district_code AND h.id = p.household_id
    LEFT JOIN house hs ON hs.district_code = p.district_code AND hs.id = p.house_id
    WHERE p.district_code = $1 AND p.status = 'ACTIVE' AND p.id_number IS NULL
      AND p.birth_date = ANY($2::date[]) AND p.name = ANY($3::text[])`,

  householdsByNumber: `
    SELECT h.id, h.household_number, h.house_id, h.head_person_id
    FROM (SELECT DISTINCT unnest($2::text[]) AS household_number) k
    CROSS JOIN LATERAL (SELECT * FROM household h
                        WHERE h.district_code = $1 AND h.household_number = k.household_number LIMIT 1) h`,

  housesByCode: `
    SELECT h.id, h.code, h.address FROM (SELECT DISTINCT unnest($2::text[]) AS code) k
    CROSS JOIN LATERAL (SELECT * FROM house h WHERE h.district_code = $1 AND h.code = k.code LIMIT 1) h`,

  housesByAddress: `
    SELECT h.id, h.code, h.address FROM (SELECT DISTINCT unnest($2::text[]) AS address) k
    CROSS JOIN LATERAL (SELECT * FROM house h WHERE h.district_code = $1 AND h.address = k.address OFFSET 0) h`,

  activeFacts: `
    SELECT id, person_id FROM fact
    WHERE district_code = $1 AND person_id = ANY($2::bigint[]) AND kind = $3 AND department_code = $4
      AND status = 'ACTIVE'`,

  insertDecisions: `
    INSERT INTO match_decision (district_code, id, ingest_run_id, source_record_id, person_id, candidate_id, method,
                                score, agreed, explanation, created_at)
    SELECT district_code, id, ingest_run_id, source_record_id, person_id, candidate_id, method, score, agreed,
           explanation, created_at
    FROM jsonb_populate_recordset(NULL::match_decision, $1::jsonb)`,

  allocateDecisionIds: ledgerSql.allocateIds('match_decision'),

  insertReviews: `
    INSERT INTO review_item (district_code, kind, person_id, candidate_id, match_decision_id, ingest_run_id,
                             source_record_id, detail, created_at)
    SELECT district_code, kind, person_id, candidate_id, match_decision_id, ingest_run_id, source_record_id, detail,
           created_at
    FROM jsonb_populate_recordset(NULL::review_item, $1::jsonb)`,

  /** Open review items and open person conflicts ($1: a district, or NULL): what staff must look at. */
  reviewItems: (
    personInScope: string,
    candidateInScope: string,
    matchFilter = 'true',
    conflictFilter = 'true',
  ) => `
      SELECT 'MATCH' AS source, r.id, r.kind::text AS kind, r.person_id,
             CASE WHEN cp.id IS NOT NULL AND ${candidateInScope} THEN r.candidate_id END AS candidate_id,
             NULL::text AS field, NULL::jsonb AS chosen_value, NULL::jsonb AS other_value, d.score,
             coalesce(d.explanation, r.detail) AS explanation, r.created_at,
             coalesce(r.source_record_id, d.source_record_id) AS source_id, NULL::bigint AS chosen_source_id
      FROM review_item r
      JOIN person p ON p.district_code = r.district_code AND p.id = r.person_id
      LEFT JOIN person cp ON cp.district_code = r.district_code AND cp.id = r.candidate_id
      LEFT JOIN match_decision d ON d.district_code = r.district_code AND d.id = r.match_decision_id
      WHERE r.status = 'OPEN' AND ($1::text IS NULL OR r.district_code = $1) AND ${personInScope}
        AND ${matchFilter}
      UNION ALL
      SELECT 'CONFLICT', c.id, 'CONFLICT', c.entity_id, NULL, c.field, c.chosen_value, c.other_value, NULL, NULL,
             c.created_at, c.other_source_id, c.chosen_source_id
      FROM conflict c
      JOIN person p ON p.district_code = c.district_code AND p.id = c.entity_id
      WHERE c.status = 'OPEN' AND c.entity_type = 'PERSON' AND ($1::text IS NULL OR c.district_code = $1)
        AND ${personInScope} AND ${conflictFilter}`,

  /** The review queue, oldest first (`items`: `reviewItems`). */
  reviewQueue: (items: string, limit: string) =>
    `SELECT * FROM (${items}) q ORDER BY created_at, source, id LIMIT ${limit}`,

  /** How many items the review queue holds (`items`: `reviewItems`). */
  reviewQueueCount: (items: string) => `SELECT count(*)::int AS n FROM (${items}) q`,
};
