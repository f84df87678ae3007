const ITEM = `
    SELECT r.district_code, r.id, r.kind::text, r.person_id, r.candidate_id, r.status::text, r.decision::text,
           r.note, r.resolved_at, r.resolved_by, p.area_code, cp.area_code AS candidate_area_code
    FROM review_item r
    JOIN person p ON p.district_code = r.district_code AND p.id = r.person_id
    LEFT JOIN person cp ON cp.district_code = r.district_code AND cp.id = r.candidate_id
    WHERE r.id = $1`;

/** SQL of working off the review queue (src/ingest/review). */
export const reviewSql = {
  /** A conflict about a person, locked, with the person's area (scope) and status. */
  lockConflict: `
    SELECT c.district_code, c.id, c.entity_id AS person_id, c.field, c.other_value, c.other_source_id, c.status::text,
           c.decision::text, c.resolved_at, c.resolved_by, p.area_code, p.status::text AS person_status
    FROM conflict c
    JOIN person p ON p.district_code = c.district_code AND p.id = c.entity_id
    WHERE c.id = $1 AND c.entity_type = 'PERSON'
    FOR UPDATE OF c`,

  /** A match or row review item, locked, with its person's and candidate's areas (scope). */
  lockItem: `${ITEM} FOR UPDATE OF r`,

  /** The same, unlocked (a merge locks and answers it in its own transaction). */
  itemById: ITEM,

  resolveConflict: `
    UPDATE conflict SET status = 'RESOLVED', decision = $3, note = $4, resolved_by = $5, resolved_at = now()
    WHERE district_code = $1 AND id = $2
    RETURNING decision::text, note, resolved_by, resolved_at`,

  resolveItem: `
    UPDATE review_item SET status = 'RESOLVED', decision = $3, note = $4, resolved_by = $5, resolved_at = now()
    WHERE district_code = $1 AND id = $2
    RETURNING decision::text, note, resolved_by, resolved_at`,
};
