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
  mergeById: `SELECT * FROM person_merge WHERE id = $1 FOR UPDATE`,
  markUnmerged: `UPDATE person_merge SET unmerged_at = now(), unmerged_by = $3 WHERE district_code = $1 AND id = $2`,
};
