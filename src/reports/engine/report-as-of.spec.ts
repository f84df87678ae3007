import { buildTerritory, idNumberFor, recordFacts, recordPopulation, T } from '../../../test/factories';
import { openTestDb, TestDb } from '../../../test/harness';
import { FormRegistry } from '../forms/form.registry';
import { ReportEngine } from './report-engine';
import { UNRESTRICTED } from '../../auth/scope';

/** A node of `EXPLAIN (FORMAT JSON)`. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * "As of the period end": what was recorded by the period's last instant and valid on its last
 * day, nothing else, and a past period regenerated after later changes gives the same figures.
 */
let db: TestDb;
let engine: ReportEngine;
let ids: number[];
const actor = { name: 'staff', departmentCode: 'COMMUNITY', scope: UNRESTRICTED };

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  const at = new Date('2026-06-01T09:00:00+08:00');
  const pop = await recordPopulation(
    db.services,
    {
      houses: [
        { lon: T.inA1.coordinates[0], lat: T.inA1.coordinates[1], streetName: '兴安路', streetNumber: '1' },
      ],
      households: [{ householdNumber: 'H001', house: 0 }],
      persons: [
        // 60 exactly on the quarter's last day: counted as 60+
        {
          name: '王秀英',
          gender: 'FEMALE',
          birthDate: '1966-09-30',
          residenceType: 'REGISTERED',
          household: 0,
          head: true,
        },
        // 60 one day after the quarter: not counted
        {
          name: '李建国',
          gender: 'MALE',
          birthDate: '1966-10-01',
          residenceType: 'REGISTERED',
          household: 0,
        },
        {
          name: '张伟',
          gender: 'MALE',
          birthDate: '1990-01-01',
          residenceType: 'FLOATING',
          areaCode: T.gridB1,
        },
        {
          name: '刘洋',
          gender: 'MALE',
          birthDate: '1940-03-03',
          residenceType: 'REGISTERED',
          areaCode: T.gridA2,
        },
      ],
    },
    { at },
  );
  ids = pop.personIds;
  await recordFacts(
    db.services,
    [
      // valid through the last day: counted
      {
        personId: ids[0],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2025-01-01',
        validTo: '2026-09-30',
        attributes: { monthlyAmount: 560 },
      },
      // ended the day before the last day: not counted
      {
        personId: ids[1],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2025-01-01',
        validTo: '2026-09-29',
        attributes: { monthlyAmount: 560 },
      },
      // starts after the quarter: not counted
      {
        personId: ids[3],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2026-10-01',
        attributes: { monthlyAmount: 690 },
      },
    ],
    { at },
  );
  engine = new ReportEngine(db.services.pool, db.services.areas, new FormRegistry());
});
afterAll(() => db.close());

const cell = (fig: Awaited<ReturnType<ReportEngine['evaluate']>>, area: string, key: string) =>
  fig.rows.find((r) => r.areaCode === area && r.kind !== 'SUBTOTAL')!.values[key];

