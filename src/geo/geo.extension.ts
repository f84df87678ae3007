import { Prisma } from '../generated/prisma/client';
import type { GeoJsonGeometry } from './geojson';

/** One area found for a point. */
export interface AreaHit {
  code: string;
  level: string;
  districtCode: string | null;
}

/**
 * PostGIS through Prisma: Prisma has no geometry type, so these model methods use raw SQL with
 * the GiST indexes (`&&` prefilter, then ST_Covers / ST_Intersects).
 */
export const geoExtension = Prisma.defineExtension((client) =>
  client.$extends({
    name: 'geo',
    model: {
      area: {
        /**
         * The smallest areas containing a point, deepest level first. A point on a shared boundary
         * is covered by both neighbours; the lower code wins, so the answer is deterministic.
         */
        async containing(lon: number, lat: number): Promise<AreaHit[]> {
          return client.$queryRaw<AreaHit[]>`
            SELECT code, level::text AS level, district_code AS "districtCode"
            FROM area
            WHERE boundary && ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)
              AND ST_Covers(boundary, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
            -- area.level is the enum (GRID deepest); bare "level" would sort the text alias
            ORDER BY area.level DESC, code ASC`;
        },
        /** Area boundaries as GeoJSON geometries, keyed by code. */
        async boundaries(codes: string[]): Promise<Map<string, GeoJsonGeometry | null>> {
          const rows = await client.$queryRaw<{ code: string; geojson: string | null }[]>`
            SELECT code, ST_AsGeoJSON(boundary, 7) AS geojson FROM area WHERE code = ANY(${codes})`;
          return new Map(
            rows.map((r) => [r.code, r.geojson ? (JSON.parse(r.geojson) as GeoJsonGeometry) : null]),
          );
        },
      },
      house: {
        /** Ids of houses whose location lies inside a GeoJSON polygon (RFC 7946, WGS 84). */
        async idsWithin(polygon: GeoJsonGeometry): Promise<number[]> {
          const rows = await client.$queryRaw<{ id: bigint }[]>`
            SELECT id FROM house
            WHERE location && ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(polygon)}), 4326)
              AND ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(polygon)}), 4326), location)`;
          return rows.map((r) => Number(r.id));
        },
      },
    },
  }),
);
