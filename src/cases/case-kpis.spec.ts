import { UNRESTRICTED } from '../auth/scope';
import { openTestApi, TestApi } from '../../test/harness';
import { seedDistrict } from '../seed/seed.service';
import { WorkingCalendar } from './calendar/working-days';
import type { CaseAction } from './case.workflow';
import type { Actor } from '../registry/person.service';

/**
 * The KPI query against direct SQL: the fixture district's reported cases are re-reported and
 * driven through random workflows at back-dated instants, then every figure the API gives for
 * several areas and periods is recomputed here with plain SQL (and the official calendar for
 * handling times in working days).
 */
let api: TestApi;
const staff: Actor = { name: 'kpi-staff', scope: UNRESTRICTED };
const calendar = WorkingCalendar.fromPackage();
let now = new Date();

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  api = await openTestApi();
  await seedDistrict(api.services, { persons: 20, things: 0, cases: 150, seed: 3 });
  const cases = api.services.cases;
  cases.clock.setNow(() => now);
  cases.scheduler = undefined;
  const { rows } = await api.services.pool.query<{ lon: number; lat: number; category: string; at: Date }>(
    `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, category_code AS category, reported_at AS at
     FROM civic_case WHERE location IS NOT NULL ORDER BY id`,
  );
  const random = rng(42);
  const HOUR = 3_600_000;
  for (const seeded of rows) {
    now = seeded.at;
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
    const r = random();
    if (r < 0.08) continue; // left REPORTED
    if (r < 0.16) {
      await go('REJECT', 1);
      continue;
    }
    await go('FILE', 1);
    await go('DISPATCH', 1);
    if (random() < 0.1) {
      await go('PARK', 2);
      continue;
    }
    if (random() < 0.25) await go('ESCALATE', 3);
    if (random() < 0.1) await go('ESCALATE', 3);
    if (random() < 0.15) continue; // still open
    await go('CLAIM', 2);
    if (random() < 0.2) await go('EXTEND', 1, { extendWorkingDays: 2 });
    await go('START', 1);
    await go('RESOLVE', random() * 24 * 5);
    await go('CHECK', 2);
    await go('CLOSE', 1);
    if (random() < 0.7) {
      now = new Date(now.getTime() + 5 * HOUR);
      await cases.rate({ caseId: c.id, score: 1 + Math.floor(random() * 5), comment: '评价' }, staff);
    }
  }
}, 120000);
afterAll(() => api.close());

const KPI = `query($a: String!, $f: DateTime!, $t: DateTime!) { caseKpis(areaCode: $a, from: $f, to: $t) {
  received filed due closed closedOnTime completionRate onTimeRate closedInPeriod closedAtOrBelowStreet
  shareClosedAtOrBelowStreet meanHandlingWorkingDays rated satisfied satisfactionRate meanRating } }`;

/** The same figures, straight from the tables. */
async function direct(areaCode: string, from: Date, to: Date) {
  const pool = api.services.pool;
  const inArea = `area_code IN (SELECT code FROM area WHERE path ~ ('*.' || $1 || '.*')::lquery)`;
  const n = async (where: string) =>
    Number(
      (
        await pool.query(`SELECT count(*) AS n FROM civic_case WHERE ${inArea} AND ${where}`, [
          areaCode,
          from,
          to,
        ])
      ).rows[0].n,
    );
  const dueWhere = `filed_at IS NOT NULL AND status::text <> 'PARKED' AND due_at >= $2 AND due_at < $3`;
  const due = await n(dueWhere);
  const closed = await n(`${dueWhere} AND closed_at IS NOT NULL AND closed_at < $3`);
  const onTime = await n(
    `${dueWhere} AND closed_at IS NOT NULL AND closed_at < $3 AND closed_at <= original_due_at`,
  );
  const closedIn = await n(`closed_at >= $2 AND closed_at < $3`);
  const low = await n(
    `closed_at >= $2 AND closed_at < $3 AND handling_level::text IN ('COMMUNITY','STREET')`,
  );
  const rated = await n(`rated_at >= $2 AND rated_at < $3`);
  const satisfied = await n(`rated_at >= $2 AND rated_at < $3 AND rating IN (4, 5)`);
  const ratings = await pool.query<{ rating: number }>(
    `SELECT rating FROM civic_case WHERE ${inArea} AND rated_at >= $2 AND rated_at < $3`,
    [areaCode, from, to],
  );
  const spans = await pool.query<{ f: Date; c: Date }>(
    `SELECT filed_at AS f, closed_at AS c FROM civic_case WHERE ${inArea} AND closed_at >= $2 AND closed_at < $3`,
    [areaCode, from, to],
  );
  const days = spans.rows.map((s) => calendar.workingDaysBetween(s.f, s.c));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const ratio = (a: number, b: number) => (b ? a / b : null);
  return {
    received: await n(`reported_at >= $2 AND reported_at < $3`),
    filed: await n(`filed_at >= $2 AND filed_at < $3`),
    due,
    closed,
    closedOnTime: onTime,
    completionRate: ratio(closed, due),
    onTimeRate: ratio(onTime, due),
    closedInPeriod: closedIn,
    closedAtOrBelowStreet: low,
    shareClosedAtOrBelowStreet: ratio(low, closedIn),
    meanHandlingWorkingDays: mean(days),
    rated,
    satisfied,
    satisfactionRate: ratio(satisfied, rated),
    meanRating: mean(ratings.rows.map((r) => r.rating)),
  };
}

