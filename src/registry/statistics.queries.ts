import { areaScopeSql, departmentScopeSql, Scope } from '../auth/scope';
import { SqlParams, SqlQuery } from './registry.queries';

/**
 * The figures of an area and of each of its direct children, in one statement per record type.
 * The caller passes every code of the area's subtree (`codes`) with the bucket it counts in
 * (`buckets`: the direct child it lies under, or the area itself), built from the in-memory tree;
 * the statements unnest the two arrays into a code → bucket map and group by bucket, so an area
 * with 27 children costs the same two statements as one with 2. `GROUPING SETS` adds the area's
 * own total (bucket NULL) in the same pass. The viewer's scope is applied inside each statement.
 */
export interface StatisticsInput {
  /** Every area code of the subtree; `buckets[i]` is where `codes[i]` counts. */
  codes: string[];
  buckets: string[];
  scope: Scope;
}

/** The two statements of the area statistics (see `StatisticsInput`). */
export const statisticsSql = {
  /**
   * Persons per bucket: all (not merged), 户籍, 流动, born on or before `elderlyBornBy` (60 or
   * older on `day`), and with an active MINIMUM_LIVING (低保) fact valid on `day` from a
   * department in scope.
   */
  persons: (f: StatisticsInput & { day: string; elderlyBornBy: string }): SqlQuery => {
    const q = new SqlParams();
    const add = (v: unknown) => q.add(v);
    const day = q.add(f.day);
    return q.query(`
      WITH m AS (SELECT * FROM unnest(${add(f.codes)}::text[], ${add(f.buckets)}::text[]) AS m(code, bucket)),
      x AS (
        SELECT m.bucket, p.residence_type, p.birth_date,
               (p.district_code, p.id) IN (SELECT f.district_code, f.person_id FROM fact f
                        WHERE f.kind = 'MINIMUM_LIVING' AND f.status = 'ACTIVE'
                          AND f.valid_from <= ${day}::date AND (f.valid_to IS NULL OR f.valid_to >= ${day}::date)
                          AND ${departmentScopeSql(f.scope, 'f.department_code', add)}) AS living
          FROM person p JOIN m ON m.code = p.area_code
         WHERE p.status <> 'MERGED' AND ${areaScopeSql(f.scope, 'p.area_code', add)}
      )
      SELECT CASE WHEN grouping(bucket) = 1 THEN NULL ELSE bucket END AS bucket,
             count(*)::int AS persons,
             (count(*) FILTER (WHERE residence_type = 'REGISTERED'))::int AS registered,
             (count(*) FILTER (WHERE residence_type = 'FLOATING'))::int AS floating,
             (count(*) FILTER (WHERE birth_date <= ${add(f.elderlyBornBy)}::date))::int AS elderly,
             (count(*) FILTER (WHERE living))::int AS "minimumLiving"
        FROM x GROUP BY GROUPING SETS ((bucket), ())`);
  },

  /** Cases per bucket and status, and per status over the whole area (bucket NULL). */
  cases: (f: StatisticsInput): SqlQuery => {
    const q = new SqlParams();
    const add = (v: unknown) => q.add(v);
    return q.query(`
      WITH m AS (SELECT * FROM unnest(${add(f.codes)}::text[], ${add(f.buckets)}::text[]) AS m(code, bucket))
      SELECT CASE WHEN grouping(m.bucket) = 1 THEN NULL ELSE m.bucket END AS bucket,
             c.status::text AS status, count(*)::int AS count
        FROM civic_case c JOIN m ON m.code = c.area_code
       WHERE ${areaScopeSql(f.scope, 'c.area_code', add)}
       GROUP BY GROUPING SETS ((m.bucket, c.status), (c.status))`);
  },
};
