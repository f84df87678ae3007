import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../test/factories';
import type { Viewer } from './viewer';

/**
 * Community A's staff, grid A2's worker, a health analyst and an auditor over the small test
 * territory: each sees its subtree (and departments) and nothing else, through lists, node(id),
 * nested loaders and the targets of mutations.
 */
let api: TestApi;
const ids: Record<string, string> = {};
let staffA: Viewer;
let gridA2: Viewer;
let analyst: Viewer;
let auditor: Viewer;
let admin: Viewer;

async function ok(q: string, v?: Record<string, unknown>) {
  const r = await api.exec(q, v);
  expect(r.errors).toBeUndefined();
  return r.data!;
}

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  const house = `mutation($i: HouseInput!) { createHouse(input: $i) { house { id } } }`;
  ids.hA = (
    await ok(house, { i: { streetName: '兴安路', streetNumber: '1', location: T.inA1 } })
  ).createHouse.house.id;
  ids.hB = (
    await ok(house, { i: { streetName: '巴山路', streetNumber: '2', location: T.inB1 } })
  ).createHouse.house.id;
  const person = `mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }`;
  const mk = async (name: string, areaCode: string, birth: string) =>
    (await ok(person, { i: { name, areaCode, idNumber: idNumberFor(birth), phone: '13800001234' } }))
      .createPerson.person.id as string;
  ids.pA1 = await mk('甲一', T.gridA1, '1960-01-02');
  ids.pA2 = await mk('甲二', T.gridA2, '1961-01-02');
  ids.pB = await mk('乙一', T.gridB1, '1962-01-02');
  ids.hhA = (
    await ok(
      `mutation { createHousehold(input: { householdNumber: "A-1", houseId: "${ids.hA}" }) { household { id } } }`,
    )
  ).createHousehold.household.id;
  const member = `mutation($i: SetHouseholdMemberInput!) { setHouseholdMember(input: $i) { person { id } } }`;
  await ok(member, { i: { householdId: ids.hhA, personId: ids.pA1, relationToHead: '户主' } });
  // a member registered in community B: community A's staff must not see them through the household
  await ok(member, { i: { householdId: ids.hhA, personId: ids.pB, relationToHead: '子' } });
  const fact = `mutation($i: RecordFactInput!) { recordFact(input: $i) { fact { id } } }`;
  ids.fCivil = (
    await ok(fact, { i: { personId: ids.pA1, kind: 'MINIMUM_LIVING', validFrom: '2024-01-01' } })
  ).recordFact.fact.id;
  ids.fHealth = (
    await ok(fact, { i: { personId: ids.pA1, kind: 'CHRONIC_DISEASE', validFrom: '2024-01-01' } })
  ).recordFact.fact.id;
  const thing = `mutation($i: ThingInput!) { createThing(input: $i) { thing { id } } }`;
  ids.tA = (
    await ok(thing, { i: { category: 'HYDRANT', name: '消防栓甲', location: T.inA1 } })
  ).createThing.thing.id;
  ids.tB = (
    await ok(thing, { i: { category: 'HYDRANT', name: '消防栓乙', location: T.inB1 } })
  ).createThing.thing.id;
  staffA = await api.viewer('COMMUNITY_STAFF', [T.communityA]);
  gridA2 = await api.viewer('GRID_WORKER', [T.gridA2]);
  analyst = await api.viewer('DEPARTMENT_ANALYST', [T.district], ['HEALTH']);
  auditor = await api.viewer('AUDITOR', [T.district]);
  admin = await api.viewer('ADMIN', [T.district]);
});
afterAll(() => api.close());

const names = (r: { data: any }) => r.data.persons.edges.map((e: any) => e.node.name);
const PERSONS = `{ persons(first: 50) { totalCount edges { node { name } } } }`;

