import { openTestDb, TestDb } from '../../test/harness';
import { FIXTURE_DISTRICT, seedDistrict } from './seed.service';
import { ENTITIES, provenanceSql } from '../ledger/entities';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('loading the fixture district', () => {
  it('loads real area codes, synthetic residents through the ledger, and is idempotent', async () => {
    const s = db.services;
    const first = await seedDistrict(s, { persons: 300, things: 20, cases: 30, batchSize: 50 });
    expect(first).toMatchObject({ skipped: false, persons: 300, things: 20, cases: 30 });
    // the fixture district comes with an `admin` account (password shown once)
    await expect(s.auth.login('admin', first.adminPassword!)).resolves.toHaveProperty('accessToken');

    const street = await s.areas.get('610902002');
    expect(street).toMatchObject({ name: '新城街道', level: 'STREET', parentCode: FIXTURE_DISTRICT });
    expect((await s.areas.get('610902')).name).toBe('汉滨区');
    const communities = await s.areas.childrenOf('610902002');
    expect(communities.map((c) => c.code)).toContain('610902002001');
    for (const c of communities) expect((await s.areas.childrenOf(c.code)).length).toBeGreaterThanOrEqual(4);

    const q = async (sql: string) => (await s.pool.query(sql)).rows[0] as Record<string, number>;
    expect(await q(`SELECT count(*)::int AS n FROM person`)).toEqual({ n: 300 });
    // every value has a source record, every person a CREATE in the change log
    expect(
      await q(`SELECT count(*)::int AS n FROM (SELECT ${provenanceSql(ENTITIES.PERSON, 'p')} AS provenance FROM person p) p
               WHERE provenance = '{}' OR NOT provenance ? 'name'`),
    ).toEqual({ n: 0 });
    expect(
      await q(
        `SELECT count(DISTINCT entity_id)::int AS n FROM ledger_change WHERE entity_type = 'PERSON' AND op = 'CREATE'`,
      ),
    ).toEqual({ n: 300 });
    expect(await q(`SELECT count(*)::int AS n FROM source_record WHERE kind <> 'SEED'`)).toEqual({ n: 0 });
    // houses and things lie inside the grid they are placed in (PostGIS agrees with the generator)
    expect(
      await q(`SELECT count(*)::int AS n FROM house h JOIN area a ON a.code = h.area_code
               WHERE a.level <> 'GRID' OR NOT ST_Covers(a.boundary, h.location)`),
    ).toEqual({ n: 0 });
    expect(
      await q(
        `SELECT count(*)::int AS n FROM thing t JOIN area a ON a.code = t.area_code WHERE NOT ST_Covers(a.boundary, t.location)`,
      ),
    ).toEqual({ n: 0 });
    // every household head is a member of it
    expect(
      await q(`SELECT count(*)::int AS n FROM household h JOIN person p ON p.id = h.head_person_id
               WHERE p.household_id <> h.id OR p.relation_to_head <> '户主'`),
    ).toEqual({ n: 0 });

    const again = await seedDistrict(s, { persons: 300 });
    expect(again.skipped).toBe(true);
    expect(again.adminPassword).toBeNull();
    expect(await q(`SELECT count(*)::int AS n FROM person`)).toEqual({ n: 300 });
  });
});
