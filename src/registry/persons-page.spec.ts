import { openTestApi, TestApi } from '../../test/harness';
import { maskAddress } from '../auth/reveal';
import { encodeCursor } from './pagination';
import { registrySql } from './registry.queries';
import {
  buildTerritory,
  HouseSeed,
  HouseholdSeed,
  Population,
  PersonSeed,
  personsPageFilter,
  recordFacts,
  recordPopulation,
  T,
} from '../../test/factories';

let api: TestApi;
let pop: Population;
let before: Date;

/** Today in China Standard Time, as the persons filters read it. */
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

function shiftDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The day `years` years before `day` (29 February falls back to the 28th). */
function yearsBefore(day: string, years: number): string {
  const md = day.slice(4) === '-02-29' ? '-02-28' : day.slice(4);
  return `${Number(day.slice(0, 4)) - years}${md}`;
}
function ageOn(birth: string, day: string): number {
  return Number(day.slice(0, 4)) - Number(birth.slice(0, 4)) - (day.slice(5) < birth.slice(5) ? 1 : 0);
}

// 10 houses: 4 in grid A1, 3 in A2, 3 in B1 (points well inside each grid)
const HOUSES: HouseSeed[] = [
  ...[0, 1, 2, 3].map((i) => ({
    lon: 109.001 + i * 0.001,
    lat: 32.681,
    streetName: '兴安路',
    streetNumber: String(10 + i),
  })),
  ...[0, 1, 2].map((i) => ({
    lon: 109.006 + i * 0.001,
    lat: 32.682,
    streetName: '巴山路',
    streetNumber: String(20 + i),
    building: '1',
    unit: '2',
    room: String(301 + i),
  })),
  ...[0, 1, 2].map((i) => ({
    lon: 109.011 + i * 0.001,
    lat: 32.683,
    streetName: '文昌路',
    streetNumber: String(30 + i),
  })),
];
const HOUSEHOLDS: HouseholdSeed[] = Array.from({ length: 40 }, (_, k) => ({
  householdNumber: `HH${String(k).padStart(4, '0')}`,
  house: k % 10,
}));

// The boundary persons of the age filters (index → birth date relative to today).
const SPECIAL: Record<number, string> = {
  0: yearsBefore(today, 60), // turns 60 today
  1: shiftDays(yearsBefore(today, 60), 1), // turns 60 tomorrow: 59
  2: yearsBefore(today, 61), // turns 61 today
  3: shiftDays(yearsBefore(today, 61), 1), // turns 61 tomorrow: 60
};

/**
 * 240 persons: ids 1..200 (relative) are 160 household members (4 per household) and 40 persons
 * in no household; the 40 heads come last, so a page of the first 200 never contains a head and
 * every head is read through the person loader.
 */
