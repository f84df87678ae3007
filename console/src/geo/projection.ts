/**
 * Draws the API's GeoJSON without any tile server: an equirectangular projection scaled by the
 * cosine of the middle latitude (accurate enough for a district), fitted into an SVG viewport.
 */
export type Position = [number, number];

/** The geometries the API returns for boundaries and locations. */
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** A bounding box in degrees. */
export interface Bounds {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

function rings(g: Geometry): Position[][] {
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [[g.coordinates]];
}

/** The box around every given geometry, or null when there is none. */
export function boundsOf(geoms: (Geometry | null | undefined)[]): Bounds | null {
  let b: Bounds | null = null;
  for (const g of geoms) {
    if (!g) continue;
    for (const ring of rings(g)) {
      for (const [lon, lat] of ring) {
        if (!b) b = { minLon: lon, minLat: lat, maxLon: lon, maxLat: lat };
        else {
          b.minLon = Math.min(b.minLon, lon);
          b.maxLon = Math.max(b.maxLon, lon);
          b.minLat = Math.min(b.minLat, lat);
          b.maxLat = Math.max(b.maxLat, lat);
        }
      }
    }
  }
  return b;
}

/** A projection from [lon, lat] to SVG coordinates in a width × height viewport with a margin. */
export interface Projection {
  width: number;
  height: number;
  project(p: Position): [number, number];
  path(g: Geometry): string;
}

/** Fits the bounds into the viewport, keeping the aspect ratio of the ground. */
export function fitProjection(b: Bounds, width: number, height: number, margin = 20): Projection {
  const k = Math.cos((((b.minLat + b.maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((b.maxLon - b.minLon) * k, 1e-9);
  const spanY = Math.max(b.maxLat - b.minLat, 1e-9);
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const project = ([lon, lat]: Position): [number, number] => [
    offX + (lon - b.minLon) * k * scale,
    offY + (b.maxLat - lat) * scale,
  ];
  const path = (g: Geometry) =>
    rings(g)
      .map(
        (ring) =>
          ring
            .map(
              (p, i) =>
                `${i ? 'L' : 'M'}${project(p)
                  .map((v) => v.toFixed(1))
                  .join(',')}`,
            )
            .join('') + 'Z',
      )
      .join('');
  return { width, height, project, path };
}

/** Where to put an area's label: the centre of the box of its largest ring. */
export function labelPoint(g: Geometry): Position {
  let best: Position[] = [];
  for (const r of rings(g)) if (r.length > best.length) best = r;
  const b = boundsOf([{ type: 'Polygon', coordinates: [best] }])!;
  return [(b.minLon + b.maxLon) / 2, (b.minLat + b.maxLat) / 2];
}
