import { openTestApi, TestApi } from '../../test/harness';
import { seedDistrict } from '../seed/seed.service';

const DISTRICT = '610902'; // 汉滨区: 27 streets and more
const STREET = '610902002'; // 新城街道: its communities, where the fixture's residents live
const SMALL = '610902001'; // a street given two communities below, for the statement count

const QUERY = `query ($a: String!) { areaStatistics(areaCode: $a) {
  day
  total { ...F }
  children { ...F } } }
  fragment F on AreaFigures { area { code } persons registered floating elderly minimumLiving cases closedCases
    casesByStatus { status count } }`;

interface Figures {
  area: { code: string };
  persons: number;
  registered: number;
  floating: number;
  elderly: number;
  minimumLiving: number;
  cases: number;
  closedCases: number;
  casesByStatus: { status: string; count: number }[];
}
interface Result {
  areaStatistics: { day: string; total: Figures; children: Figures[] };
}

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await seedDistrict(api.services, { persons: 400, things: 0, cases: 120, batchSize: 200 });
  await api.services.areas.upsert(
    ['610902001901', '610902001902'].map((code, i) => ({
      code,
      name: `测试社区${i + 1}`,
      level: 'COMMUNITY' as const,
      parentCode: SMALL,
      districtCode: DISTRICT,
      boundary: null,
    })),
  );
  // the fixture's cases all arrive REPORTED: move some through the workflow, through the ledger
  const { rows } = await api.services.pool.query<{ id: string }>(
    `SELECT id FROM civic_case ORDER BY id LIMIT 60`,
  );
  const statuses = ['CLOSED', 'CLOSED', 'IN_PROGRESS', 'DISPATCHED', 'PARKED'];
  await api.services.ledger.record(
    rows.map((r, i) => ({
      source: { districtCode: DISTRICT, kind: 'STAFF_EDIT' as const, actor: 'factory', raw: { i } },
      writes: [
        {
          type: 'CASE' as const,
          districtCode: DISTRICT,
          id: Number(r.id),
          create: false,
          values: { status: statuses[i % statuses.length] },
        },
      ],
    })),
  );
});
afterAll(() => api.close());

/**
 * The figures of one area subtree counted directly in SQL, independently of the service: the
 * subtree through the ltree path, age and validity on today's date in China time.
 */
async function truth(code: string, scopeCode: string | null = null): Promise<Omit<Figures, 'area'>> {
  const q = async (sql: string) => (await api.services.pool.query(sql, [code, scopeCode])).rows;
  const sub = (
    col: string,
  ) => `${col} IN (SELECT a.code FROM area a WHERE a.path <@ (SELECT path FROM area WHERE code = $1)
      AND ($2::text IS NULL OR a.path <@ (SELECT path FROM area WHERE code = $2)))`;
  const today = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
  const [p] = await q(`SELECT count(*)::int AS persons,
      (count(*) FILTER (WHERE residence_type = 'REGISTERED'))::int AS registered,
      (count(*) FILTER (WHERE residence_type = 'FLOATING'))::int AS floating,
      (count(*) FILTER (WHERE date_part('year', age(${today}, birth_date)) >= 60))::int AS elderly,
      (count(*) FILTER (WHERE id IN (SELECT person_id FROM fact WHERE kind = 'MINIMUM_LIVING' AND status = 'ACTIVE'
         AND valid_from <= ${today} AND (valid_to IS NULL OR valid_to >= ${today}))))::int AS "minimumLiving"
    FROM person WHERE status <> 'MERGED' AND ${sub('area_code')}`);
  const statuses = await q(`SELECT s::text AS status, (SELECT count(*)::int FROM civic_case c
      WHERE c.status = s AND ${sub('c.area_code')}) AS count
    FROM unnest(enum_range(NULL::case_status)) s`);
  const cases = statuses.reduce((n, r) => n + r.count, 0);
  const closedCases = statuses.find((r) => r.status === 'CLOSED').count;
  return { ...p, cases, closedCases, casesByStatus: statuses };
}