describe('reads are limited to the viewer’s area subtree', () => {
  it('lists only the persons, houses and things of the subtree, with counts to match', async () => {
    const a = await api.execAs(staffA, PERSONS);
    expect(names(a)).toEqual(['甲一', '甲二']);
    expect(a.data!.persons.totalCount).toBe(2);
    const g = await api.execAs(gridA2, PERSONS);
    expect(names(g)).toEqual(['甲二']);
    expect(g.data!.persons.totalCount).toBe(1);
    const houses = await api.execAs(staffA, `{ houses { totalCount edges { node { id } } } }`);
    expect(houses.data!.houses).toEqual({ totalCount: 1, edges: [{ node: { id: ids.hA } }] });
    const things = await api.execAs(staffA, `{ things { totalCount edges { node { name } } } }`);
    expect(things.data!.things).toEqual({ totalCount: 1, edges: [{ node: { name: '消防栓甲' } }] });
  });

  it('a filter naming another subtree finds nothing rather than widening the scope', async () => {
    const r = await api.execAs(
      staffA,
      `{ persons(filter: { areaCode: "${T.communityB}" }) { totalCount edges { node { name } } } }`,
    );
    expect(r.data!.persons).toEqual({ totalCount: 0, edges: [] });
  });

  it('node(id), person(id) and person(idNumber) answer null for an out-of-scope record', async () => {
    for (const id of [ids.pB, ids.hB, ids.tB]) {
      const r = await api.execAs(staffA, `query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data!.node).toBeNull();
    }
    const p = await api.execAs(staffA, `query($id: ID!) { person(id: $id) { name } }`, { id: ids.pB });
    expect(p.data!.person).toBeNull();
    const byNumber = await api.execAs(staffA, `query($n: String!) { person(idNumber: $n) { name } }`, {
      n: idNumberFor('1962-01-02'),
    });
    expect(byNumber.data!.person).toBeNull();
    // and the same lookups work inside the scope
    const mine = await api.execAs(staffA, `query($id: ID!) { node(id: $id) { ... on Person { name } } }`, {
      id: ids.pA1,
    });
    expect(mine.data!.node).toEqual({ name: '甲一' });
  });

  it('nested loaders drop out-of-scope records: a household shows only the members in scope', async () => {
    const q = `query($id: ID!) { node(id: $id) { ... on Household { members { name } head { name } house { id } } } }`;
    const a = await api.execAs(staffA, q, { id: ids.hhA });
    expect(a.data!.node).toEqual({
      members: [{ name: '甲一' }],
      head: { name: '甲一' },
      house: { id: ids.hA },
    });
    const all = await api.exec(q, { id: ids.hhA });
    expect(all.data!.node.members.map((m: any) => m.name)).toEqual(['甲一', '乙一']);
    // grid A2's worker cannot see the household (grid A1) nor reach it through a person
    const g = await api.execAs(gridA2, q, { id: ids.hhA });
    expect(g.data!.node).toBeNull();
  });

  it('a persons page drops an out-of-scope household or house it reads in its own statement', async () => {
    // 乙一 (community B) belongs to household A-1 of grid A1: community B's staff see the person, not
    // the household; the page reads households and houses joined to its rows, in one statement
    const staffB = await api.viewer('COMMUNITY_STAFF', [T.communityB]);
    const q = `{ persons { edges { node { name household { householdNumber } house { id } } } } }`;
    const b = await api.execAs(staffB, q);
    expect(b.errors).toBeUndefined();
    expect(b.data!.persons.edges).toEqual([{ node: { name: '乙一', household: null, house: null } }]);
    expect(b.sqlCount).toBe(1);
    const a = await api.execAs(staffA, q);
    expect(a.data!.persons.edges).toEqual([
      { node: { name: '甲一', household: { householdNumber: 'A-1' }, house: { id: ids.hA } } },
      { node: { name: '甲二', household: null, house: null } },
    ]);
  });

  it('the areas tree shows the subtree and the chain above it, not the neighbours', async () => {
    const r = await api.execAs(
      staffA,
      `{ street: area(code: "${T.street}") { children { code } } b: area(code: "${T.communityB}") { code }
         communities: areas(level: COMMUNITY) { code } grids: areas(level: GRID) { code } roots: areas { code } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      street: { children: [{ code: T.communityA }] },
      b: null,
      communities: [{ code: T.communityA }],
      grids: [{ code: T.gridA1 }, { code: T.gridA2 }],
      roots: [{ code: T.province }],
    });
    const under = await api.execAs(staffA, `{ areas(under: "${T.communityB}") { code } }`);
    expect(under.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN', field: 'under' });
  });
});

describe('departments see their own facts', () => {
  it('a health analyst sees health facts of the district and no civil-affairs fact', async () => {
    const q = `query($id: ID!) { person(id: $id) { facts { kind } } }`;
    const a = await api.execAs(analyst, q, { id: ids.pA1 });
    expect(a.data!.person.facts).toEqual([{ kind: 'CHRONIC_DISEASE' }]);
    const civil = await api.execAs(analyst, `query($id: ID!) { node(id: $id) { id } }`, { id: ids.fCivil });
    expect(civil.data!.node).toBeNull();
    const all = await api.execAs(staffA, q, { id: ids.pA1 });
    expect(all.data!.person.facts.map((f: any) => f.kind).sort()).toEqual([
      'CHRONIC_DISEASE',
      'MINIMUM_LIVING',
    ]);
    // a fact filter cannot reveal who holds another department's fact
    const filtered = await api.execAs(
      analyst,
      `{ persons(filter: { factKind: "MINIMUM_LIVING" }) { totalCount } }`,
    );
    expect(filtered.data!.persons.totalCount).toBe(0);
  });

  it('a department analyst reads but cannot write', async () => {
    const r = await api.execAs(
      analyst,
      `mutation { createPerson(input: { name: "某", areaCode: "${T.gridA1}" }) { person { id } } }`,
    );
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });
  });
});

