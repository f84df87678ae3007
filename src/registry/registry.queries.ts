/**
 * Reads of the registry (persons, households, houses, things, facts). Reads of "now" never touch
 * the change log; reads "as of" go through the <table>_as_of() functions of the migration.
 */

const personCols = `p.district_code AS "districtCode", p.id, p.id_number AS "idNumber", p.name, p.gender::text AS gender,
  p.birth_date AS "birthDate", p.ethnicity, p.phone, p.residence_type::text AS "residenceType", p.status::text AS status,
  p.merged_into_id AS "mergedIntoId", p.household_id AS "householdId", p.relation_to_head AS "relationToHead",
  p.house_id AS "houseId", p.area_code AS "areaCode", p.provenance, p.version, p.created_at AS "createdAt",
  p.updated_at AS "updatedAt"`;

const householdCols = `h.district_code AS "districtCode", h.id, h.household_number AS "householdNumber",
  h.head_person_id AS "headPersonId", h.house_id AS "houseId", h.area_code AS "areaCode", h.provenance, h.version,
  h.created_at AS "createdAt", h.updated_at AS "updatedAt"`;

const houseCols = `h.district_code AS "districtCode", h.id, h.code, h.street_name AS "streetName",
  h.street_number AS "streetNumber", h.building, h.unit, h.room, h.address, h.use::text AS use, h.floors,
  h.owner_name AS "ownerName", ST_X(h.location) AS lon, ST_Y(h.location) AS lat, h.area_code AS "areaCode",
  h.provenance, h.version, h.created_at AS "createdAt", h.updated_at AS "updatedAt"`;

const thingCols = `t.district_code AS "districtCode", t.id, t.code, t.category, t.name, t.status::text AS status,
  t.department_code AS "departmentCode", ST_X(t.location) AS lon, ST_Y(t.location) AS lat, t.area_code AS "areaCode",
  t.provenance, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

const factCols = `f.district_code AS "districtCode", f.id, f.person_id AS "personId", f.kind,
  f.department_code AS "departmentCode", f.valid_from AS "validFrom", f.valid_to AS "validTo", f.attributes,
  f.status::text AS status, f.provenance, f.version, f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;

