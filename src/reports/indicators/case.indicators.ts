import { z } from 'zod';
import type { IndicatorDef, IndicatorFamily } from './indicator.types';

/**
 * Cases (事) as of the period end, mapped to their row by the area they were placed in. When a
 * case reached CLOSED comes from the change log (the latest change to CLOSED recorded by the
 * as-of instant), because civic_case has no closing time of its own yet. Everything the case
 * form needs about cases is in this file, so it can follow the case model when it grows
 * (due times, satisfaction ratings).
 */
export const caseFamily: IndicatorFamily = {
  id: 'case',
  source() {
    return `SELECT x.id, x.status::text AS status, x.reported_at, cl.closed_at, m.row_code
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