describe('mutations reach only targets in scope', () => {
  it('an out-of-scope target is not found, and stays unchanged', async () => {
    const upd = await api.execAs(
      staffA,
      `mutation($id: ID!) { updatePerson(id: $id, input: { name: "改名" }) { person { name } } }`,
      {
        id: ids.pB,
      },
    );
    expect(upd.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'PERSON_NOT_FOUND' });
    const still = await api.exec(`query($id: ID!) { person(id: $id) { name } }`, { id: ids.pB });
    expect(still.data!.person.name).toBe('乙一');
    const thing = await api.execAs(
      staffA,
      `mutation($id: ID!) { updateThing(id: $id, input: { status: DAMAGED }) { thing { id } } }`,
      {
        id: ids.tB,
      },
    );
    expect(thing.errors?.[0].extensions).toMatchObject({ reason: 'THING_NOT_FOUND' });
    const member = await api.execAs(
      staffA,
      `mutation($h: ID!, $p: ID!) { setHouseholdMember(input: { householdId: $h, personId: $p, relationToHead: "子" }) { person { id } } }`,
      { h: ids.hhA, p: ids.pB },
    );
    expect(member.errors?.[0].extensions).toMatchObject({ reason: 'PERSON_NOT_FOUND' });
    const fact = await api.execAs(
      analyst,
      `mutation($id: ID!) { endFact(id: $id, validTo: "2025-01-01") { fact { id } } }`,
      {
        id: ids.fCivil,
      },
    );
    expect(fact.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('new records must fall inside the scope', async () => {
    const p = await api.execAs(
      staffA,
      `mutation { createPerson(input: { name: "越界", areaCode: "${T.gridB1}" }) { person { id } } }`,
    );
    expect(p.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN', field: 'input.areaCode' });
    const h = await api.execAs(
      staffA,
      `mutation($l: GeoJSON!) { createHouse(input: { streetName: "巴山路", streetNumber: "9", location: $l }) { house { id } } }`,
      {
        l: T.inB1,
      },
    );
    expect(h.errors?.[0].extensions).toMatchObject({ reason: 'AREA_OUT_OF_SCOPE', field: 'input.location' });
    const moved = await api.execAs(
      staffA,
      `mutation($id: ID!) { updatePerson(id: $id, input: { areaCode: "${T.gridB1}" }) { person { id } } }`,
      {
        id: ids.pA2,
      },
    );
    expect(moved.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN' });
    const inside = await api.execAs(
      staffA,
      `mutation { createPerson(input: { name: "新居民", areaCode: "${T.gridA2}" }) { person { name } } }`,
    );
    expect(inside.errors).toBeUndefined();
    expect(inside.data!.createPerson.person.name).toBe('新居民');
  });
});

describe('roles kept apart', () => {
  it('the auditor and the administrator see no resident and change nothing', async () => {
    for (const v of [auditor, admin]) {
      const r = await api.execAs(v, PERSONS);
      expect(r.data!.persons).toEqual({ totalCount: 0, edges: [] });
      const n = await api.execAs(v, `query($id: ID!) { node(id: $id) { id } }`, { id: ids.pA1 });
      expect(n.data!.node).toBeNull();
      const w = await api.execAs(
        v,
        `mutation { createPerson(input: { name: "某", areaCode: "${T.gridA1}" }) { person { id } } }`,
      );
      expect(w.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('without credentials only sign-in is open, and the refusal sends no SQL', async () => {
    const r = await api.execAs(null, PERSONS);
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(r.data).toBeNull();
    expect(r.sqlCount).toBe(0);
    const m = await api.execAs(
      null,
      `mutation { createPerson(input: { name: "某", areaCode: "${T.gridA1}" }) { person { id } } }`,
    );
    expect(m.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(m.sqlCount).toBe(0);
    const login = await api.execAs(
      null,
      `mutation { login(name: "nobody", password: "whatever-it-is") { accessToken } }`,
    );
    expect(login.errors?.[0].extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'CREDENTIALS_INVALID',
    });
  });
});

describe('counts under a scope that holds everyone (the last tests of this file: they add a person)', () => {
  it('houses and things: counted without the scope filter only while nothing lies outside the scope', async () => {
    const Q = `{ houses { totalCount edges { node { id } } } things { totalCount edges { node { id } } } }`;
    const counts = async (v: Awaited<ReturnType<typeof api.viewer>>) => {
      const r = await api.execAs(v, Q);
      expect(r.errors).toBeUndefined();
      const d = r.data as any;
      // the count always matches what the viewer may list
      expect(d.houses.totalCount).toBe(d.houses.edges.length);
      expect(d.things.totalCount).toBe(d.things.edges.length);
      return [d.houses.totalCount, d.things.totalCount];
    };
    const total = async (table: string) =>
      (await api.services.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    // a district's viewer: nothing outside the scope, everything counted (the scope-free branch)
    expect(await counts(await api.viewer('COMMUNITY_STAFF', [T.district]))).toEqual([
      await total('house'),
      await total('thing'),
    ]);
    // community A's staff: the house and the hydrant of grid B1 lie outside, and are not counted
    expect(await counts(staffA)).toEqual([1, 1]);
    // community A and grid B1 together hold everything again
    const both = await api.viewer('COMMUNITY_STAFF', [T.communityA, T.gridB1]);
    expect(await counts(both)).toEqual([2, 2]);
  });

  it('counts everyone when nobody lives outside the scope, and leaves out whoever does', async () => {
    const both = await api.viewer('COMMUNITY_STAFF', [T.communityA, T.gridB1]);
    const count = async () => (await api.execAs(both, PERSONS)).data!.persons.totalCount;
    const live = async (where = 'true') =>
      (
        await api.services.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM person p JOIN area a ON a.code = p.area_code
           WHERE p.status <> 'MERGED' AND ${where}`,
          [],
        )
      ).rows[0].n;
    const inAB = `(a.path <@ (SELECT path FROM area WHERE code = '${T.communityA}') OR a.path <@ (SELECT path FROM area WHERE code = '${T.gridB1}'))`;
    // every resident lives in community A or grid B1: the count needs no scope filter
    expect(await live(`NOT ${inAB}`)).toBe(0);
    const everyone = await live();
    expect(await count()).toBe(everyone);
    // someone registered at community B itself, outside grid B1, is outside the scope
    await ok(`mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }`, {
      i: { name: '区直一', areaCode: T.communityB, idNumber: idNumberFor('1963-01-02') },
    });
    expect(await live(`NOT ${inAB}`)).toBe(1);
    expect(await count()).toBe(everyone);
    expect(names(await api.execAs(both, PERSONS))).not.toContain('区直一');
    // and the district's viewer counts them
    const district = await api.viewer('COMMUNITY_STAFF', [T.district]);
    expect((await api.execAs(district, PERSONS)).data!.persons.totalCount).toBe(everyone + 1);
  });
});
