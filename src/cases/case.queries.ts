import { areaScopeSql, Scope } from '../auth/scope';
import { ENTITIES, provenanceSql } from '../ledger/entities';
import { SqlParams, SqlQuery } from '../registry/registry.queries';
/** SQL of the cases capability: reads, routing, the transition log and the KPIs. */

const cols = `c.district_code AS "districtCode", c.id, c.category_code AS "categoryCode", c.description, c.channel,
  c.reporter_name AS "reporterName", c.reporter_phone AS "reporterPhone", ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
  c.area_code AS "areaCode", c.status::text AS status, c.reported_at AS "reportedAt",
  ${provenanceSql(ENTITIES.CASE, 'c')} AS provenance, c.version,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.category_version AS "categoryVersion",
  c.routing_reason AS "routingReason", c.handling_level::text AS "handlingLevel", c.handling_area_code AS "handlingAreaCode",
  c.department_code AS "departmentCode", c.escalation_level AS "escalationLevel", c.photos, c.invalid_reason AS "invalidReason",
  c.filed_at AS "filedAt", c.due_at AS "dueAt", c.original_due_at AS "originalDueAt", c.claimed_at AS "claimedAt",
  c.resolved_at AS "resolvedAt", c.closed_at AS "closedAt", c.rating, c.rating_comment AS "ratingComment",
  c.rated_at AS "ratedAt", c.warned_due_at AS "warnedDueAt"`;

const subtree = (param: string) => `c.area_code IN (SELECT code FROM area WHERE path <@ ${param}::ltree)`;

export const caseSql = {
  /** Cases by id, limited to a reader's scope (an out-of-scope case is absent). */
  byIds: (ids: readonly number[], scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const idp = q.add(ids);
    return q.query(
      `SELECT ${cols} FROM civic_case c WHERE c.id = ANY(${idp}::bigint[]) AND ${areaScopeSql(scope, 'c.area_code', (v) => q.add(v))}`,
    );
  },

  /**
   * Whether a case in the reader's scope refers to a photo (`@>` so that a jsonb_path_ops GIN
   * index on photos would serve it).
   */
  photoVisible: (photoId: string, scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const p = q.add(JSON.stringify([photoId]));
    return q.query(
      `SELECT 1 FROM civic_case c WHERE c.photos @> ${p}::jsonb AND ${areaScopeSql(scope, 'c.area_code', (v) => q.add(v))} LIMIT 1`,
    );
  },

  /**
   * The deepest area covering a point, through the subdivided routing cells: the GiST index
   * prefilters by bounding box, ST_Covers decides. A point on an edge shared by two areas of the
   * same level goes to the lower code, so routing is deterministic.
   */
  route: `
    SELECT area_code AS "areaCode" FROM area_routing_cell
    WHERE cell && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Covers(cell, ST_SetSRID(ST_MakePoint($1, $2), 4326))
    ORDER BY level DESC, area_code ASC LIMIT 1`,

  /** The district whose boundary is nearest to a point outside every area (its command center takes the case). */
  nearestDistrict: `
    SELECT code FROM area WHERE level = 'DISTRICT' AND boundary IS NOT NULL
    ORDER BY boundary <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), code LIMIT 1`,

  anyDistrict: `SELECT code FROM area WHERE level = 'DISTRICT' ORDER BY code LIMIT 1`,

  departmentExists: `SELECT 1 FROM department WHERE code = $1`,

  insertTransition: `
    INSERT INTO case_transition (district_code, case_id, action, from_status, to_status, actor, approver, note,
                                 source_record_id, recorded_at)
    VALUES ($1, $2, $3, $4::case_status, $5::case_status, $6, $7, $8, $9, $10)`,

  transitionsOf: `
    SELECT id, case_id AS "caseId", action, from_status::text AS "fromStatus", to_status::text AS "toStatus", actor,
           approver, note, source_record_id AS "sourceRecordId", recorded_at AS "recordedAt"
    FROM case_transition WHERE case_id = ANY($1::bigint[]) ORDER BY case_id, id`,

  /**
   * The counting KPIs of an area subtree ($1 ltree path) for the period [$2, $3):
   * received = reported in the period; filed = filed (立案) in the period; due (应结案) = filed cases,
   * not parked, whose current due date falls in the period; closed / on time = of those, closed by
   * the period end / by the ORIGINAL due date (an extension does not make a case punctual);
   * closed in the period, and how many of them were closed at community or street level; ratings
   * given in the period and how many were satisfied (4 or 5).
   */
  kpiCounts: `
    SELECT
      count(*) FILTER (WHERE c.reported_at >= $2 AND c.reported_at < $3)::int AS received,
      count(*) FILTER (WHERE c.filed_at >= $2 AND c.filed_at < $3)::int AS filed,
      count(*) FILTER (WHERE c.filed_at IS NOT NULL AND c.status <> 'PARKED' AND c.due_at >= $2 AND c.due_at < $3)::int AS due,
      count(*) FILTER (WHERE c.filed_at IS NOT NULL AND c.status <> 'PARKED' AND c.due_at >= $2 AND c.due_at < $3
                         AND c.closed_at < $3)::int AS closed,
      count(*) FILTER (WHERE c.filed_at IS NOT NULL AND c.status <> 'PARKED' AND c.due_at >= $2 AND c.due_at < $3
                         AND c.closed_at < $3 AND c.closed_at <= c.original_due_at)::int AS "closedOnTime",
      count(*) FILTER (WHERE c.closed_at >= $2 AND c.closed_at < $3)::int AS "closedInPeriod",
      count(*) FILTER (WHERE c.closed_at >= $2 AND c.closed_at < $3
                         AND c.handling_level IN ('COMMUNITY', 'STREET'))::int AS "closedAtOrBelowStreet",
      count(*) FILTER (WHERE c.rated_at >= $2 AND c.rated_at < $3)::int AS rated,
      count(*) FILTER (WHERE c.rated_at >= $2 AND c.rated_at < $3 AND c.rating >= 4)::int AS satisfied,
      avg(c.rating) FILTER (WHERE c.rated_at >= $2 AND c.rated_at < $3)::float8 AS "meanRating"
    FROM civic_case c WHERE ${subtree('$1')}`,

  /** Filing and closing instants of the cases closed in the period (handling time in working days). */
  kpiClosedSpans: `
    SELECT c.filed_at AS "filedAt", c.closed_at AS "closedAt" FROM civic_case c
    WHERE ${subtree('$1')} AND c.closed_at >= $2 AND c.closed_at < $3 AND c.filed_at IS NOT NULL`,
};

/** The Open311 request list: filters by ids, category, reported period and open/closed, newest first. */
export function open311ListSql(f: {
  ids: number[] | null;
  serviceCode: string | null;
  start: Date | null;
  end: Date | null;
  closed: boolean | null;
  limit: number;
}): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const add = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = ['true'];
  if (f.ids) where.push(`c.id = ANY(${add(f.ids)}::bigint[])`);
  if (f.serviceCode) where.push(`c.category_code = ${add(f.serviceCode)}`);
  if (f.start) where.push(`c.reported_at >= ${add(f.start)}`);
  if (f.end) where.push(`c.reported_at <= ${add(f.end)}`);
  if (f.closed !== null) where.push(`${f.closed ? '' : 'NOT '}(c.status IN ('CLOSED', 'INVALID'))`);
  return {
    text: `SELECT ${cols} FROM civic_case c WHERE ${where.join(' AND ')} ORDER BY c.reported_at DESC, c.id DESC LIMIT ${add(f.limit)}`,
    values,
  };
}
