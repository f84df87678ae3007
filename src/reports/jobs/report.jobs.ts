/** The report queue's job names and payloads, in one typed map. */
export interface ReportJobs {
  /** Generates one requested report (figures + XLSX); jobId `report-<id>` dedupes it. */
  'generate-report': { reportId: number };
  /**
   * After a quarter ends: requests every quarterly form for every community for the quarter that
   * has just ended (`now` is when the scheduler fired; tests pass their own).
   */
  'quarter-reports': { now?: string };
  /** Refreshes every cohort's membership (entry/exit events), daily, so birthdays count too. */
  'refresh-cohorts': { at?: string };
  /** Sends the pending messages of an outreach campaign through the configured sender. */
  'send-outreach': { campaignId: string };
}

/** A job name of the report queue. */
export type ReportJobName = keyof ReportJobs;

/** The report queue's name (prefixed by QUEUE_PREFIX in Redis). */
export const REPORT_QUEUE = 'reports';

/** When the repeatable quarter job fires: 01:00 China time on the first day of each quarter. */
export const QUARTER_SCHEDULE = { pattern: '0 1 1 1,4,7,10 *', tz: 'Asia/Shanghai' } as const;

/** When cohorts are refreshed: 02:00 China time every day. */
export const COHORT_SCHEDULE = { pattern: '0 2 * * *', tz: 'Asia/Shanghai' } as const;
