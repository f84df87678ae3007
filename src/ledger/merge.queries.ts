import { ENTITIES, provenanceSql, trackedSelect } from './entities';

const personColumns = trackedSelect(ENTITIES.PERSON);

/** SQL of person merges. */
export const mergeSql = {
  /** The two persons, locked, with each field's source (`provenanceSql`) for the merge snapshot. */
  lockPersons: `SELECT district_code, id, version, ${provenanceSql(ENTITIES.PERSON, 'person')} AS provenance, ${personColumns}
    FROM person WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
  factsOf: `SELECT id FROM fact WHERE district_code = $1 AND person_id = $2 ORDER BY id`,
  headedBy: `SELECT id FROM household WHERE district_code = $1 AND head_person_id = $2 ORDER BY id`,
  insertMerge: `
    INSERT INTO person_merge (district_code, survivor_id, merged_id, snapshot, actor)
    VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id`,
  /** A review item a merge answers, locked until the merge commits. */
  lockItem: `SELECT status::text FROM review_item WHERE id = $1 FOR UPDATE`,
  /**
   * The open match items of the review queue between the two persons (either way round) are
   * answered by their merge, in the merge's transaction: a merge and its items cannot part.
   */
  resolveMatches: `
    UPDATE review_item SET status = 'RESOLVED', decision = 'MERGE', note = $4, resolved_by = $5, resolved_at = now()
    WHERE district_code = $1 AND status = 'OPEN' AND kind IN ('LOW_SCORE_MATCH', 'AMBIGUOUS_MATCH')
      AND ((person_id = $2 AND candidate_id = $3) OR (person_id = $3 AND candidate_id = $2))`,
  /** The match items a merge answered, open again when it is undone. */
  reopenMatches: `
    UPDATE review_item SET status = 'OPEN', decision = NULL, note = NULL, resolved_by = NULL, resolved_at = NULL
    WHERE district_code = $1 AND status = 'RESOLVED' AND decision = 'MERGE'
      AND ((person_id = $2 AND candidate_id = $3) OR (person_id = $3 AND candidate_id = $2))`,
  mergeById: `SELECT * FROM person_merge WHERE id = $1 FOR UPDATE`,
  markUnmerged: `UPDATE person_merge SET unmerged_at = now(), unmerged_by = $3 WHERE district_code = $1 AND id = $2`,
};
