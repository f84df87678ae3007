import { z } from 'zod';
import type { IndicatorDef, IndicatorFamily } from './indicator.types';

/**
 * Cases (事) as of the period end, mapped to their row by the area they were placed in. When a
 * case reached CLOSED comes from the change log (the latest change to CLOSED recorded by the
 * as-of instant), so cases closed before the workflow recorded closed_at still count. The
 * due-date and rating columns come from the workflow's own fields as of the instant, so the
 * on-time and satisfaction figures follow the case KPIs (src/cases/case.queries.ts kpiCounts).
 */
export const caseFamily: IndicatorFamily = {
  id: 'case',
  source() {
    return `SELECT x.id, x.status::text AS status, x.reported_at, cl.closed_at, m.row_code,
                   x.filed_at, x.due_at, x.original_due_at, x.closed_at AS case_closed_at, x.rating, x.rated_at
            FROM report_civic_case_as_of($1) x
            JOIN unnest($4::text[], $5::text[]) AS m(leaf, row_code) ON m.leaf = x.area_code
            LEFT JOIN (
              SELECT c.district_code, c.entity_id, max(c.recorded_at) AS closed_at
              FROM ledger_change c
              WHERE c.entity_type = 'CASE' AND c.recorded_at <= $1 AND c.changes -> 'status' ->> 1 = 'CLOSED'
              GROUP BY c.district_code, c.entity_id
            ) cl ON cl.district_code = x.district_code AND cl.entity_id = x.id`;
  },
};

const none = z.object({}).strict();

/** Cases received (受理) in the period: reported within it, not ruled invalid as of its end. */
export const casesReceivedIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesReceived',
  family: caseFamily,
  entity: 'CASE',
  description: 'cases reported within the period and not INVALID as of its end',
  args: none,
  compile: () => ({
    condition: `b.reported_at >= $3 AND b.reported_at <= $1 AND b.status <> 'INVALID'`,
    entity: 'b.id',
    measure: 'count',
  }),
};

/** Cases closed (办结) in the period: CLOSED as of its end, the closing recorded within it. */
export const casesClosedIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesClosed',
  family: caseFamily,
  entity: 'CASE',
  description: 'cases CLOSED as of the period end whose closing was recorded within the period',
  args: none,
  compile: () => ({
    condition: `b.status = 'CLOSED' AND b.closed_at >= $3`,
    entity: 'b.id',
    measure: 'count',
  }),
};

/**
 * The case KPIs' 应结案 (due) as of the period end: filed, not parked, current due date within the
 * period — the same condition as kpiCounts.due over [start, end].
 */
const dueCondition = `b.filed_at IS NOT NULL AND b.status <> 'PARKED' AND b.due_at >= $3 AND b.due_at <= $1`;

/** Cases due (应结案) in the period, as in the case KPIs. */
export const casesDueIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesDue',
  family: caseFamily,
  entity: 'CASE',
  description: 'filed cases, not PARKED, whose due date falls in the period (as of its end)',
  args: none,
  compile: () => ({ condition: dueCondition, entity: 'b.id', measure: 'count' }),
};

/**
 * Due cases closed on time (按期结案): closed by the period end and by the ORIGINAL due date, as
 * in the case KPIs (an extension does not make a case punctual).
 */
export const casesClosedOnTimeIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesClosedOnTime',
  family: caseFamily,
  entity: 'CASE',
  description: 'due cases closed by the period end and by their original due date',
  args: none,
  compile: () => ({
    condition: `${dueCondition} AND b.case_closed_at <= $1 AND b.case_closed_at <= b.original_due_at`,
    entity: 'b.id',
    measure: 'count',
  }),
};

/** Ratings given in the period (as of its end), as in the case KPIs. */
export const casesRatedIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesRated',
  family: caseFamily,
  entity: 'CASE',
  description: 'cases rated within the period',
  args: none,
  compile: () => ({ condition: `b.rated_at >= $3 AND b.rated_at <= $1`, entity: 'b.id', measure: 'count' }),
};

/** Satisfied ratings (4 or 5) given in the period, as in the case KPIs. */
export const casesSatisfiedIndicator: IndicatorDef<z.infer<typeof none>> = {
  name: 'casesSatisfied',
  family: caseFamily,
  entity: 'CASE',
  description: 'cases rated 4 or 5 within the period',
  args: none,
  compile: () => ({
    condition: `b.rated_at >= $3 AND b.rated_at <= $1 AND b.rating >= 4`,
    entity: 'b.id',
    measure: 'count',
  }),
};
