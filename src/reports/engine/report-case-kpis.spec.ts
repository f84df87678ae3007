import { UNRESTRICTED } from '../../auth/scope';
import { openTestApi, TestApi } from '../../../test/harness';
import { seedDistrict } from '../../seed/seed.service';
import type { CaseAction } from '../../cases/case.workflow';
import type { Actor } from '../../registry/person.service';
import { FormRegistry } from '../forms/form.registry';
import { FormFigures, ReportEngine } from './report-engine';

/**
 * The case form's on-time (按期结案率) and satisfaction (群众满意率) columns against direct SQL
 * over civic_case_as_of: cases are driven through the workflow at back-dated instants in 2026 Q3
 * (an injected clock, as in case-kpis.spec), then a rating recorded after the quarter must leave
 * the regenerated Q3 form unchanged.
 */
let api: TestApi;
let engine: ReportEngine;
const staff: Actor = { name: 'form-staff', scope: UNRESTRICTED };
const STREET = '610902002';
const Q3_END = new Date('2026-09-30T23:59:59.999+08:00');
const Q3_START = new Date('2026-07-01T00:00:00+08:00');
const HOUR = 3_600_000;
let now = new Date();
let rerate: number | null = null;

beforeAll(async () => {
  api = await openTestApi();
  await seedDistrict(api.services, {
    persons: 20,
    things: 0,
    cases: 50,
    seed: 5,
    recordedAt: new Date('2026-06-01T00:00:00+08:00'),
  });
  const cases = api.services.cases;
  cases.clock.setNow(() => now);
  cases.scheduler = undefined;
  const { rows } = await api.services.pool.query<{ lon: number; lat: number; category: string }>(
    `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, category_code AS category
     FROM civic_case WHERE location IS NOT NULL ORDER BY id`,
  );
  let i = 0;
  for (const seeded of rows) {
    i++;
    now = new Date(Q3_START.getTime() + i * 40 * HOUR);
    const c = await cases.report(
      {
        categoryCode: seeded.category,
        description: '测试事件',
        location: { type: 'Point', coordinates: [seeded.lon, seeded.lat] },
        channel: 'APP',
      },
      staff,
    );
    const go = async (action: CaseAction, afterHours: number, extra: Record<string, unknown> = {}) => {
      now = new Date(now.getTime() + afterHours * HOUR);
      await cases.transition({ caseId: c.id, action, note: '处理', approver: '主任', ...extra }, staff);
    };
    if (i % 9 === 0) continue; // left REPORTED
    await go('FILE', 1);
    await go('DISPATCH', 1);
    if (i % 11 === 0) {
      await go('PARK', 2);
      continue;
    }
    if (i % 7 === 0) continue; // still open
    await go('CLAIM', 2);
    if (i % 5 === 0) await go('EXTEND', 1, { extendWorkingDays: 2 });
    await go('START', 1);
    // some resolved quickly, some late (past the original due date)
    await go('RESOLVE', i % 3 === 0 ? 24 * 12 : 6);
    await go('CHECK', 2);
    await go('CLOSE', 1);
    if (i % 4 !== 3) {
      now = new Date(now.getTime() + 5 * HOUR);
      const score = 1 + (i % 5);
      await cases.rate({ caseId: c.id, score, comment: '评价' }, staff);
      if (score >= 4 && now < Q3_END && rerate === null) rerate = c.id;
    }
  }
  engine = new ReportEngine(api.services.pool, api.services.areas, new FormRegistry());
}, 120000);
afterAll(() => api.close());

