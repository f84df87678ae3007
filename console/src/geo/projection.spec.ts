import { boundsOf, fitProjection, labelPoint, type Geometry } from './projection';

const square: Geometry = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [109.0, 32.0],
        [109.1, 32.0],
        [109.1, 32.1],
        [109.0, 32.1],
        [109.0, 32.0],
      ],
    ],
  ],
};

describe('drawing GeoJSON without a tile server', () => {
  it('fits the area into the viewport, north up, keeping the ground aspect ratio', () => {
    const b = boundsOf([square])!;
    const p = fitProjection(b, 1000, 700, 20);
    const [x0, y0] = p.project([109.0, 32.1]); // north-west corner
    const [x1, y1] = p.project([109.1, 32.0]); // south-east corner
    expect(y0).toBeCloseTo(20); // the height is the limiting side
    expect(y1).toBeCloseTo(680);
    expect(x0).toBeLessThan(x1);
    // 0.1° of longitude is cos(32.05°) ≈ 0.847 of 0.1° of latitude on the ground
    expect((x1 - x0) / (y1 - y0)).toBeCloseTo(Math.cos((32.05 * Math.PI) / 180), 3);
    expect((x0 + x1) / 2).toBeCloseTo(500); // centred
  });

  it('turns polygons into closed SVG paths and finds a label point inside', () => {
    const p = fitProjection(boundsOf([square])!, 100, 100, 0);
    expect(p.path(square)).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){4}Z$/);
    expect(labelPoint(square)).toEqual([109.05, 32.05]);
    expect(boundsOf([null, undefined])).toBeNull();
  });
});
