import { areaScopeSql, Scope } from '../../auth/scope';
import { SqlParams, SqlQuery } from '../../registry/registry.queries';
/** SQL of cohorts: counts, members and the membership diff that yields entry and exit events. */
export const cohortSql = {
  /** Members per row, rows given as leaf → row arrays ($3, $4), as in the report engine. */
  counts: (members: string) => `
    SELECT m.row_code, count(*)::int AS n
    FROM (${members}) c JOIN unnest($3::text[], $4::text[]) AS m(leaf, row_code) ON m.leaf = c.area_code
    GROUP BY m.row_code`,
  /** One page of members within a set of areas ($3), by person id. */
  members: (members: string) => `
    SELECT c.person_id FROM (${members}) c
    WHERE c.area_code = ANY($3::text[]) AND c.person_id > $4
    ORDER BY c.person_id LIMIT $5`,
  /**
   * Brings the stored membership to the members at $1 in one statement: new members are
   * inserted with an ENTERED event, members no longer qualifying are removed with an EXITED
   * event (occurred_at = $1). Returns how many of each.
   */
  refresh: (members: string) => `
    WITH cur AS MATERIALIZED (${members}),
    entered AS (
      INSERT INTO cohort_member (cohort_id, district_code, person_id, area_code, since)
      SELECT $3, cur.district_code, cur.person_id, cur.area_code, $1 FROM cur
      ON CONFLICT (cohort_id, district_code, person_id) DO NOTHING
      RETURNING district_code, person_id, area_code),
    exited AS (
      DELETE FROM cohort_member m
      WHERE m.cohort_id = $3
        AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.district_code = m.district_code AND cur.person_id = m.person_id)
      RETURNING m.district_code, m.person_id, m.area_code),
    events AS (
      INSERT INTO cohort_event (cohort_id, district_code, person_id, kind, area_code, occurred_at)
      SELECT $3, district_code, person_id, 'ENTERED'::cohort_event_kind, area_code, $1 FROM entered
      UNION ALL
      SELECT $3, district_code, person_id, 'EXITED'::cohort_event_kind, area_code, $1 FROM exited
      RETURNING kind)
    SELECT count(*) FILTER (WHERE kind = 'ENTERED')::int AS entered, count(*) FILTER (WHERE kind = 'EXITED')::int AS exited
    FROM events`,
  lock: `SELECT pg_advisory_xact_lock(hashtext('cohort:' || $1))`,
  /** Entries and exits of a cohort after an id, limited to a reader's area scope. */
  events: (scope: Scope, cohortId: string, afterId: number, limit: number): SqlQuery => {
    const q = new SqlParams();
    const where = [
      `cohort_id = ${q.add(cohortId)}`,
      `id > ${q.add(afterId)}`,
      areaScopeSql(scope, 'area_code', (v) => q.add(v)),
    ];
    return q.query(
      `SELECT id, cohort_id, district_code, person_id, kind, area_code, occurred_at FROM cohort_event
       WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${q.add(limit)}`,
    );
  },
};
