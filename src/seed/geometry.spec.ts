import type { GeoJsonMultiPolygon } from './district.types';
import { distanceToBoundary, multiPolygonArea, pointInPolygon, randomPointIn, ringArea } from './geometry';
import { mulberry32 } from './random';
import { CENTRE_STREET_CODE, districtTerritory } from './territory';

type Segment = string;

/** Directed segments of every ring, as "x1,y1>x2,y2". */
function segments(mp: GeoJsonMultiPolygon): Segment[] {
  const out: Segment[] = [];
  for (const polygon of mp.coordinates) {
    for (const ring of polygon) {
      for (let k = 0; k < ring.length - 1; k++) out.push(`${ring[k].join(',')}>${ring[k + 1].join(',')}`);
    }
  }
  return out;
}

const reverse = (s: Segment): Segment => s.split('>').reverse().join('>');

/**
 * Checks that `children` tile `parent` exactly: every child segment is either matched by the reverse
 * segment of a sibling (a shared edge) or is a segment of the parent boundary, and together the
 * unmatched ones are exactly the parent boundary; areas add up.
 */
function expectExactTiling(parent: GeoJsonMultiPolygon, children: GeoJsonMultiPolygon[]): void {
  const counts = new Map<Segment, number>();
  for (const child of children) for (const s of segments(child)) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const n of counts.values()) expect(n).toBe(1);
  const outer: Segment[] = [];
  for (const s of counts.keys()) if (!counts.has(reverse(s))) outer.push(s);
  expect(outer.sort()).toEqual(segments(parent).sort());

  const sum = children.reduce((acc, c) => acc + multiPolygonArea(c), 0);
  const area = multiPolygonArea(parent);
  expect(Math.abs(sum - area) / area).toBeLessThan(1e-9);
}

function expectWellFormed(mp: GeoJsonMultiPolygon): void {
  expect(mp.type).toBe('MultiPolygon');
  expect(mp.coordinates.length).toBeGreaterThan(0);
  for (const polygon of mp.coordinates) {
    polygon.forEach((ring, k) => {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      // RFC 7946: exterior counter-clockwise, holes clockwise.
      if (k === 0) expect(ringArea(ring)).toBeGreaterThan(0);
      else expect(ringArea(ring)).toBeLessThan(0);
      for (const [x, y] of ring) {
        expect(Math.round(x * 1e6) / 1e6).toBe(x);
        expect(Math.round(y * 1e6) / 1e6).toBe(y);
      }
    });
  }
}

describe('district geometry', () => {
  const t = districtTerritory();

  it('covers the district, with 新城街道 a small cell in the city centre', () => {
    const [minX, minY, maxX, maxY] = [108.6, 32.2, 109.6, 33.1];
    for (const [x, y] of t.district.coordinates[0][0]) {
      expect(x).toBeGreaterThan(minX);
      expect(x).toBeLessThan(maxX);
      expect(y).toBeGreaterThan(minY);
      expect(y).toBeLessThan(maxY);
    }
    const centre = t.streets.get(CENTRE_STREET_CODE)!;
    for (const [x, y] of centre.coordinates[0][0]) {
      expect(x).toBeGreaterThan(109.009);
      expect(x).toBeLessThan(109.051);
      expect(y).toBeGreaterThan(32.669);
      expect(y).toBeLessThan(32.701);
    }
    expect(pointInPolygon([109.03, 32.685], centre)).toBe(true);
  });

  it('emits closed, counter-clockwise, single-part polygons rounded to 6 decimals', () => {
    const all = [
      t.district,
      ...t.streets.values(),
      ...t.communities.values(),
      ...t.grids.map((g) => g.boundary),
    ];
    for (const mp of all) {
      expectWellFormed(mp);
      expect(mp.coordinates).toHaveLength(1);
    }
  });

  it('streets tile the district exactly', () => {
    expect(t.streets.size).toBe(28);
    expectExactTiling(t.district, [...t.streets.values()]);
  });

  it('communities tile 新城街道 exactly', () => {
    expect(t.communities.size).toBe(27);
    expectExactTiling(t.streets.get(CENTRE_STREET_CODE)!, [...t.communities.values()]);
  });

  it('each community is split into 4–6 grids that tile it exactly', () => {
    for (const [code, boundary] of t.communities) {
      const grids = t.grids.filter((g) => g.communityCode === code);
      expect(grids.length).toBeGreaterThanOrEqual(4);
      expect(grids.length).toBeLessThanOrEqual(6);
      expect(grids.map((g) => g.number)).toEqual(grids.map((_, k) => k + 1));
      for (const g of grids) expect(g.code).toBe(`${code}${String(g.number).padStart(2, '0')}`);
      expectExactTiling(
        boundary,
        grids.map((g) => g.boundary),
      );
    }
  });

  it('places 1,000 random points of 新城街道 in exactly one grid each', () => {
    const centre = t.streets.get(CENTRE_STREET_CODE)!;
    const rng = mulberry32(7);
    for (let k = 0; k < 1000; k++) {
      const p = randomPointIn(centre, rng);
      expect(pointInPolygon(p, centre)).toBe(true);
      expect(t.grids.filter((g) => pointInPolygon(p, g.boundary))).toHaveLength(1);
    }
  });

  it('tells inside from outside and draws deterministically', () => {
    const square: GeoJsonMultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
          [
            [0.4, 0.4],
            [0.4, 0.6],
            [0.6, 0.6],
            [0.6, 0.4],
            [0.4, 0.4],
          ],
        ],
      ],
    };
    expect(pointInPolygon([0.2, 0.2], square)).toBe(true);
    expect(pointInPolygon([0.5, 0.5], square)).toBe(false);
    expect(pointInPolygon([1.5, 0.5], square)).toBe(false);
    expect(multiPolygonArea(square)).toBeCloseTo(0.96, 12);
    expect(distanceToBoundary([0.2, 0.5], square)).toBeCloseTo(0.2, 12);
    const a = Array.from(
      { length: 50 },
      (
        (rng) => () =>
          randomPointIn(square, rng)
      )(mulberry32(1)),
    );
    const b = Array.from(
      { length: 50 },
      (
        (rng) => () =>
          randomPointIn(square, rng)
      )(mulberry32(1)),
    );
    expect(a).toEqual(b);
    for (const p of a) expect(pointInPolygon(p, square)).toBe(true);
  });
});