const caseCols = `c.district_code AS "districtCode", c.id, c.category_code AS "categoryCode", c.description, c.channel,
  c.reporter_name AS "reporterName", c.reporter_phone AS "reporterPhone", ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
  c.area_code AS "areaCode", c.status::text AS status, c.reported_at AS "reportedAt", c.provenance, c.version,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

/** `FROM` source for a table now, or as of instant $asOf (a parameter placeholder). */
function from(table: string, alias: string, asOfParam: string | null): string {
  return asOfParam ? `${table}_as_of(${asOfParam}::timestamptz) ${alias}` : `${table} ${alias}`;
}

export const registrySql = {
  personsByIds: (asOf: boolean) =>
    `SELECT ${personCols} FROM ${from('person', 'p', asOf ? '$2' : null)} WHERE p.id = ANY($1::bigint[])`,
  personByIdNumber: `SELECT ${personCols} FROM person p WHERE p.id_number = $1`,
  personIdByIdNumber: `SELECT id FROM person WHERE id_number = $1`,
  membersOfHouseholds: (asOf: boolean) =>
    `SELECT ${personCols} FROM ${from('person', 'p', asOf ? '$2' : null)}
     WHERE p.household_id = ANY($1::bigint[]) AND p.status <> 'MERGED' ORDER BY p.id`,
  residentsOfHouses: `SELECT ${personCols} FROM person p WHERE p.house_id = ANY($1::bigint[]) AND p.status <> 'MERGED' ORDER BY p.id`,
  householdsByIds: (asOf: boolean) =>
    `SELECT ${householdCols} FROM ${from('household', 'h', asOf ? '$2' : null)} WHERE h.id = ANY($1::bigint[])`,
  householdIdByNumber: `SELECT id FROM household WHERE district_code = $1 AND household_number = $2`,
  housesByIds: (asOf: boolean) =>
    `SELECT ${houseCols} FROM ${from('house', 'h', asOf ? '$2' : null)} WHERE h.id = ANY($1::bigint[])`,
  houseIdByCode: `SELECT id FROM house WHERE district_code = $1 AND code = $2`,
  thingsByIds: `SELECT ${thingCols} FROM thing t WHERE t.id = ANY($1::bigint[])`,
  casesByIds: `SELECT ${caseCols} FROM civic_case c WHERE c.id = ANY($1::bigint[])`,
  factsOfPersons: (asOf: boolean) =>
    `SELECT ${factCols} FROM ${from('fact', 'f', asOf ? '$2' : null)}
     WHERE f.person_id = ANY($1::bigint[]) ORDER BY f.valid_from, f.id`,
  factsByIds: `SELECT ${factCols} FROM fact f WHERE f.id = ANY($1::bigint[])`,

  /**
   * A page of persons with filters; parameters: $1 afterId, $2 limit+1, $3 area path (ltree or
   * null), $4 born on/after, $5 born on/before, $6 gender, $7 residence type, $8 fact kind,
   * $9 as-of instant (or null for now), $10 the day facts must be valid on.
   */
  personsPage: (asOf: boolean, count: boolean) => `
    SELECT ${count ? 'count(*)::bigint AS total' : personCols}
    FROM ${from('person', 'p', asOf ? '$9' : null)}
    WHERE ${count ? 'true' : 'p.id > $1'}
      AND p.status <> 'MERGED'
      AND ($3::ltree IS NULL OR p.area_code IN (SELECT code FROM area WHERE path <@ $3::ltree))
      AND ($4::date IS NULL OR p.birth_date >= $4::date)
      AND ($5::date IS NULL OR p.birth_date <= $5::date)
      AND ($6::gender IS NULL OR p.gender = $6::gender)
      AND ($7::residence_type IS NULL OR p.residence_type = $7::residence_type)
      AND ($8::text IS NULL OR EXISTS (
            SELECT 1 FROM ${from('fact', 'f', asOf ? '$9' : null)}
            WHERE f.district_code = p.district_code AND f.person_id = p.id AND f.kind = $8 AND f.status = 'ACTIVE'
              AND f.valid_from <= $10::date AND (f.valid_to IS NULL OR f.valid_to >= $10::date)))
      ${count ? '' : 'ORDER BY p.id LIMIT $2'}`,

  /** $1 afterId, $2 limit+1, $3 area path or null, $4 GeoJSON polygon text or null. */
  housesPage: (count: boolean) => `
    SELECT ${count ? 'count(*)::bigint AS total' : houseCols}
    FROM house h
    WHERE ${count ? 'true' : 'h.id > $1'}
      AND ($3::ltree IS NULL OR h.area_code IN (SELECT code FROM area WHERE path <@ $3::ltree))
      AND ($4::text IS NULL OR (h.location && ST_SetSRID(ST_GeomFromGeoJSON($4::text), 4326)
                                AND ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON($4::text), 4326), h.location)))
      ${count ? '' : 'ORDER BY h.id LIMIT $2'}`,

  /** $1 afterId, $2 limit+1, $3 area path or null, $4 category or null. */
  thingsPage: (count: boolean) => `
    SELECT ${count ? 'count(*)::bigint AS total' : thingCols}
    FROM thing t
    WHERE ${count ? 'true' : 't.id > $1'}
      AND ($3::ltree IS NULL OR t.area_code IN (SELECT code FROM area WHERE path <@ $3::ltree))
      AND ($4::text IS NULL OR t.category = $4)
      ${count ? '' : 'ORDER BY t.id LIMIT $2'}`,

  /** $1 afterId, $2 limit+1, $3 area path or null, $4 status or null. */
  casesPage: (count: boolean) => `
    SELECT ${count ? 'count(*)::bigint AS total' : caseCols}
    FROM civic_case c
    WHERE ${count ? 'true' : 'c.id > $1'}
      AND ($3::ltree IS NULL OR c.area_code IN (SELECT code FROM area WHERE path <@ $3::ltree))
      AND ($4::case_status IS NULL OR c.status = $4::case_status)
      ${count ? '' : 'ORDER BY c.id LIMIT $2'}`,

  /** Where each current value of an entity came from. */
  sourcesByIds: `
    SELECT s.id, s.district_code AS "districtCode", s.kind::text AS kind, s.department_code AS "departmentCode",
           s.actor, s.file_name AS "fileName", s.sheet, s.row_number AS "rowNumber", s.received_at AS "receivedAt"
    FROM source_record s WHERE s.id = ANY($1::bigint[])`,

  conflictsOf: `
    SELECT id, field, chosen_value AS "chosenValue", chosen_source_id AS "chosenSourceId", other_value AS "otherValue",
           other_source_id AS "otherSourceId", status::text AS status, created_at AS "createdAt"
    FROM conflict WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`,
};
