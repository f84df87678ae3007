import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, square, T } from '../../test/factories';

/** The routing cells follow the areas: subdivided on insert, redone only when a boundary changes. */
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

const cells = async (code: string) =>
  (
    await db.services.pool.query<{ id: number }>(
      `SELECT id FROM area_routing_cell WHERE area_code = $1 ORDER BY id`,
      [code],
    )
  ).rows.map((r) => r.id);

it('cuts a large boundary into small cells and keeps them when an upsert leaves it unchanged', async () => {
  // a grid with 400 vertices along its zigzag edges (1e-6°, about 10 cm, inwards on every other one)
  const ring: number[][] = [];
  const z = (i: number) => (i % 2) * 1e-6;
  for (let i = 0; i < 100; i++) ring.push([109.0 + (0.005 * i) / 100, 32.69 + z(i)]);
  for (let i = 0; i < 100; i++) ring.push([109.005 - z(i), 32.69 + (0.005 * i) / 100]);
  for (let i = 0; i < 100; i++) ring.push([109.005 - (0.005 * i) / 100, 32.695 - z(i)]);
  for (let i = 0; i < 100; i++) ring.push([109.0 + z(i), 32.695 - (0.005 * i) / 100]);
  ring.push(ring[0]);
  const grid = {
    code: '61090200200103',
    name: '北门社区第3网格',
    level: 'GRID' as const,
    parentCode: T.communityA,
    districtCode: T.district,
    boundary: { type: 'MultiPolygon', coordinates: [[ring]] },
  };
  await db.services.areas.upsert([grid]);
  const first = await cells(grid.code);
  expect(first.length).toBeGreaterThan(4); // at most 64 vertices each
  const { rows } = await db.services.pool.query<{ max: number }>(
    `SELECT max(ST_NPoints(cell))::int AS max FROM area_routing_cell WHERE area_code = $1`,
    [grid.code],
  );
  expect(rows[0].max).toBeLessThanOrEqual(64);
  expect((await db.services.cases.route(109.0025, 32.6925)).area.code).toBe(grid.code);

  await db.services.areas.upsert([grid]);
  expect(await cells(grid.code)).toEqual(first);
  await db.services.areas.upsert([{ ...grid, boundary: square(109.0, 32.69, 0.002) }]);
  const moved = await cells(grid.code);
  expect(moved).toHaveLength(1);
  expect((await db.services.cases.route(109.0035, 32.6935)).area.code).not.toBe(grid.code);
});
