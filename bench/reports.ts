/**
 * Benchmark: every shipped form for one quarter over the whole fixture district, against
 * hand-written SQL aggregates computing the same figures (one statement per form), on the same
 * database. Seeds the district first when it has fewer persons than asked (a few minutes for 1M).
 *
 *   npm run build && BENCH_DATABASE_URL=postgres://…/yibiao_bench node dist/bench/reports.js [persons] [period]
 *
 * Prints one line per form, then the figures as one JSON line.
 */
import 'reflect-metadata';
import { createServices } from '../src/app/services';
import { ensureDatabase, migrate } from '../src/db/migrate';
import { FormRegistry } from '../src/reports/forms/form.registry';
import { parsePeriod } from '../src/reports/engine/period';
import { analyticQuery, ReportEngine } from '../src/reports/engine/report-engine';
import { seedDistrict } from '../src/seed/seed.service';

const DISTRICT = '610902';

/** Hand-written equivalents: one statement per form, community = the grid code's 12-digit prefix. */
function handWritten(lastDay: string): Record<string, string> {
  const active = `f.status = 'ACTIVE' AND f.valid_from <= date '${lastDay}' AND (f.valid_to IS NULL OR f.valid_to >= date '${lastDay}')`;
  const age = (n: number) => `p.birth_date <= date '${lastDay}' - interval '${n} years'`;
  return {
    elderly: `SELECT left(p.area_code, 12) AS row, count(*), count(*) FILTER (WHERE ${age(60)}),
                count(*) FILTER (WHERE ${age(65)}), count(*) FILTER (WHERE ${age(80)})
              FROM report_person_as_of($1) p WHERE p.status = 'ACTIVE' AND p.area_code LIKE '${DISTRICT}%' GROUP BY 1`,
    population: `SELECT p.area_code AS row, count(*), count(*) FILTER (WHERE gender = 'MALE'), count(*) FILTER (WHERE gender = 'FEMALE'),
                count(*) FILTER (WHERE residence_type = 'REGISTERED'),
                count(*) FILTER (WHERE residence_type = 'REGISTERED' AND gender = 'MALE'),
                count(*) FILTER (WHERE residence_type = 'REGISTERED' AND gender = 'FEMALE'),
                count(*) FILTER (WHERE residence_type = 'FLOATING'),
                count(*) FILTER (WHERE residence_type = 'FLOATING' AND gender = 'MALE'),
                count(*) FILTER (WHERE residence_type = 'FLOATING' AND gender = 'FEMALE'),
                count(DISTINCT household_id)
              FROM report_person_as_of($1) p WHERE p.status = 'ACTIVE' AND p.area_code LIKE '${DISTRICT}%' GROUP BY 1`,
    'minimum-living': `WITH f AS (
                SELECT f.district_code, f.person_id, sum((f.attributes ->> 'monthlyAmount')::numeric) AS amount
                FROM report_fact_as_of($1) f WHERE f.kind = 'MINIMUM_LIVING' AND ${active} GROUP BY 1, 2)
              SELECT left(p.area_code, 12) AS row, count(DISTINCT p.household_id), count(*),
                count(*) FILTER (WHERE p.gender = 'FEMALE'), count(*) FILTER (WHERE ${age(60)}),
                count(*) FILTER (WHERE p.birth_date > date '${lastDay}' - interval '18 years'), sum(f.amount)
              FROM report_person_as_of($1) p JOIN f ON f.district_code = p.district_code AND f.person_id = p.id
              WHERE p.status = 'ACTIVE' AND p.area_code LIKE '${DISTRICT}%' GROUP BY 1`,
    insurance: `WITH f AS (
                SELECT f.district_code, f.person_id,
                  bool_or(f.kind = 'PENSION_INSURANCE') AS pension,
                  bool_or(f.kind = 'PENSION_INSURANCE' AND f.attributes ->> 'type' = '城镇职工') AS pension_e,
                  bool_or(f.kind = 'PENSION_INSURANCE' AND f.attributes ->> 'type' = '城乡居民') AS pension_r,
                  bool_or(f.kind = 'MEDICAL_INSURANCE') AS medical,
                  bool_or(f.kind = 'MEDICAL_INSURANCE' AND f.attributes ->> 'type' = '城镇职工') AS medical_e,
                  bool_or(f.kind = 'MEDICAL_INSURANCE' AND f.attributes ->> 'type' = '城乡居民') AS medical_r
                FROM report_fact_as_of($1) f WHERE f.kind IN ('PENSION_INSURANCE', 'MEDICAL_INSURANCE') AND ${active} GROUP BY 1, 2)
              SELECT left(p.area_code, 12) AS row, count(*) FILTER (WHERE ${age(18)}),
                count(*) FILTER (WHERE ${age(18)} AND f.pension_e), count(*) FILTER (WHERE ${age(18)} AND f.pension_r),
                count(*) FILTER (WHERE ${age(18)} AND f.pension), count(*),
                count(*) FILTER (WHERE f.medical_e), count(*) FILTER (WHERE f.medical_r), count(*) FILTER (WHERE f.medical)
              FROM report_person_as_of($1) p LEFT JOIN f ON f.district_code = p.district_code AND f.person_id = p.id
              WHERE p.status = 'ACTIVE' AND p.area_code LIKE '${DISTRICT}%' GROUP BY 1`,
    'case-handling': `WITH closed AS (
                SELECT district_code, entity_id, max(recorded_at) AS at FROM ledger_change
                WHERE entity_type = 'CASE' AND recorded_at <= $1 AND changes -> 'status' ->> 1 = 'CLOSED' GROUP BY 1, 2)
              SELECT left(c.area_code, 12) AS row,
                count(*) FILTER (WHERE c.reported_at >= $2 AND c.reported_at <= $1 AND c.status <> 'INVALID'),
                count(*) FILTER (WHERE c.status = 'CLOSED' AND x.at >= $2)
              FROM report_civic_case_as_of($1) c LEFT JOIN closed x ON x.district_code = c.district_code AND x.entity_id = c.id
              WHERE c.area_code LIKE '${DISTRICT}%' GROUP BY 1`,
  };
}