function personSeeds(): PersonSeed[] {
  const persons: PersonSeed[] = [];
  for (let i = 0; i < 200; i++) {
    const household = Math.floor(i / 5);
    const birthDate =
      SPECIAL[i] ??
      `${1935 + ((i * 7) % 88)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const gender = i % 3 === 0 ? 'FEMALE' : 'MALE';
    if (i % 5 === 4) {
      // not in a household; some belong to community A itself rather than a grid
      persons.push({
        name: `流动${i}`,
        gender,
        birthDate,
        residenceType: 'FLOATING',
        areaCode: [T.communityA, T.gridA2, T.gridB1][i % 3],
      });
    } else {
      persons.push({
        name: `成员${i}`,
        gender,
        birthDate,
        residenceType: i % 7 === 0 ? 'FLOATING' : 'REGISTERED',
        household,
        relationToHead: ['配偶', '子', '女', '母亲'][i % 4],
      });
    }
  }
  for (let k = 0; k < 40; k++) {
    persons.push({
      name: `户主${k}`,
      gender: k % 2 ? 'MALE' : 'FEMALE',
      birthDate: `${1950 + k}-06-15`,
      residenceType: 'REGISTERED',
      household: k,
      head: true,
    });
  }
  return persons;
}
const SEEDS = personSeeds();

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  before = new Date(Date.now() - 1);
  pop = await recordPopulation(api.services, { houses: HOUSES, households: HOUSEHOLDS, persons: SEEDS });
  await api.services.areas.ready(); // the area tree is process-wide reference data, cached in memory
});
afterAll(() => api.close());

/** Expected persons (as seed index) for a predicate; the seed's area and house follow its household. */
function seedArea(i: number): string {
  const p = SEEDS[i];
  return p.areaCode ?? pop.houseAreas[HOUSEHOLDS[p.household!].house];
}
const gidOf = (i: number) => Buffer.from(`Person:${pop.personIds[i]}`).toString('base64url');
const indexesWhere = (pred: (p: PersonSeed, i: number) => boolean) =>
  SEEDS.flatMap((p, i) => (pred(p, i) ? [i] : []));

const LIST = `query($filter: PersonFilter, $first: Int, $after: String, $asOf: DateTime) {
  persons(filter: $filter, first: $first, after: $after, asOf: $asOf) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }`;

/** Every matching person id, walking all pages of 200. */
async function allIds(filter: Record<string, unknown>) {
  const ids: string[] = [];
  let after: string | null = null;
  let total = -1;
  for (;;) {
    const r: any = await api.exec(LIST, { filter, first: 200, after });
    expect(r.errors).toBeUndefined();
    total = r.data.persons.totalCount;
    ids.push(...r.data.persons.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!r.data.persons.pageInfo.hasNextPage) break;
    after = r.data.persons.pageInfo.endCursor;
  }
  expect(ids).toHaveLength(total);
  return ids.sort();
}
const expectedIds = (indexes: number[]) => indexes.map(gidOf).sort();

describe('the nested persons page costs a fixed number of statements', () => {
  const NESTED = `query($first: Int, $asOf: DateTime) { persons(first: $first, asOf: $asOf) { totalCount edges { node { id name
    household { householdNumber head { name } } house { address area { code } } area { code name } } } } }`;

  it('reads the households and houses a page shows in the page statement, also through fragments', async () => {
    const plain = `{ persons(first: 200) { edges { node { household { householdNumber } house { address } } } } }`;
    const viaFragments = `query { persons(first: 200) { ...P } }
      fragment P on PersonConnection { edges { node { ... on Person { ...H } house { address } } } }
      fragment H on Person { household { householdNumber } }`;
    const a = await api.exec(plain);
    const b = await api.exec(viaFragments);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    expect(a.data!.persons.edges.filter((e: any) => e.node.household).length).toBeGreaterThan(0);
    expect(a.sqlCount).toBe(1);
    expect(b.sqlCount).toBe(1);
    // the count, when asked for, comes in the same statement
    const counted = await api.exec(plain.replace('{ edges', '{ totalCount edges'));
    expect(counted.sqlCount).toBe(1);
    expect(counted.data!.persons.totalCount).toBe(SEEDS.length);
    // a page past the end has no row to carry the count: it is counted apart, and still right

    const past = await api.exec(
      `query($after: String) { persons(first: 5, after: $after) { totalCount edges { node { id } } } }`,
      {
        after: encodeCursor(Number.MAX_SAFE_INTEGER),
      },
    );
    expect(past.data!.persons).toEqual({ totalCount: SEEDS.length, edges: [] });
    expect(past.sqlCount).toBe(2);
  });

  it.each([
    ['now', false],
    ['as of after the batch', true],
  ])(
    '10 and 200 persons with household, head, house and areas: same count, at most 5 (%s)',
    async (_label, asOf) => {
      const vars = asOf ? { asOf: new Date(pop.recordedAt.getTime() + 1).toISOString() } : {};
      const small = await api.exec(NESTED, { ...vars, first: 10 });
      const large = await api.exec(NESTED, { ...vars, first: 200 });
      expect(small.errors).toBeUndefined();
      expect(large.errors).toBeUndefined();
      expect(small.data!.persons.edges).toHaveLength(10);
      expect(large.data!.persons.edges).toHaveLength(200);
      expect(large.data!.persons.totalCount).toBe(SEEDS.length);
      expect(large.sqlCount).toBe(small.sqlCount);
      expect(large.sqlCount).toBeLessThanOrEqual(5);
      // now: one statement for the page with its households, houses and count, one for the heads
      // of households not on the page; as of an instant: page and count, households, houses, heads
      expect(small.sqlCount).toBe(asOf ? 4 : 2);

      // and every nested value is the right one
      large.data!.persons.edges.forEach((e: any, i: number) => {
        const seed = SEEDS[i];
        expect(e.node.id).toBe(gidOf(i));
        expect(e.node.name).toBe(seed.name);
        expect(e.node.area.code).toBe(seedArea(i));
        if (seed.household == null) {
          expect(e.node.household).toBeNull();
          expect(e.node.house).toBeNull();
        } else {
          const hh = HOUSEHOLDS[seed.household];
          expect(e.node.household).toEqual({
            householdNumber: hh.householdNumber,
            head: { name: `户主${seed.household}` },
          });
          expect(e.node.house.area.code).toBe(pop.houseAreas[hh.house]);
          // addresses are masked by default: the street stays, the digits do not
          expect(e.node.house.address).toMatch(
            new RegExp(
              `^${HOUSES[hh.house].streetName}${maskAddress(HOUSES[hh.house].streetNumber).replace(/\*/g, '\\*')}号`,
            ),
          );
        }
      });
      expect(large.data!.persons.edges[25].node.house.address).toBe(maskAddress('巴山路21号1栋2单元302室'));
    },
  );
});

describe('a page reads provenance and timestamps only when the request shows them', () => {
  const filter = personsPageFilter({ day: today });

  it('the slim statement leaves them out of persons, households and houses; the full one has them', () => {
    const full = registrySql.personsPage(filter, false, { household: true, house: true, total: true });
    const slim = registrySql.personsPage(filter, false, {
      household: true,
      house: true,
      total: true,
      slim: true,
    });
    for (const t of ['p', 'hh', 'hs']) {
      for (const c of ['provenance', 'created_at', 'updated_at']) {
        expect(full.text).toContain(`${t}.${c}`);
        expect(slim.text).not.toContain(`${t}.${c}`);
      }
    }
    expect(slim.text).toContain('p.name');
    expect(slim.text).toContain('hh.household_number');
    expect(slim.text).toContain('hs.address');
  });

  it('households and houses joined into the page still have them when any field of the request asks', async () => {
    const q = `{ persons(first: 200) { edges { node { name
      household { householdNumber sources { field } } house { address sources { field } } } } } }`;
    const r = await api.exec(q);
    expect(r.errors).toBeUndefined();
    expect(r.sqlCount).toBe(2); // the page with its households and houses; their sources
    const edges = r.data!.persons.edges.filter((e: any) => e.node.household);
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.node.household.sources.map((s: any) => s.field)).toContain('householdNumber');
      expect(e.node.house.sources.map((s: any) => s.field)).toContain('address');
    }
    // asked through a fragment elsewhere in the request as well
    const viaFragment = await api.exec(
      `query { persons(first: 5) { edges { node { name household { ...T } } } } }
       fragment T on Household { sources { field } }`,
    );
    expect(viaFragment.errors).toBeUndefined();
    const withHousehold = viaFragment.data!.persons.edges.filter((e: any) => e.node.household);
    expect(withHousehold.length).toBeGreaterThan(0);
    for (const e of withHousehold)
      expect(e.node.household.sources.map((s: any) => s.field)).toContain('householdNumber');
  });
});

describe('persons filters', () => {
  it('areaCode takes the whole subtree (a community, its grids and persons placed on the community itself)', async () => {
    const inA = indexesWhere((_, i) => [T.communityA, T.gridA1, T.gridA2].includes(seedArea(i)));
    expect(inA.some((i) => seedArea(i) === T.communityA)).toBe(true);
    expect(await allIds({ areaCode: T.communityA })).toEqual(expectedIds(inA));
    expect(await allIds({ areaCode: T.gridB1 })).toEqual(
      expectedIds(indexesWhere((_, i) => seedArea(i) === T.gridB1)),
    );
    expect(await allIds({ areaCode: T.street })).toHaveLength(SEEDS.length);
    const unknown = await api.exec(LIST, { filter: { areaCode: '610902999999' } });
    expect(unknown.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'AREA_UNKNOWN',
      field: 'filter.areaCode',
    });
  });

  it('ageMin and ageMax are inclusive whole years on today (a person turning 60 today is 60)', async () => {
    const age = (i: number) => ageOn(SEEDS[i].birthDate, today);
    expect([0, 1, 2, 3].map(age)).toEqual([60, 59, 61, 60]);

    const min60 = await allIds({ ageMin: 60 });
    expect(min60).toEqual(expectedIds(indexesWhere((_, i) => age(i) >= 60)));
    expect(min60).toEqual(expect.arrayContaining([gidOf(0), gidOf(2), gidOf(3)]));
    expect(min60).not.toContain(gidOf(1));

    const max60 = await allIds({ ageMax: 60 });
    expect(max60).toEqual(expectedIds(indexesWhere((_, i) => age(i) <= 60)));
    expect(max60).toEqual(expect.arrayContaining([gidOf(0), gidOf(1), gidOf(3)]));
    expect(max60).not.toContain(gidOf(2));

    const exactly60 = await allIds({ ageMin: 60, ageMax: 60 });
    expect(exactly60).toEqual(expectedIds(indexesWhere((_, i) => age(i) === 60)));
    expect(await allIds({ ageMin: 18, ageMax: 35 })).toEqual(
      expectedIds(indexesWhere((_, i) => age(i) >= 18 && age(i) <= 35)),
    );

    const reversed = await api.exec(LIST, { filter: { ageMin: 70, ageMax: 60 } });
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.ageMin' });
  });

  it('gender and residenceType, alone and combined with an area', async () => {
    expect(await allIds({ gender: 'FEMALE' })).toEqual(
      expectedIds(indexesWhere((p) => p.gender === 'FEMALE')),
    );
    expect(await allIds({ residenceType: 'FLOATING' })).toEqual(
      expectedIds(indexesWhere((p) => p.residenceType === 'FLOATING')),
    );
    expect(await allIds({ gender: 'MALE', residenceType: 'REGISTERED', areaCode: T.gridA1 })).toEqual(
      expectedIds(
        indexesWhere(
          (p, i) => p.gender === 'MALE' && p.residenceType === 'REGISTERED' && seedArea(i) === T.gridA1,
        ),
      ),
    );
  });

  it('factKind matches facts valid today only (not ended, not future, not retracted, not another kind)', async () => {
    const id = (i: number) => pop.personIds[i];
    await recordFacts(api.services, [
      {
        personId: id(5),
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2024-01-01',
        attributes: { monthlyAmount: 620 },
      },
      { personId: id(6), kind: 'MINIMUM_LIVING', departmentCode: 'CIVIL_AFFAIRS', validFrom: today },
      {
        personId: id(7),
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2024-01-01',
        validTo: today,
      },
      {
        personId: id(8),
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2024-01-01',
        validTo: shiftDays(today, -1),
      },
      {
        personId: id(10),
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: shiftDays(today, 1),
      },
      {
        personId: id(11),
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2024-01-01',
        status: 'RETRACTED',
      },
      { personId: id(12), kind: 'DISABILITY', departmentCode: 'CIVIL_AFFAIRS', validFrom: '2024-01-01' },
      // two valid facts for one person still list them once
      { personId: id(13), kind: 'MINIMUM_LIVING', departmentCode: 'CIVIL_AFFAIRS', validFrom: '2023-01-01' },
      { personId: id(13), kind: 'MINIMUM_LIVING', departmentCode: 'CIVIL_AFFAIRS', validFrom: '2025-01-01' },
    ]);
    expect(await allIds({ factKind: 'MINIMUM_LIVING' })).toEqual(expectedIds([5, 6, 7, 13]));
    expect(await allIds({ factKind: 'DISABILITY' })).toEqual(expectedIds([12]));
    expect(await allIds({ factKind: 'MINIMUM_LIVING', areaCode: seedArea(5) })).toEqual(
      expectedIds([5, 6, 7, 13].filter((i) => seedArea(i) === seedArea(5))),
    );
  });
});

describe('pagination', () => {
  it('pages of 50 following endCursor visit every person exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: any = await api.exec(LIST, { first: 50, after });
      expect(r.errors).toBeUndefined();
      const { edges, pageInfo, totalCount } = r.data.persons;
      expect(totalCount).toBe(SEEDS.length);
      expect(pageInfo.hasPreviousPage).toBe(pages > 0);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      seen.push(...edges.map((e: { node: { id: string } }) => e.node.id));
      pages++;
      if (!pageInfo.hasNextPage) break;
      expect(edges).toHaveLength(50);
      after = pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(SEEDS.length / 50));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(SEEDS.map((_, i) => gidOf(i))); // ordered by id, as recorded
  });

  it('refuses a page larger than 200 and a cursor it did not give out', async () => {
    const big = await api.exec(LIST, { first: 201 });
    expect(big.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'PAGE_SIZE_EXCEEDED',
      field: 'first',
    });
    const negative = await api.exec(LIST, { first: -1 });
    expect(negative.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    for (const after of [
      'garbage!',
      Buffer.from('cursor:abc').toString('base64url'),
      Buffer.from('Person:1').toString('base64url'),
    ]) {
      const r = await api.exec(LIST, { first: 10, after });
      expect(r.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CURSOR_INVALID',
        field: 'after',
      });
    }
  });
});

describe('as of an instant', () => {
  it('before the batch nobody existed; right after it everybody did', async () => {
    const then = await api.exec(LIST, { first: 10, asOf: before.toISOString() });
    expect(then.errors).toBeUndefined();
    expect(then.data!.persons).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
    const after = await api.exec(LIST, {
      first: 10,
      asOf: new Date(pop.recordedAt.getTime() + 1).toISOString(),
    });
    expect(after.data!.persons.totalCount).toBe(SEEDS.length);
  });
});
