import type { CohortService } from '../cohorts/cohort.service';
import type { ReportJobs } from './report.jobs';

/**
 * Refreshes every cohort to `at` (default now): entries and exits since the last refresh become
 * events. Idempotent: a second refresh at the same instant finds nothing new.
 */
export async function handleRefreshCohorts(cohorts: CohortService, data: ReportJobs['refresh-cohorts']) {
  const at = data.at ? new Date(data.at) : new Date();
  const out: Record<string, { entered: number; exited: number }> = {};
  for (const c of cohorts.list()) out[c.id] = await cohorts.refresh(c.id, at);
  return out;
}
