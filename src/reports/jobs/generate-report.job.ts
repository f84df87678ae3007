import type { ReportService } from '../report.service';
import type { ReportJobs } from './report.jobs';

/**
 * Generates one requested report. Idempotent: a report already DONE is left as it is, so a
 * retried or duplicated job does no harm. Returns the final status for the job's result.
 */
export async function handleGenerateReport(reports: ReportService, data: ReportJobs['generate-report']) {
  const r = await reports.generate(data.reportId);
  return { reportId: r.id, status: r.status };
}
