/** SQL of the seed loader. */
export const seedSql = {
  /** Whether the fixture district has residents already. */
  personCount: `SELECT count(*)::bigint AS n FROM person WHERE district_code = $1`,
  /** The deepest area containing each point ($1 lons, $2 lats), one row per point in order. */
  locateMany: `
    SELECT p.i, (SELECT a.code FROM area a
                 WHERE a.boundary && ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
                   AND ST_Covers(a.boundary, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
                 ORDER BY a.level DESC, a.code LIMIT 1) AS code
    FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i) ORDER BY p.i`,
};
