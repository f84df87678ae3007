import type { ReportService } from '../report.service';
import type { ReportJobs } from './report.jobs';

/**
 * After a quarter ends: requests every quarterly form for every community for that quarter.
 * Idempotent: combinations already requested are skipped, so a second run adds nothing.
 */
export async function handleQuarterReports(reports: ReportService, data: ReportJobs['quarter-reports']) {
  const created = await reports.requestQuarter(data.now ? new Date(data.now) : new Date());
  return { requested: created.length };
}