describe('areaStatistics: every child area at a glance from one request', () => {
  it('equals direct SQL counts for the area and each of its children, at street and district level', async () => {
    for (const code of [STREET, DISTRICT]) {
      const r = await api.exec<Result>(QUERY, { a: code });
      expect(r.errors).toBeUndefined();
      const s = r.data!.areaStatistics;
      const kids = await api.services.areas.childrenOf(code);
      expect(s.children.map((c) => c.area.code)).toEqual(kids.map((k) => k.code));
      expect(s.total).toEqual({ area: { code }, ...(await truth(code)) });
      for (const child of s.children)
        expect(child).toEqual({ area: child.area, ...(await truth(child.area.code)) });
    }
    // the fixture makes every figure non-trivial: residents of both kinds, elderly, 低保, cases in several statuses
    const street = (await api.exec<Result>(QUERY, { a: STREET })).data!.areaStatistics;
    expect(street.total.persons).toBe(400);
    for (const k of ['registered', 'floating', 'elderly', 'minimumLiving', 'cases'] as const)
      expect(street.total[k]).toBeGreaterThan(0);
    expect(street.total.casesByStatus.filter((c) => c.count > 0).length).toBeGreaterThan(3);
    expect(street.total.closedCases).toBeGreaterThan(0);
    expect(street.children.filter((c) => c.persons > 0).length).toBeGreaterThan(1);
  });

  it('sends the same two statements for an area with 2 children as for one with 27', async () => {
    const counts: Record<string, [number, number]> = {};
    for (const code of [SMALL, STREET, DISTRICT]) {
      const r = await api.exec<Result>(QUERY, { a: code });
      expect(r.errors).toBeUndefined();
      counts[code] = [r.data!.areaStatistics.children.length, r.sqlCount];
    }
    expect(counts[SMALL][0]).toBe(2);
    expect(counts[DISTRICT][0]).toBeGreaterThanOrEqual(27);
    expect(counts[STREET][0]).toBeGreaterThan(20);
    expect(new Set(Object.values(counts).map(([, n]) => n))).toEqual(new Set([2]));
  });

  it("shows a scoped viewer only its own subtree's figures and omits the areas outside it", async () => {
    const kids = await api.services.areas.childrenOf(STREET);
    const mine = kids[0].code;
    const staff = await api.viewer('COMMUNITY_STAFF', [mine]);
    const expected = await truth(mine);
    expect(expected.persons).toBeGreaterThan(0);
    expect(expected.persons).toBeLessThan(400);

    // from the district down: one street, one community, every figure limited to the community
    const d = await api.execAs<Result>(staff, QUERY, { a: DISTRICT });
    expect(d.errors).toBeUndefined();
    expect(d.data!.areaStatistics.total).toEqual({ area: { code: DISTRICT }, ...expected });
    expect(d.data!.areaStatistics.children).toEqual([{ area: { code: STREET }, ...expected }]);
    const s = await api.execAs<Result>(staff, QUERY, { a: STREET });
    expect(s.data!.areaStatistics.children).toEqual([{ area: { code: mine }, ...expected }]);
    expect(await truth(STREET, mine)).toEqual(expected);

    // a neighbouring community is not there at all
    const other = await api.execAs<Result>(staff, QUERY, { a: kids[1].code });
    expect(other.data).toBeNull();
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AREA_UNKNOWN' });
  });

  it('counts 低保 only from departments the viewer may see', async () => {
    const analyst = await api.viewer('DEPARTMENT_ANALYST', null, ['HEALTH']);
    const r = await api.execAs<Result>(analyst, QUERY, { a: STREET });
    expect(r.errors).toBeUndefined();
    const all = await truth(STREET);
    expect(all.minimumLiving).toBeGreaterThan(0);
    expect(r.data!.areaStatistics.total).toEqual({ area: { code: STREET }, ...all, minimumLiving: 0 });
  });
});
