import { openTestDb, TestDb } from '../../../test/harness';
import { seedDistrict } from '../../seed/seed.service';
import { FormRegistry } from '../forms/form.registry';
import { FormFigures, ReportEngine } from './report-engine';

/**
 * The engine against the fixture district (real 新城街道 codes, 27 communities): every figure of
 * every shipped form equals an independently written SQL count over the as-of functions, grouped
 * through the ltree paths (not the engine's leaf → row arrays).
 */
let db: TestDb;
let engine: ReportEngine;
const STREET = '610902002';
const Q3 = {
  start: '2026-07-01T00:00:00+08:00',
  end: '2026-09-30T23:59:59.999+08:00',
  lastDay: '2026-09-30',
};

beforeAll(async () => {
  db = await openTestDb();
  await seedDistrict(db.services, {
    persons: 1500,
    cases: 120,
    things: 0,
    batchSize: 300,
    recordedAt: new Date('2026-07-01T00:00:00+08:00'),
  });
  // close some cases inside Q3 and one after the quarter, through the ledger
  const { rows } = await db.services.pool.query<{ id: number; district_code: string }>(
    `SELECT id, district_code FROM civic_case ORDER BY id LIMIT 40`,
  );
  const close = (ids: typeof rows, at: Date) =>
    db.services.ledger.record(
      ids.map((c) => ({
        source: {
          districtCode: c.district_code,
          kind: 'STAFF_EDIT' as const,
          actor: 'test',
          raw: { close: c.id },
        },
        writes: [
          {
            type: 'CASE' as const,
            districtCode: c.district_code,
            id: Number(c.id),
            create: false,
            values: { status: 'CLOSED' },
          },
        ],
      })),
      { at },
    );
  await close(rows.slice(0, 25), new Date('2026-08-15T10:00:00+08:00'));
  await close(rows.slice(25, 40), new Date('2026-10-02T10:00:00+08:00'));
  engine = new ReportEngine(db.services.pool, db.services.areas, new FormRegistry());
});
afterAll(() => db.close());