describe('caseKpis', () => {
  it('matches direct SQL for the district, the street and a community over several periods', async () => {
    const { rows } = await api.services.pool.query<{ code: string }>(
      `SELECT a.code FROM area a WHERE a.level = 'COMMUNITY' AND a.code LIKE '610902002%'
       AND EXISTS (SELECT 1 FROM civic_case c WHERE c.area_code LIKE a.code || '%' AND c.closed_at IS NOT NULL)
       ORDER BY a.code LIMIT 1`,
    );
    const areas = ['610902', '610902002', rows[0].code];
    const periods: [string, string][] = [
      ['2025-01-01T00:00:00+08:00', '2025-01-04T00:00:00+08:00'],
      ['2025-01-03T00:00:00+08:00', '2025-01-10T00:00:00+08:00'],
      ['2025-01-01T00:00:00+08:00', '2025-04-01T00:00:00+08:00'],
    ];
    let nonTrivial = 0;
    for (const a of areas) {
      for (const [f, t] of periods) {
        const from = new Date(f);
        const to = new Date(t);
        const r = await api.exec(KPI, { a, f: from, t: to });
        expect(r.errors).toBeUndefined();
        const want = await direct(a, from, to);
        const got = r.data!.caseKpis;
        for (const [k, v] of Object.entries(want)) {
          if (typeof v === 'number' && !Number.isInteger(v))
            expect([k, got[k]]).toEqual([k, expect.closeTo(v, 9)]);
          else expect([k, got[k]]).toEqual([k, v]);
        }
        if (want.due > 0 && want.closed > 0 && want.rated > 0 && want.closed < want.due) nonTrivial++;
      }
    }
    // the fixtures exercise the figures: something due, closed, rated and not everything closed
    expect(nonTrivial).toBeGreaterThan(0);
  });

  it('measures punctuality against the original due date, not an extended one', async () => {
    const cases = api.services.cases;
    // a grid of the fixture district, and a point inside it
    const { rows } = await api.services.pool.query<{
      code: string;
      parent: string;
      lon: number;
      lat: number;
    }>(
      `SELECT code, parent_code AS parent, ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat
       FROM area WHERE level = 'GRID' ORDER BY code LIMIT 1`,
    );
    const grid = rows[0];
    const mk = async () =>
      cases.report(
        {
          categoryCode: 'L0201',
          description: '马蜂窝',
          location: { type: 'Point', coordinates: [grid.lon, grid.lat] },
          channel: 'APP',
        },
        staff,
      );
    now = new Date('2026-03-02T09:00:00+08:00'); // Monday; 1 working day → due end of Tuesday 3/3
    const onTime = await mk();
    const late = await mk();
    for (const c of [onTime, late]) {
      for (const a of ['FILE', 'DISPATCH', 'CLAIM'] as CaseAction[])
        await cases.transition({ caseId: c.id, action: a }, staff);
    }
    await cases.transition(
      { caseId: late.id, action: 'EXTEND', note: '协调', approver: '主任', extendWorkingDays: 1 },
      staff,
    );
    for (const [c, day] of [
      [onTime, '2026-03-03T10:00:00+08:00'],
      [late, '2026-03-04T10:00:00+08:00'],
    ] as const) {
      now = new Date(day);
      await cases.transition({ caseId: c.id, action: 'START' }, staff);
      await cases.transition({ caseId: c.id, action: 'RESOLVE', note: '已处理' }, staff);
      await cases.transition({ caseId: c.id, action: 'CHECK' }, staff);
      await cases.transition({ caseId: c.id, action: 'CLOSE' }, staff);
    }
    expect(onTime.areaCode).toBe(grid.code);
    const r = await api.exec(KPI, {
      a: grid.parent,
      f: new Date('2026-03-01T00:00:00+08:00'),
      t: new Date('2026-04-01T00:00:00+08:00'),
    });
    expect(r.data!.caseKpis).toMatchObject({
      received: 2,
      filed: 2,
      due: 2,
      closed: 2,
      closedOnTime: 1,
      completionRate: 1,
      onTimeRate: 0.5,
      closedAtOrBelowStreet: 2,
      meanHandlingWorkingDays: 1.5, // Mon → Tue is 1 working day, Mon → Wed 2
    });
  });

  it('refuses a period that ends before it starts and an unknown area', async () => {
    const bad = await api.exec(KPI, { a: '610902002', f: new Date('2026-02-01'), t: new Date('2026-01-01') });
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CASE_PERIOD_INVALID',
    });
    const unknown = await api.exec(KPI, {
      a: '999999',
      f: new Date('2026-01-01'),
      t: new Date('2026-02-01'),
    });
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AREA_UNKNOWN' });
  });
});
