import { openTestApi, TestApi } from '../../test/harness';
import { buildPerson, buildTerritory, square, T } from '../../test/factories';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
});
afterAll(() => api.close());

// exact addresses are masked unless a purpose is stated (the test viewer holds pii:unmask)
const HOUSE_FIELDS = `id code address(purpose: "房屋信息核对") streetName streetNumber(purpose: "房屋信息核对") building(purpose: "房屋信息核对") unit(purpose: "房屋信息核对") room(purpose: "房屋信息核对") use version location area { code }`;
const CREATE = `mutation($input: HouseInput!) { createHouse(input: $input) { house { ${HOUSE_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: HouseInput!) { updateHouse(id: $id, input: $input) { house { ${HOUSE_FIELDS}
  history { op fields { field oldValue newValue } } } } }`;
const HOUSES = `query($filter: HouseFilter, $first: Int) { houses(filter: $filter, first: $first) { totalCount edges { node { id address(purpose: "房屋信息核对") location area { code } } } } }`;

const pt = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

let n = 0;
async function createHouse(location: unknown, extra: Record<string, unknown> = {}) {
  const r = await api.exec(CREATE, {
    input: { streetName: '测试路', streetNumber: String(++n), location, ...extra },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.createHouse.house as {
    id: string;
    address: string;
    location: { type: string; coordinates: number[] };
    area: { code: string };
    version: number;
  };
}

/** Every house's id and coordinates, read straight from the table. */
async function allHouses() {
  const { rows } = await api.services.pool.query<{ id: number; lon: number; lat: number; area_code: string }>(
    'SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat, area_code FROM house ORDER BY id',
  );
  return rows;
}
const gid = (type: string, id: number | string) => Buffer.from(`${type}:${id}`).toString('base64url');
const idsOf = (r: { data: any }) =>
  (r.data.houses.edges as { node: { id: string } }[]).map((e) => e.node.id).sort();

describe('createHouse places the house in its grid', () => {
  it('a point inside grid A1 gets that grid, and the location comes back as GeoJSON', async () => {
    const h = await createHouse(T.inA1);
    expect(h.area.code).toBe(T.gridA1);
    expect(h.location).toEqual({ type: 'Point', coordinates: T.inA1.coordinates });
    expect(h.version).toBe(1);
    const b1 = await createHouse(T.inB1);
    expect(b1.area.code).toBe(T.gridB1);
  });

  it('a point outside every area is refused naming input.location', async () => {
    const r = await api.exec(CREATE, {
      input: { streetName: '测试路', streetNumber: '1', location: T.outside },
    });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'POINT_OUTSIDE_AREAS',
      field: 'input.location',
    });
    expect(r.data).toBeNull();
  });

  it.each([
    [
      'a Polygon instead of a Point',
      {
        type: 'Polygon',
        coordinates: [
          [
            [109.0, 32.68],
            [109.001, 32.68],
            [109.001, 32.681],
            [109.0, 32.68],
          ],
        ],
      },
    ],
    ['latitude 95', pt(109.0025, 95)],
    ['longitude 200', pt(200, 32.6825)],
    ['a single coordinate', { type: 'Point', coordinates: [109.0025] }],
    ['coordinates as strings', { type: 'Point', coordinates: ['109.0025', '32.6825'] }],
  ])('refuses malformed GeoJSON: %s', async (_what, location) => {
    const r = await api.exec(CREATE, { input: { streetName: '测试路', streetNumber: '1', location } });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GEOMETRY_INVALID',
      field: 'input.location',
    });
  });

  it('a point on the shared edge of grids A1 and A2 always goes to the lower code', async () => {
    const edge = pt(109.005, 32.6825);
    // the point really lies on both grids' boundaries
    const { rows } = await api.services.pool.query(
      `SELECT code FROM area WHERE level = 'GRID' AND ST_Covers(boundary, ST_SetSRID(ST_MakePoint(109.005, 32.6825), 4326)) ORDER BY code`,
    );
    expect(rows.map((r) => r.code)).toEqual([T.gridA1, T.gridA2]);
    for (let i = 0; i < 5; i++) {
      const h = await createHouse(edge);
      expect(h.area.code).toBe(T.gridA1);
    }
    // moving another house onto the edge routes it the same way
    const moved = await createHouse(T.inA2);
    expect(moved.area.code).toBe(T.gridA2);
    const r = await api.exec(UPDATE, { id: moved.id, input: { location: edge } });
    expect(r.data!.updateHouse.house.area.code).toBe(T.gridA1);
  });

  it('composes the address from its parts, with or without the 号/栋/单元/室 suffixes', async () => {
    const bare = await api.exec(CREATE, {
      input: {
        streetName: '兴安路',
        streetNumber: '12',
        building: '3',
        unit: '2',
        room: '301',
        location: T.inA2,
      },
    });
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.createHouse.house).toMatchObject({
      address: '兴安路12号3栋2单元301室',
      streetName: '兴安路',
      room: '301',
      area: { code: T.gridA2 },
    });
    const suffixed = await api.exec(CREATE, {
      input: {
        streetName: '兴安路',
        streetNumber: '12号',
        building: '3栋',
        unit: '2单元',
        room: '301室',
        location: T.inA2,
      },
    });
    expect(suffixed.data!.createHouse.house.address).toBe('兴安路12号3栋2单元301室');
    const given = await api.exec(CREATE, { input: { address: ' 巴山东路88号 ', location: T.inA2 } });
    expect(given.data!.createHouse.house.address).toBe('巴山东路88号');
  });

  it('refuses a second house with the same code as a CONFLICT', async () => {
    await createHouse(T.inA1, { code: 'FW-0001' });
    const r = await api.exec(CREATE, {
      input: { code: 'FW-0001', streetName: '测试路', streetNumber: '99', location: T.inB1 },
    });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'HOUSE_CODE_TAKEN',
      field: 'input.code',
    });
    const { rows } = await api.services.pool.query(
      `SELECT count(*)::int AS n FROM house WHERE code = 'FW-0001'`,
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('updateHouse', () => {
  it('moving the location to grid B1 changes the area and keeps the old location in the history', async () => {
    const h = await createHouse(pt(109.003, 32.683));
    expect(h.area.code).toBe(T.gridA1);
    const r = await api.exec(UPDATE, {
      id: h.id,
      input: { location: pt(109.013, 32.683), expectedVersion: 1 },
    });
    expect(r.errors).toBeUndefined();
    const moved = r.data!.updateHouse.house;
    expect(moved).toMatchObject({
      version: 2,
      area: { code: T.gridB1 },
      location: { type: 'Point', coordinates: [109.013, 32.683] },
    });
    const update = moved.history.find((c: { op: string }) => c.op === 'UPDATE');
    const field = (name: string) => update.fields.find((f: { field: string }) => f.field === name);
    expect(field('areaCode')).toEqual({ field: 'areaCode', oldValue: T.gridA1, newValue: T.gridB1 });
    expect(field('location').oldValue).toMatch(/POINT\(109\.003 32\.683\)/);
    expect(field('location').newValue).toMatch(/POINT\(109\.013 32\.683\)/);
    // address parts were not touched, so the address is not rewritten
    expect(field('address')).toBeUndefined();
  });
});

describe('houses filters', () => {
  it('within a polygon returns exactly the houses inside it (not merely inside its bounding box)', async () => {
    // a triangle over A1 and A2: south-west corner, south-east corner, north-west corner
    const triangle = {
      type: 'Polygon',
      coordinates: [
        [
          [109.0, 32.68],
          [109.01, 32.68],
          [109.0, 32.685],
          [109.0, 32.68],
        ],
      ],
    };
    const inside = [await createHouse(pt(109.001, 32.681)), await createHouse(pt(109.006, 32.6805))];
    const outsideInBox = await createHouse(pt(109.009, 32.6845)); // inside the bounding box, outside the triangle
    // relative to the corner, a point is inside when x/0.01 + y/0.005 < 1; houses lying on the
    // hypotenuse (the A1/A2 edge houses) are covered by it and left out of the comparison
    const t = (h: { lon: number; lat: number }) => (h.lon - 109.0) / 0.01 + (h.lat - 32.68) / 0.005;
    const all = await allHouses();
    const onEdge = new Set(all.filter((h) => Math.abs(t(h) - 1) < 1e-9).map((h) => gid('House', h.id)));
    const expected = all
      .filter((h) => t(h) < 1 - 1e-9)
      .map((h) => gid('House', h.id))
      .sort();
    expect(expected.length).toBeGreaterThanOrEqual(2);

    const r = await api.exec(HOUSES, { filter: { within: triangle }, first: 200 });
    expect(r.errors).toBeUndefined();
    const found = idsOf(r).filter((id) => !onEdge.has(id));
    expect(found).toEqual(expected);
    expect(r.data!.houses.totalCount).toBe(idsOf(r).length);
    expect(idsOf(r)).toEqual(expect.arrayContaining(inside.map((h) => h.id)));
    expect(idsOf(r)).not.toContain(outsideInBox.id);

    const multi = await api.exec(HOUSES, { filter: { within: square(109.01, 32.68, 0.005) }, first: 200 });
    const inB1 = (await allHouses()).filter(
      (h) => h.lon >= 109.01 && h.lon <= 109.015 && h.lat >= 32.68 && h.lat <= 32.685,
    );
    expect(inB1.length).toBeGreaterThan(0);
    expect(idsOf(multi)).toEqual(inB1.map((h) => gid('House', h.id)).sort());
  });

  it('keeps houses without a location out of the spatial index, which still serves within', async () => {
    const pool = api.services.pool;
    const { rows } = await pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'house_location_idx'",
    );
    expect(rows[0].indexdef).toMatch(/USING gist \(location\) WHERE \(location IS NOT NULL\)$/);
    // the condition of the houses `within` filter (registry.queries.ts), planned without the
    // sequential scan a small table would get: the partial index answers it
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const g = 'ST_MakeEnvelope(109.0, 32.68, 109.01, 32.685, 4326)';
      const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT h.id FROM house h WHERE h.location && ${g} AND ST_Covers(${g}, h.location)`,
      );
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('house_location_idx');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('refuses a malformed polygon for within', async () => {
    const unclosed = {
      type: 'Polygon',
      coordinates: [
        [
          [109.0, 32.68],
          [109.01, 32.68],
          [109.01, 32.685],
          [109.0, 32.685],
        ],
      ],
    };
    const r = await api.exec(HOUSES, { filter: { within: unclosed } });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GEOMETRY_INVALID',
      field: 'filter.within',
    });
    const point = await api.exec(HOUSES, { filter: { within: T.inA1 } });
    expect(point.errors?.[0].extensions).toMatchObject({ reason: 'GEOMETRY_INVALID' });
  });

  it('areaCode of a community returns the houses of all its grids and none of another community', async () => {
    await createHouse(T.inA1);
    await createHouse(T.inA2);
    await createHouse(T.inB1);
    const all = await allHouses();
    const inA = all.filter((h) => h.area_code === T.gridA1 || h.area_code === T.gridA2);
    expect(new Set(inA.map((h) => h.area_code))).toEqual(new Set([T.gridA1, T.gridA2]));

    const r = await api.exec(HOUSES, { filter: { areaCode: T.communityA }, first: 200 });
    expect(r.errors).toBeUndefined();
    expect(idsOf(r)).toEqual(inA.map((h) => gid('House', h.id)).sort());
    expect(r.data!.houses.totalCount).toBe(inA.length);
    expect(
      r.data!.houses.edges.every((e: { node: { area: { code: string } } }) => e.node.area.code !== T.gridB1),
    ).toBe(true);

    const b = await api.exec(HOUSES, { filter: { areaCode: T.communityB }, first: 200 });
    expect(b.data!.houses.totalCount).toBe(all.filter((h) => h.area_code === T.gridB1).length);
    const street = await api.exec(HOUSES, { filter: { areaCode: T.street }, first: 200 });
    expect(street.data!.houses.totalCount).toBe(all.length);
  });
});

describe('things', () => {
  const CREATE_THING = `mutation($input: ThingInput!) { createThing(input: $input) { thing { id category name status location area { code } } } }`;
  const THINGS = `query($filter: ThingFilter) { things(filter: $filter, first: 200) { totalCount edges { node { id category area { code } } } } }`;

  it('registers a camera in grid A2 and lists things by category and area subtree', async () => {
    const cam = await api.exec(CREATE_THING, {
      input: {
        category: 'CAMERA',
        name: '北门路口摄像头',
        location: T.inA2,
        departmentCode: 'PUBLIC_SECURITY',
      },
    });
    expect(cam.errors).toBeUndefined();
    expect(cam.data!.createThing.thing).toMatchObject({
      category: 'CAMERA',
      status: 'NORMAL',
      area: { code: T.gridA2 },
      location: T.inA2,
    });
    const camB = await api.exec(CREATE_THING, {
      input: { category: 'CAMERA', name: '文昌摄像头', location: T.inB1 },
    });
    const hydrant = await api.exec(CREATE_THING, {
      input: { category: 'HYDRANT', name: '消防栓', location: T.inA2 },
    });
    const camId = cam.data!.createThing.thing.id;
    const camBId = camB.data!.createThing.thing.id;

    const street = await api.exec(THINGS, { filter: { category: 'CAMERA', areaCode: T.street } });
    expect(street.errors).toBeUndefined();
    expect(street.data!.things.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(
      [camId, camBId].sort(),
    );
    expect(street.data!.things.totalCount).toBe(2);

    const a = await api.exec(THINGS, { filter: { category: 'CAMERA', areaCode: T.communityA } });
    expect(a.data!.things.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([camId]);

    const hydrants = await api.exec(THINGS, { filter: { category: 'HYDRANT' } });
    expect(hydrants.data!.things.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
      hydrant.data!.createThing.thing.id,
    ]);

    const outside = await api.exec(CREATE_THING, {
      input: { category: 'CAMERA', name: '外地', location: T.outside },
    });
    expect(outside.errors?.[0].extensions).toMatchObject({
      reason: 'POINT_OUTSIDE_AREAS',
      field: 'input.location',
    });
  });
});

describe('the area tree and node(id:)', () => {
  it('gives a street its children, ancestors and boundary as a GeoJSON MultiPolygon', async () => {
    const r = await api.exec(
      `{ area(code: "${T.street}") { code name level children { code } ancestors { code } parent { code } boundary } }`,
    );
    expect(r.errors).toBeUndefined();
    const a = r.data!.area;
    expect(a).toMatchObject({
      code: T.street,
      name: '新城街道',
      level: 'STREET',
      parent: { code: T.district },
    });
    expect(a.children.map((c: { code: string }) => c.code)).toEqual([T.communityA, T.communityB]);
    expect(a.ancestors.map((c: { code: string }) => c.code)).toEqual([
      T.province,
      T.city,
      T.district,
      T.street,
    ]);
    expect(a.boundary.type).toBe('MultiPolygon');
    const ring: number[][] = a.boundary.coordinates[0][0];
    const expected = square(109.0, 32.68, 0.015).coordinates[0][0];
    expect(ring).toHaveLength(expected.length);
    ring.forEach(([lon, lat], i) => {
      expect(lon).toBeCloseTo(expected[i][0], 6);
      expect(lat).toBeCloseTo(expected[i][1], 6);
    });

    const grid = await api.exec(`{ area(code: "${T.gridA1}") { children { code } ancestors { code } } }`);
    expect(grid.data!.area).toEqual({
      children: [],
      ancestors: [T.province, T.city, T.district, T.street, T.communityA, T.gridA1].map((code) => ({ code })),
    });
    const unknown = await api.exec(`{ area(code: "610902999") { code } }`);
    expect(unknown.data!.area).toBeNull();
  });

  it('node(id:) resolves a Person, a House and an Area to the right type', async () => {
    const person = await buildPerson(api.services, { name: '节点人' });
    const house = await createHouse(T.inA1);
    const q = `query($id: ID!) { node(id: $id) { __typename id ... on Person { name } ... on House { address(purpose: "房屋信息核对") } ... on Area { code } } }`;

    const p = await api.exec(q, { id: gid('Person', person.id) });
    expect(p.data!.node).toEqual({ __typename: 'Person', id: gid('Person', person.id), name: '节点人' });
    const h = await api.exec(q, { id: house.id });
    expect(h.data!.node).toEqual({ __typename: 'House', id: house.id, address: house.address });
    const a = await api.exec(q, { id: gid('Area', T.gridA2) });
    expect(a.data!.node).toEqual({ __typename: 'Area', id: gid('Area', T.gridA2), code: T.gridA2 });

    const missing = await api.exec(q, { id: gid('House', 999999999) });
    expect(missing.data!.node).toBeNull();
    const garbage = await api.exec(q, { id: 'not-an-id' });
    expect(garbage.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GLOBAL_ID_INVALID',
    });
  });
});
