/** SQL for areas (reference data: the territory tree with PostGIS boundaries). */
export const areaSql = {
  /** Inserts or updates one level of areas; $1 is a JSON array of {code,name,level,parentCode,districtCode,boundary}. */
  upsert: `
    INSERT INTO area (code, name, level, parent_code, path, district_code, boundary)
    SELECT a.code, a.name, a.level::area_level, a."parentCode",
           coalesce((SELECT p.path FROM area p WHERE p.code = a."parentCode"), ''::ltree) || text2ltree(a.code),
           a."districtCode",
           CASE WHEN a.boundary IS NULL THEN NULL
                ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(a.boundary::text), 4326)) END
    FROM jsonb_to_recordset($1::jsonb) AS a(code text, name text, level text, "parentCode" text, "districtCode" text, boundary jsonb)
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
      path = EXCLUDED.path, district_code = EXCLUDED.district_code, boundary = EXCLUDED.boundary`,
};
