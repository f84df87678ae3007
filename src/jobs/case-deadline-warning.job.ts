import type { Services } from '../app/services';
import type { JobPayload } from './job-map';

/** Warns that a case's deadline is near; a no-op when the case moved on or was warned already. */
export async function caseDeadlineWarningJob(
  services: Services,
  payload: JobPayload<'case-deadline-warning'>,
): Promise<{ warned: boolean }> {
  return { warned: await services.cases.warnDeadline(payload.caseId, new Date(payload.dueAt)) };
}