/** Community → figure over civic_case_as_of(the period end), with the case KPIs' conditions. */
async function direct(where: string): Promise<Map<string, number>> {
  const { rows } = await api.services.pool.query<{ code: string; n: string }>(
    `SELECT c.code, count(*) AS n FROM civic_case_as_of($1) x JOIN area g ON g.code = x.area_code
     JOIN area c ON c.level = 'COMMUNITY' AND g.path <@ c.path
     WHERE ${where} GROUP BY c.code`,
    [Q3_END, Q3_START],
  );
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

const due = `x.filed_at IS NOT NULL AND x.status::text <> 'PARKED' AND x.due_at >= $2 AND x.due_at <= $1`;
const onTime = `${due} AND x.closed_at <= $1 AND x.closed_at <= x.original_due_at`;
const rated = `x.rated_at >= $2 AND x.rated_at <= $1`;
const satisfied = `${rated} AND x.rating IN (4, 5)`;

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
  expect(total.values[key]).toBe([...expected.values()].reduce((n, v) => n + v, 0));
}

it('on-time and satisfaction columns equal the case KPI conditions over cases as of the quarter end', async () => {
  const fig = await engine.evaluate('case-handling', '2026Q3', STREET);
  expectColumn(fig, 'due', await direct(due));
  expectColumn(fig, 'closedOnTime', await direct(onTime));
  expectColumn(fig, 'rated', await direct(rated));
  expectColumn(fig, 'satisfied', await direct(satisfied));
  const total = fig.rows.find((r) => r.kind === 'TOTAL')!.values;
  // the workflow above makes every figure non-trivial: some due cases late, some ratings unsatisfied
  expect(total.due).toBeGreaterThan(total.closedOnTime!);
  expect(total.closedOnTime).toBeGreaterThan(0);
  expect(total.rated).toBeGreaterThan(total.satisfied!);
  expect(total.satisfied).toBeGreaterThan(0);
  expect(total.onTimeRate).toBeCloseTo((100 * total.closedOnTime!) / total.due!, 2);
  expect(total.satisfactionRate).toBeCloseTo((100 * total.satisfied!) / total.rated!, 2);
  expect(fig.notes.join()).not.toMatch(/暂无法统计/);
  const onTimeCol = fig.columns.find((c) => c.key === 'onTimeRate')!;
  expect(onTimeCol.note).toBeNull();
  // drill-down lists the same cases as the direct condition
  const members = await engine.members('case-handling', '2026Q3', STREET, 'closedOnTime', {
    afterId: 0,
    limit: 500,
  });
  const { rows } = await api.services.pool.query<{ id: string }>(
    `SELECT x.id FROM civic_case_as_of($1) x WHERE x.area_code LIKE '${STREET}%' AND ${onTime} ORDER BY x.id`,
    [Q3_END, Q3_START],
  );
  expect(members.ids).toEqual(rows.map((r) => Number(r.id)));
});

it('a rating recorded after the quarter end (re-rated unsatisfied and reopened) leaves the Q3 form unchanged', async () => {
  const before = await engine.evaluate('case-handling', '2026Q3', STREET);
  expect(rerate).not.toBeNull();
  now = new Date('2026-10-12T10:00:00+08:00');
  await api.services.cases.rate({ caseId: rerate!, score: 1, comment: '不满意', reopen: true }, staff);
  // the live row has moved on: the Q3 rating, closing and due date are gone from it
  const { rows } = await api.services.pool.query<{ rated_at: Date; closed_at: Date | null; rating: number }>(
    `SELECT rated_at, closed_at, rating FROM civic_case WHERE id = $1`,
    [rerate],
  );
  expect(rows[0].rating).toBe(1);
  expect(rows[0].rated_at.getTime()).toBeGreaterThan(Q3_END.getTime());
  expect(rows[0].closed_at).toBeNull();
  const after = await engine.evaluate('case-handling', '2026Q3', STREET);
  expect(after.rows.map((r) => r.values)).toEqual(before.rows.map((r) => r.values));
  // and Q4 sees the new (unsatisfied) rating
  const q4 = await engine.evaluate('case-handling', '2026Q4', STREET);
  expect(q4.rows.find((r) => r.kind === 'TOTAL')!.values.rated).toBeGreaterThan(0);
});