async function main() {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL (or DATABASE_URL)');
  const persons = Number(process.argv[2] ?? 1_000_000);
  const periodKey = process.argv[3] ?? '2026Q3';
  await ensureDatabase(url);
  await migrate(url, () => undefined);
  const s = createServices({
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  });
  try {
    const { rows } = await s.pool.query<{ n: string }>('SELECT count(*) AS n FROM person');
    if (Number(rows[0].n) < persons) {
      const t0 = Date.now();
      await seedDistrict(s, { persons: persons - Number(rows[0].n), force: true, cases: 20000 });
      console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const held = Number((await s.pool.query<{ n: string }>('SELECT count(*) AS n FROM person')).rows[0].n);
    await s.pool.query('ANALYZE');
    const engine = new ReportEngine(s.pool, s.areas, new FormRegistry());
    const period = parsePeriod(periodKey);
    const hand = handWritten(period.lastDay);
    const forms = engine.forms.list();
    // warm the caches once (area tree, buffers), then time each side three times and keep the best (the machine is shared)
    for (const f of forms) await engine.evaluate(f.id, period.key, DISTRICT);
    const time = async (fn: () => Promise<unknown>) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = process.hrtime.bigint();
        await fn();
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return best;
    };
    let engineTotal = 0;
    let handTotal = 0;
    const perForm: { form: string; engineMs: number; handWrittenMs: number }[] = [];
    for (const f of forms) {
      const e = await time(() => engine.evaluate(f.id, period.key, DISTRICT));
      const sql = hand[f.id];
      // same session settings as the engine (no JIT, work_mem), so only the SQL differs
      const h = sql
        ? await time(() =>
            analyticQuery(s.pool, sql, f.id === 'case-handling' ? [period.end, period.start] : [period.end]),
          )
        : NaN;
      engineTotal += e;
      handTotal += h;
      perForm.push({ form: f.id, engineMs: Math.round(e), handWrittenMs: Math.round(h) });
      console.log(
        `${f.id.padEnd(16)} engine ${(e / 1000).toFixed(2)} s   hand-written SQL ${(h / 1000).toFixed(2)} s   ratio ${(e / h).toFixed(2)}`,
      );
    }
    console.log(
      `ALL ${forms.length} forms, ${period.key}, ${held} persons: engine ${(engineTotal / 1000).toFixed(2)} s, hand-written ${(handTotal / 1000).toFixed(2)} s, ratio ${(engineTotal / handTotal).toFixed(2)}`,
    );
    console.log(
      JSON.stringify({
        part: 'reports',
        persons: held,
        period: period.key,
        forms: perForm,
        engineMs: Math.round(engineTotal),
        handWrittenMs: Math.round(handTotal),
        ratio: Math.round((engineTotal / handTotal) * 100) / 100,
      }),
    );
  } finally {
    await s.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