describe('figures as of the period end', () => {
  it('counts ages on the last day and facts valid on the last day', async () => {
    const elderly = await engine.evaluate('elderly', '2026Q3', T.street);
    expect(cell(elderly, T.communityA, 'age60')).toBe(2); // 王秀英 and 刘洋, not 李建国
    expect(cell(elderly, T.communityA, 'age80')).toBe(1);
    expect(cell(elderly, T.communityB, 'age60')).toBe(0);
    const dibao = await engine.evaluate('minimum-living', '2026Q3', T.street);
    expect(cell(dibao, T.communityA, 'persons')).toBe(1);
    expect(cell(dibao, T.communityA, 'households')).toBe(1);
    expect(cell(dibao, T.communityA, 'amount')).toBe(560);
    // one row per community under the street, plus 合计
    expect(dibao.rows.map((r) => r.name)).toEqual(['北门社区', '文昌社区', '合计']);
  });

  it('gives identical figures when regenerated, and ignores changes recorded after the period end', async () => {
    const forms = ['elderly', 'minimum-living', 'population', 'insurance', 'case-handling'];
    const before = await Promise.all(forms.map((f) => engine.evaluate(f, '2026Q3', T.street)));
    expect(await Promise.all(forms.map((f) => engine.evaluate(f, '2026Q3', T.street)))).toEqual(before);

    // after the quarter (now, 2026-11 or later): corrections, a death, a new resident, a new benefit
    await db.services.persons.update(
      ids[1],
      { idNumber: idNumberFor('1950-01-01', 'MALE'), birthDate: '1950-01-01' },
      actor,
    );
    await db.services.persons.update(ids[0], { status: 'DECEASED' }, actor);
    await db.services.persons.update(ids[2], { residenceType: 'REGISTERED', areaCode: T.gridA1 }, actor);
    await db.services.persons.create(
      {
        name: '陈静',
        idNumber: null,
        birthDate: '1950-02-02',
        gender: 'FEMALE',
        areaCode: T.gridA2,
        residenceType: 'REGISTERED',
      },
      actor,
    );
    await recordFacts(db.services, [
      {
        personId: ids[1],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2026-01-01',
        attributes: { monthlyAmount: 690 },
      },
    ]);

    const after = await Promise.all(forms.map((f) => engine.evaluate(f, '2026Q3', T.street)));
    expect(after).toEqual(before);

    // the inlinable as-of functions of 0005 give exactly the rows of the 0001 ones, before and after
    for (const t of [
      '2026-06-01T10:00:00+08:00',
      '2026-09-30T23:59:59.999+08:00',
      new Date().toISOString(),
    ]) {
      for (const table of ['person', 'fact', 'civic_case']) {
        const { rows } = await db.services.pool.query(
          `SELECT (SELECT count(*) FROM ${table}_as_of($1))::int AS n,
                  (SELECT count(*) FROM (SELECT to_jsonb(r) FROM ${table}_as_of($1) r
                     EXCEPT SELECT to_jsonb(r) FROM report_${table}_as_of($1) r) d)::int AS missing,
                  (SELECT count(*) FROM (SELECT to_jsonb(r) FROM report_${table}_as_of($1) r
                     EXCEPT SELECT to_jsonb(r) FROM ${table}_as_of($1) r) d)::int AS extra`,
          [t],
        );
        expect({ t, table, missing: rows[0].missing, extra: rows[0].extra }).toEqual({
          t,
          table,
          missing: 0,
          extra: 0,
        });
        if (table === 'person') expect(rows[0].n).toBeGreaterThan(0);
      }
    }

    // the changes are real: a period that ends after them sees them
    const q4 = await engine.evaluate('elderly', '2026Q4', T.street);
    expect(cell(q4, T.communityA, 'age60')).toBe(3); // 李建国 (corrected), 刘洋, 陈静; 王秀英 died
    const pop = await engine.evaluate('population', '2026Q4', T.street);
    expect(cell(pop, T.gridB1, 'floating')).toBe(0);
    expect(cell(pop, T.gridA1, 'registered')).toBe(2);
  });

  it('reads the changes after an instant through the change-time index, which holds no creations', async () => {
    // creations are most of the log (every roster row creates a person): the index leaves them
    // out (migration 0014), so the as-of readers of "changed after T" say so, to be able to use it
    const { rows: idx } = await db.services.pool.query<{ pred: string }>(
      `SELECT pg_get_expr(i.indpred, i.indrelid) AS pred FROM pg_index i
       WHERE i.indexrelid = 'ledger_change_recorded_idx'::regclass`,
    );
    expect(idx).toEqual([{ pred: "(op <> 'CREATE'::change_op)" }]);
    const client = await db.services.pool.connect();
    try {
      await client.query('BEGIN');
      // as over a log of millions of changes, where reading all of it is out of the question
      await client.query('SET LOCAL enable_seqscan = off');
      const at = '2026-09-30T23:59:59.999+08:00';
      /** How the plan of a statement on `at` reads ledger_change: each scan of it as "node type:index". */
      const changeScans = async (sql: string) => {
        const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          [at],
        );
        const out: string[] = [];
        const walk = (n: PlanNode) => {
          if (n['Relation Name'] === 'ledger_change') out.push(`${n['Node Type']}:${n['Index Name'] ?? ''}`);
          for (const c of n.Plans ?? []) walk(c);
        };
        walk(rows[0]['QUERY PLAN'][0].Plan);
        return out;
      };
      for (const table of ['person', 'fact', 'civic_case']) {
        const scans = await changeScans(`SELECT count(*) FROM report_${table}_as_of($1)`);
        // the entities changed since (NOT EXISTS) and their values then (`ledger_overrides`)
        expect({ table, scans }).toEqual({
          table,
          scans: Array(2).fill('Index Scan:ledger_change_recorded_idx'),
        });
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('rejects a period of the wrong type, an unknown form and an area below the row level', async () => {
    await expect(engine.evaluate('elderly', '2026-09', T.street)).rejects.toMatchObject({ field: 'period' });
    await expect(engine.evaluate('nope', '2026Q3', T.street)).rejects.toMatchObject({
      reason: 'FORM_UNKNOWN',
    });
    await expect(engine.evaluate('elderly', '2026Q3', T.gridA1)).rejects.toMatchObject({
      reason: 'AREA_LEVEL_INVALID',
    });
  });
});
