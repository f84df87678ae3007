import { AppError } from '../errors/app-error';

/** A GeoJSON geometry object (RFC 7946). */
export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown;
}

function isPosition(p: unknown): p is number[] {
  return (
    Array.isArray(p) &&
    (p.length === 2 || p.length === 3) &&
    p.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    p[0] >= -180 &&
    p[0] <= 180 &&
    p[1] >= -90 &&
    p[1] <= 90
  );
}

function isRing(r: unknown): boolean {
  if (!Array.isArray(r) || r.length < 4 || !r.every(isPosition)) return false;
  const a = r[0] as number[];
  const b = r[r.length - 1] as number[];
  return a[0] === b[0] && a[1] === b[1];
}

/** Validates a GeoJSON Point and returns its coordinates; `field` names the input at fault. */
export function parsePoint(value: unknown, field: string): { lon: number; lat: number } {
  const g = value as GeoJsonGeometry | null;
  if (!g || g.type !== 'Point' || !isPosition(g.coordinates)) {
    throw new AppError(
      'GEOMETRY_INVALID',
      `${field} must be a GeoJSON Point {"type":"Point","coordinates":[lon,lat]} with longitude -180..180 and latitude -90..90`,
      field,
    );
  }
  const [lon, lat] = g.coordinates as number[];
  return { lon, lat };
}

/** Validates a GeoJSON Polygon or MultiPolygon with closed rings of at least four positions. */
export function parseArea(value: unknown, field: string): GeoJsonGeometry {
  const g = value as GeoJsonGeometry | null;
  const ok =
    !!g &&
    ((g.type === 'Polygon' &&
      Array.isArray(g.coordinates) &&
      g.coordinates.length > 0 &&
      g.coordinates.every(isRing)) ||
      (g.type === 'MultiPolygon' &&
        Array.isArray(g.coordinates) &&
        g.coordinates.length > 0 &&
        g.coordinates.every((poly) => Array.isArray(poly) && poly.length > 0 && poly.every(isRing))));
  if (!ok) {
    throw new AppError(
      'GEOMETRY_INVALID',
      `${field} must be a GeoJSON Polygon or MultiPolygon whose rings are closed and have at least 4 positions`,
      field,
    );
  }
  return g;
}

/** A GeoJSON Point for coordinates. */
export function point(lon: number, lat: number): GeoJsonGeometry {
  return { type: 'Point', coordinates: [lon, lat] };
}
