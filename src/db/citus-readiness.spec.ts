import fs from 'node:fs';
import path from 'node:path';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../test/factories';

/**
 * Citus distributes a table by one column and enforces primary keys, unique constraints and
 * foreign keys only when they contain that column (inside one shard). This reads the migrated
 * schema from pg_catalog and the distribution plan in scripts/citus/distribute.sql, and checks
 * that the plan covers every table and that the schema lets Citus carry it out.
 */

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'citus', 'distribute.sql');

interface Plan {
  distributed: Map<string, string>; // table → distribution column
  reference: Set<string>;
  local: Set<string>;
}

function readPlan(): Plan {
  const sql = fs.readFileSync(SCRIPT, 'utf8');
  const plan: Plan = { distributed: new Map(), reference: new Set(), local: new Set() };
  const seen: string[] = [];
  for (const m of sql.matchAll(/^SELECT create_distributed_table\('(\w+)', '(\w+)'/gm)) {
    plan.distributed.set(m[1], m[2]);
    seen.push(m[1]);
  }
  for (const m of sql.matchAll(/^SELECT create_reference_table\('(\w+)'\)/gm)) {
    plan.reference.add(m[1]);
    seen.push(m[1]);
  }
  for (const m of sql.matchAll(/^-- local: (\w+)/gm)) {
    plan.local.add(m[1]);
    seen.push(m[1]);
  }
  expect(seen.length).toBe(new Set(seen).size); // no table named twice
  return plan;
}

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

async function rows<T>(sql: string): Promise<T[]> {
  return (await db.services.pool.query<T & Record<string, unknown>>(sql)).rows;
}

describe('Citus readiness of the live schema', () => {
  it('one person per ID number still holds across districts, through person_id_number', async () => {
    const { pool } = db.services;
    const person = (district: string, idNumber: string | null) =>
      pool.query(
        `INSERT INTO person (district_code, name, id_number, area_code) VALUES ($1, '测试', $2, $3) RETURNING id`,
        [district, idNumber, T.gridA1],
      );
    const idNumber = idNumberFor('1975-03-04');
    const first = (await person(T.district, idNumber)).rows[0].id as number;
    await expect(person('610903', idNumber)).rejects.toMatchObject({
      code: '23505',
      constraint: 'person_id_number_key',
    });
    // changing or clearing the number frees it, and the new one is taken
    const other = idNumberFor('1975-03-05');
    await pool.query(`UPDATE person SET id_number = $1 WHERE district_code = $2 AND id = $3`, [
      other,
      T.district,
      first,
    ]);
    const second = (await person('610903', idNumber)).rows[0].id as number;
    await expect(person('610903', other)).rejects.toMatchObject({ constraint: 'person_id_number_key' });
    const { rows } = await pool.query(
      `SELECT id_number, district_code, person_id FROM person_id_number WHERE id_number = ANY($1) ORDER BY person_id`,
      [[idNumber, other]],
    );
    expect(rows).toEqual([
      { id_number: other, district_code: T.district, person_id: first },
      { id_number: idNumber, district_code: '610903', person_id: second },
    ]);
  });

  it('the distribution plan names every table once: distributed, reference or coordinator-local', async () => {
    const plan = readPlan();
    const tables = (
      await rows<{ t: string }>(`SELECT c.relname AS t FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition`)
    ).map((r) => r.t);
    const planned = [...plan.distributed.keys(), ...plan.reference, ...plan.local];
    expect([...planned].sort()).toEqual([...tables].sort());
    // the ledger and every log beside it are distributed by district
    for (const t of [
      'person',
      'household',
      'house',
      'thing',
      'fact',
      'source_record',
      'ledger_change',
      'conflict',
      'civic_case',
      'case_transition',
      'ingest_run',
      'ingest_row_issue',
      'match_decision',
      'review_item',
      'person_merge',
      'cohort_member',
      'cohort_event',
      'outreach_message',
      'outreach_opt_out',
    ])
      expect([t, plan.distributed.get(t)]).toEqual([t, 'district_code']);
    for (const t of ['area', 'department', 'fact_kind', 'area_routing_cell'])
      expect(plan.reference).toContain(t);
  });

  it('every distributed table has its distribution column in its primary key and in every unique index', async () => {
    const plan = readPlan();
    const indexes = await rows<{ t: string; idx: string; cols: string[]; primary: boolean }>(`
      SELECT t.relname AS t, ic.relname AS idx, i.indisprimary AS primary,
             array(SELECT a.attname FROM unnest(i.indkey) k(att)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att)::text[] AS cols
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique`);
    const missingPk = [...plan.distributed].filter(
      ([t, col]) => !indexes.some((i) => i.t === t && i.primary && i.cols.includes(col)),
    );
    expect(missingPk).toEqual([]);
    const violations = indexes
      .filter((i) => plan.distributed.has(i.t) && !i.cols.includes(plan.distributed.get(i.t)!))
      .map((i) => i.idx);
    expect(violations).toEqual([]);
    // one person per ID number: kept by a table distributed by the ID number, not by an index on person
    expect(plan.distributed.get('person_id_number')).toBe('id_number');
    expect(indexes.filter((i) => i.t === 'person').every((i) => i.cols.includes('district_code'))).toBe(true);
  });

  it('every foreign key between distributed tables joins on the distribution column; none points from a reference table into them', async () => {
    const plan = readPlan();
    const fks = await rows<{ name: string; t: string; ref: string; cols: string[]; refcols: string[] }>(`
      SELECT c.conname AS name, t.relname AS t, r.relname AS ref,
             array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att ORDER BY k.n)::text[] AS cols,
             array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(att, n)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att ORDER BY k.n)::text[] AS refcols
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`);
    expect(fks.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const fk of fks) {
      const from = plan.distributed.get(fk.t);
      const to = plan.distributed.get(fk.ref);
      if (to && !from) problems.push(`${fk.name}: a ${fk.t} row points into distributed ${fk.ref}`);
      if (from && to) {
        const at = fk.cols.indexOf(from);
        if (at < 0 || fk.refcols[at] !== to)
          problems.push(`${fk.name}: does not join ${fk.t}.${from} = ${fk.ref}.${to}`);
      }
      if (plan.local.has(fk.ref)) problems.push(`${fk.name}: points at coordinator-local ${fk.ref}`);
    }
    expect(problems).toEqual([]);
    // the district-to-district keys that exist are all of this shape
    expect(
      fks
        .filter((f) => plan.distributed.has(f.t) && plan.distributed.has(f.ref))
        .map((f) => f.t)
        .sort(),
    ).toEqual(['case_transition', 'fact', 'household', 'household', 'ingest_row_issue', 'person', 'person']);
  });

  it('the distribution column has one type everywhere, so the district tables can be co-located', async () => {
    const plan = readPlan();
    const types = await rows<{ t: string; type: string }>(`
      SELECT c.relname AS t, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = 'public'::regnamespace AND a.attname = 'district_code' AND a.attnum > 0`);
    const ofDistributed = types.filter((r) => plan.distributed.get(r.t) === 'district_code');
    expect(ofDistributed).toHaveLength(
      [...plan.distributed.values()].filter((c) => c === 'district_code').length,
    );
    expect(new Set(ofDistributed.map((r) => r.type))).toEqual(new Set(['text']));
  });
});