/** Community → figure, from a direct SQL statement returning (code, n). */
async function direct(sql: string, params: unknown[] = []): Promise<Map<string, number>> {
  const { rows } = await db.services.pool.query<{ code: string; n: string }>(sql, params);
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

const personsByCommunity = (where: string, join = '') => `
  SELECT c.code, count(*) AS n
  FROM person_as_of($1) p
  JOIN area g ON g.code = p.area_code
  JOIN area c ON c.level = 'COMMUNITY' AND g.path <@ c.path
  ${join}
  WHERE p.status = 'ACTIVE' AND ${where}
  GROUP BY c.code`;

const activeFact = (kind: string, attrs = '') => `EXISTS (
  SELECT 1 FROM fact_as_of($1) f WHERE f.person_id = p.id AND f.kind = '${kind}' AND f.status = 'ACTIVE'
    AND f.valid_from <= date '${Q3.lastDay}' AND (f.valid_to IS NULL OR f.valid_to >= date '${Q3.lastDay}') ${attrs})`;

function expectColumn(fig: FormFigures, key: string, expected: Map<string, number>) {
  const areaRows = fig.rows.filter((r) => r.kind === 'AREA');
  expect(areaRows.length).toBeGreaterThan(0);
  for (const r of areaRows)
    expect({ area: r.areaCode, key, v: r.values[key] }).toEqual({
      area: r.areaCode,
      key,
      v: expected.get(r.areaCode) ?? 0,
    });
  const total = fig.rows.find((r) => r.kind === 'TOTAL')!;
  expect(total.values[key]).toBeCloseTo(
    areaRows.reduce((n, r) => n + (r.values[key] ?? 0), 0),
    2,
  );
  expect(total.values[key]).toBeCloseTo(
    [...expected.values()].reduce((n, v) => n + v, 0),
    2,
  );
}

describe('forms evaluated as of the period end, compared with direct SQL on the fixture district', () => {
  const at = [Q3.end];

  it('低保: households, persons (with breakdowns) and monthly amount per community', async () => {
    const fig = await engine.evaluate('minimum-living', '2026Q3', STREET);
    expect(fig.rows.filter((r) => r.kind === 'AREA')).toHaveLength(27);
    expect(fig.asOf).toBe('2026-09-30T15:59:59.999Z');
    expectColumn(fig, 'persons', await direct(personsByCommunity(activeFact('MINIMUM_LIVING')), at));
    expectColumn(
      fig,
      'female',
      await direct(personsByCommunity(`p.gender = 'FEMALE' AND ${activeFact('MINIMUM_LIVING')}`), at),
    );
    expectColumn(
      fig,
      'elderly',
      await direct(
        personsByCommunity(`p.birth_date <= date '1966-09-30' AND ${activeFact('MINIMUM_LIVING')}`),
        at,
      ),
    );
    expectColumn(
      fig,
      'minors',
      await direct(
        personsByCommunity(`p.birth_date > date '2008-09-30' AND ${activeFact('MINIMUM_LIVING')}`),
        at,
      ),
    );
    expectColumn(
      fig,
      'households',
      await direct(
        `SELECT c.code, count(DISTINCT p.household_id) AS n FROM person_as_of($1) p
         JOIN area g ON g.code = p.area_code JOIN area c ON c.level = 'COMMUNITY' AND g.path <@ c.path
         WHERE p.status = 'ACTIVE' AND p.household_id IS NOT NULL AND ${activeFact('MINIMUM_LIVING')} GROUP BY c.code`,
        at,
      ),
    );
    expectColumn(
      fig,
      'amount',
      await direct(
        `SELECT c.code, sum((f.attributes ->> 'monthlyAmount')::numeric) AS n FROM person_as_of($1) p
         JOIN fact_as_of($1) f ON f.person_id = p.id AND f.kind = 'MINIMUM_LIVING' AND f.status = 'ACTIVE'
           AND f.valid_from <= date '${Q3.lastDay}' AND (f.valid_to IS NULL OR f.valid_to >= date '${Q3.lastDay}')
         JOIN area g ON g.code = p.area_code JOIN area c ON c.level = 'COMMUNITY' AND g.path <@ c.path
         WHERE p.status = 'ACTIVE' GROUP BY c.code`,
        at,
      ),
    );
    const total = fig.rows.at(-1)!;
    expect(total.values.persons).toBeGreaterThan(0); // the fixtures do have 低保 families
  });

  it('elderly 60+/65+/80+ per community, with shares recomputed on the total row', async () => {
    const fig = await engine.evaluate('elderly', '2026Q3', STREET);
    expectColumn(fig, 'population', await direct(personsByCommunity('TRUE'), at));
    expectColumn(fig, 'age60', await direct(personsByCommunity(`p.birth_date <= date '1966-09-30'`), at));
    expectColumn(fig, 'age65', await direct(personsByCommunity(`p.birth_date <= date '1961-09-30'`), at));
    expectColumn(fig, 'age80', await direct(personsByCommunity(`p.birth_date <= date '1946-09-30'`), at));
    const total = fig.rows.at(-1)!;
    expect(total.values.age60Share).toBeCloseTo((100 * total.values.age60!) / total.values.population!, 2);
  });

  it('actual population by residence type and gender per grid, with community subtotals', async () => {
    const fig = await engine.evaluate('population', '2026Q3', STREET);
    const grids = fig.rows.filter((r) => r.kind === 'AREA');
    expect(grids.length).toBeGreaterThanOrEqual(27 * 4);
    const { rows } = await db.services.pool.query<{ code: string; reg_f: string; flo_m: string; hh: string }>(
      `SELECT p.area_code AS code,
              count(*) FILTER (WHERE p.residence_type = 'REGISTERED' AND p.gender = 'FEMALE') AS reg_f,
              count(*) FILTER (WHERE p.residence_type = 'FLOATING' AND p.gender = 'MALE') AS flo_m,
              count(DISTINCT p.household_id) AS hh
       FROM person_as_of($1) p WHERE p.status = 'ACTIVE' GROUP BY p.area_code`,
      at,
    );
    const byGrid = new Map(rows.map((r) => [r.code, r]));
    for (const g of grids) {
      expect(g.values.registeredFemale).toBe(Number(byGrid.get(g.areaCode)?.reg_f ?? 0));
      expect(g.values.floatingMale).toBe(Number(byGrid.get(g.areaCode)?.flo_m ?? 0));
      expect(g.values.households).toBe(Number(byGrid.get(g.areaCode)?.hh ?? 0));
      expect(g.values.total).toBe(g.values.registered! + g.values.floating!);
      expect(g.parentName).toMatch(/社区|村/);
    }
    // each subtotal is the sum of the grids after it
    const sub = fig.rows.find((r) => r.kind === 'SUBTOTAL')!;
    const itsGrids = grids.filter((g) => g.areaCode.startsWith(sub.areaCode));
    expect(sub.values.total).toBe(itsGrids.reduce((n, g) => n + g.values.total!, 0));
    expect(fig.rows.at(-1)!.values.floatingFemale).toBe(
      grids.reduce((n, g) => n + g.values.floatingFemale!, 0),
    );
  });

  it('insurance coverage by type', async () => {
    const fig = await engine.evaluate('insurance', '2026Q3', STREET);
    expectColumn(fig, 'adults', await direct(personsByCommunity(`p.birth_date <= date '2008-09-30'`), at));
    expectColumn(
      fig,
      'pensionEmployee',
      await direct(
        personsByCommunity(
          `p.birth_date <= date '2008-09-30' AND ${activeFact('PENSION_INSURANCE', `AND f.attributes ->> 'type' = '城镇职工'`)}`,
        ),
        at,
      ),
    );
    expectColumn(
      fig,
      'medicalInsured',
      await direct(personsByCommunity(activeFact('MEDICAL_INSURANCE')), at),
    );
    expectColumn(
      fig,
      'medicalResident',
      await direct(
        personsByCommunity(activeFact('MEDICAL_INSURANCE', `AND f.attributes ->> 'type' = '城乡居民'`)),
        at,
      ),
    );
  });

  it('case handling: received and closed in the quarter, completion rate; no due dates or ratings on ledger-closed cases', async () => {
    const fig = await engine.evaluate('case-handling', '2026Q3', STREET);
    expectColumn(
      fig,
      'received',
      await direct(
        `SELECT c.code, count(*) AS n FROM civic_case_as_of($1) x JOIN area g ON g.code = x.area_code
         JOIN area c ON c.level = 'COMMUNITY' AND g.path <@ c.path
         WHERE x.reported_at BETWEEN $2 AND $1 AND x.status <> 'INVALID' GROUP BY c.code`,
        [Q3.end, Q3.start],
      ),
    );
    const total = fig.rows.at(-1)!;
    // 25 closed on 08-15; the 15 closed on 10-02 are after the quarter (those outside any area excepted)
    const { rows } = await db.services.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT area_code FROM civic_case ORDER BY id LIMIT 25) c WHERE area_code LIKE '610902002%'`,
    );
    expect(total.values.closed).toBe(rows[0].n);
    expect(total.values.closed).toBeGreaterThan(0);
    expect(total.values.completionRate).toBeCloseTo((100 * total.values.closed!) / total.values.received!, 2);
    // closed straight through the ledger, outside the workflow: nothing due or rated, so no rate over zero
    expect(total.values.due).toBe(0);
    expect(total.values.rated).toBe(0);
    expect(total.values.onTimeRate).toBeNull();
    expect(total.values.satisfactionRate).toBeNull();
    // drill-down: the cases behind the 办结数 total are the ones closed on 08-15, by id
    const { rows: closedIds } = await db.services.pool.query<{ id: string }>(
      `SELECT id FROM (SELECT id, area_code FROM civic_case ORDER BY id LIMIT 25) c WHERE area_code LIKE '610902002%' ORDER BY id`,
    );
    const members = await engine.members('case-handling', '2026Q3', STREET, 'closed', {
      afterId: 0,
      limit: 200,
    });
    expect(members).toEqual({ entity: 'CASE', ids: closedIds.map((r) => Number(r.id)), hasNextPage: false });
    // Q4 sees the later closings
    const q4 = await engine.evaluate('case-handling', '2026Q4', STREET);
    expect(q4.rows.at(-1)!.values.closed).toBeGreaterThan(0);
  });
});
